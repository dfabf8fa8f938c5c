import { describe, expect, it } from "vitest";
import { agentTrace, init, withTraceFlush, type Exporter } from "../src/index.js";
import { onlyTrace, setup, tick } from "./helpers.js";

/** An exporter whose delivery is as slow as the test says: `queued` records, `flush` as given. */
function slowExporter(flush: () => Promise<void>): Exporter & { queued: number; flushes: number } {
  const e = {
    name: "slow",
    queued: 0,
    flushes: 0,
    export: () => undefined,
    flush: () => {
      e.flushes++;
      return flush();
    },
    shutdown: async () => undefined,
    stats: () => ({ queued: e.queued, sent: 0, failed: 0, dropped: 0 }),
  };
  return e;
}

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

  it("does not hold the response until the flush ends (the flush only goes to waitUntil)", async () => {
    const hanging = slowExporter(() => new Promise(() => undefined));
    hanging.queued = 1;
    init({ logLevel: "silent", exporter: hanging, timeoutMs: 60_000 });
    const ctx = executionContext();
    const handler = withTraceFlush(async (_c: typeof ctx) => "response");
    const first = await Promise.race([handler(ctx), tick(1_000).then(() => "held")]);
    expect(first).toBe("response");
    expect(ctx.waited).toHaveLength(1);
  });

  it("keeps waitUntil until delivery is idle, not only until the records of this request are sent", async () => {
    // Another request's records are still in flight on delivery this request may have started.
    const busy = slowExporter(async () => undefined);
    busy.queued = 3;
    init({ logLevel: "silent", exporter: busy, timeoutMs: 5_000 });
    const ctx = executionContext();
    await withTraceFlush(async (_c: typeof ctx) => "ok")(ctx);
    let settled = false;
    void ctx.waited[0]!.then(() => (settled = true));
    await tick(120);
    expect(settled).toBe(false);
    expect(busy.flushes).toBeGreaterThan(1);
    busy.queued = 0;
    await ctx.waited[0];
    expect(settled).toBe(true);
  });

  it("gives up waiting for idle delivery after timeoutMs", async () => {
    const stuck = slowExporter(async () => undefined);
    stuck.queued = 1;
    init({ logLevel: "silent", exporter: stuck, timeoutMs: 150 });
    const ctx = executionContext();
    await withTraceFlush(async (_c: typeof ctx) => "ok")(ctx);
    const started = Date.now();
    await ctx.waited[0];
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("uses Vercel's request-context waitUntil (what @vercel/functions reads) when the handler gets no context", async () => {
    setup();
    const waited: Array<Promise<unknown>> = [];
    const key = Symbol.for("@vercel/request-context");
    const g = globalThis as Record<symbol, unknown>;
    g[key] = { get: () => ({ waitUntil: (p: Promise<unknown>) => void waited.push(p) }) };
    try {
      await withTraceFlush(async (_request: Request) => "ok")(new Request("http://localhost/"));
    } finally {
      delete g[key];
    }
    expect(waited).toHaveLength(1);
  });

  it("never takes the request for the context (Next.js's edge request has a waitUntil that throws)", async () => {
    setup();
    class EdgeRequest extends Request {
      waitUntil(): never {
        throw new Error("deprecated API");
      }
    }
    const ctx = executionContext();
    await expect(withTraceFlush(async (_r: EdgeRequest, _c: typeof ctx) => "ok")(new EdgeRequest("http://localhost/"), ctx)).resolves.toBe("ok");
    expect(ctx.waited).toHaveLength(1);
  });

  it("serverless (forceSync): with a waitUntil, agentTrace does not hold the response for the trace's flush; without one it does", async () => {
    const hanging = slowExporter(() => new Promise(() => undefined));
    hanging.queued = 1;
    init({ logLevel: "silent", exporter: hanging, forceSync: true, syncBudgetMs: 300, timeoutMs: 60_000 });
    const ctx = executionContext();
    const handler = withTraceFlush(async (_c?: typeof ctx) => agentTrace({ agentName: "edge" }, async () => "done"));
    let started = Date.now();
    await expect(handler(ctx)).resolves.toBe("done");
    expect(Date.now() - started).toBeLessThan(250);
    started = Date.now();
    await expect(handler()).resolves.toBe("done");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});
