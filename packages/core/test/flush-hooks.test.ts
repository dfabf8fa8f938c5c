import { describe, expect, it } from "vitest";
import { agentTrace, withTraceFlush } from "../src/index.js";
import { onlyTrace, setup } from "./helpers.js";

/** A stand-in for the Workers `ExecutionContext`: records what it was asked to wait for. */
function executionContext(): { waitUntil: (p: Promise<unknown>) => void; waited: Array<Promise<unknown>> } {
  const waited: Array<Promise<unknown>> = [];
  return { waited, waitUntil: (p) => void waited.push(p) };
}

describe("withTraceFlush", () => {
  it("returns the handler's result, and hands a flush that settles to ctx.waitUntil after it", async () => {
    const memory = setup();
    const ctx = executionContext();
    const handler = withTraceFlush(async (request: string, _env: unknown, _ctx: typeof ctx) => agentTrace({ agentName: "worker" }, async () => `echo ${request}`));
    await expect(handler("hi", {}, ctx)).resolves.toBe("echo hi");
    expect(ctx.waited).toHaveLength(1);
    await ctx.waited[0];
    expect(onlyTrace(memory).agentName).toBe("worker");
  });

  it("rethrows the handler's error as the same object (sync and async) and still flushes", async () => {
    setup();
    const boom = new Error("boom");
    const ctx = executionContext();
    const failing = withTraceFlush(async (_c: typeof ctx) => {
      throw boom;
    });
    await expect(failing(ctx)).rejects.toBe(boom);
    const throwing = withTraceFlush((_c: typeof ctx) => {
      throw boom;
    });
    expect(() => throwing(ctx)).toThrow(boom);
    expect(ctx.waited).toHaveLength(2);
  });

  it("keeps this and works without any waitUntil", async () => {
    setup();
    const obj = { name: "svc", handle: withTraceFlush(function (this: { name: string }, x: number) { return `${this.name}:${x}`; }) };
    expect(obj.handle(1)).toBe("svc:1");
  });
});
