/**
 * Hostile arguments at every public entry point: Proxies (whose traps throw), objects without a
 * prototype, objects whose toString/getters throw. Each call must return normally (no throw into
 * user code), log, and fall back to a safe default; the trace is still recorded.
 */
import { agentTrace, logger, span, startTrace } from "@tracium/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setupTracing } from "../helpers/tracing.js";

/** A Proxy every trap of which throws (and counts the call). */
function trapProxy<T extends object>(target: T): { proxy: T; calls: () => number } {
  let calls = 0;
  const handler = new Proxy(
    {},
    {
      get(_t, trap) {
        return () => {
          calls++;
          throw new Error(`trap ${String(trap)} ran`);
        };
      },
    },
  ) as ProxyHandler<T>;
  return { proxy: new Proxy(target, handler), calls: () => calls };
}

const throwingToString = {
  toString(): string {
    throw new Error("toString ran");
  },
  valueOf(): never {
    throw new Error("valueOf ran");
  },
};

let lines: string[] = [];
beforeEach(() => {
  lines = [];
});
afterEach(() => logger.setSink(undefined));

function setup() {
  const memory = setupTracing({ logLevel: "debug" });
  logger.resetOnce();
  logger.setSink((_level, line) => lines.push(line));
  return memory;
}

describe("every public entry point is total", () => {
  it("a Proxy as trace options: the trace runs with defaults", async () => {
    const memory = setup();
    const { proxy, calls } = trapProxy({ agentName: "x" });
    await expect(agentTrace(proxy, () => 42)).resolves.toBe(42);
    expect(calls()).toBe(0);
    expect(memory.traces()).toHaveLength(1);
    expect(lines.join("\n")).toMatch(/trace options must be a plain object; got a Proxy/);
  });

  it("a Proxy as span options", async () => {
    const memory = setup();
    const { proxy, calls } = trapProxy({ name: "s" });
    await agentTrace({ agentName: "a" }, () => {
      expect(span(proxy, () => "ok")).toBe("ok");
    });
    expect(calls()).toBe(0);
    expect(memory.spans()).toHaveLength(1);
    expect(memory.spans()[0]!.name).toBe("custom");
  });

  it("a Proxy as `parent`", async () => {
    const memory = setup();
    const { proxy, calls } = trapProxy({ traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
    await expect(agentTrace({ agentName: "a", parent: proxy }, () => 1)).resolves.toBe(1);
    expect(calls()).toBe(0);
    expect(memory.traces()).toHaveLength(1);
    expect(lines.join("\n")).toMatch(/`parent` is a Proxy/);
  });

  it("setTokenUsage(proxy), fail(proxy), markFailed(proxy)", async () => {
    const memory = setup();
    const usage = trapProxy({ inputTokens: 1 });
    const err = trapProxy(new Error("e"));
    await agentTrace({ agentName: "a" }, (trace) => {
      span({ name: "s" }, (s) => {
        s.setTokenUsage(usage.proxy);
        s.markFailed(err.proxy);
      });
      const other = trace.startSpan({ name: "t" });
      other.fail(err.proxy);
    });
    const manual = startTrace({ agentName: "m" });
    manual.fail(err.proxy);
    expect(usage.calls() + err.calls()).toBe(0);
    const spans = memory.spans();
    expect(spans.map((s) => s.status)).toEqual(["failed", "failed"]);
    expect(spans[0]!.error).toBe("[Proxy]");
    expect(memory.traces().find((t) => t.agentName === "m")?.status).toBe("failed");
  });

  it("setStatus / agentName given Object.create(null) or an object whose toString throws", async () => {
    const memory = setup();
    for (const bad of [Object.create(null) as object, throwingToString]) {
      await agentTrace({ agentName: bad as unknown as string }, () => {
        span({ name: "s" }, (s) => s.setStatus(bad as unknown as "completed"));
      });
    }
    expect(memory.traces()).toHaveLength(2);
    expect(memory.traces().every((t) => typeof t.agentName === "string" && t.agentName.length > 0)).toBe(true);
    expect(lines.join("\n")).toMatch(/invalid agent name \(object\)/);
    expect(lines.join("\n")).toMatch(/setStatus: unknown status \(object\)/);
  });

  it("recordInput / setMetadata / addTags / setTools / setToolCalls with Proxies record placeholders", async () => {
    const memory = setup();
    const p = trapProxy({ a: 1 });
    const arr = trapProxy([1, 2]);
    await agentTrace({ agentName: "a", tags: arr.proxy as unknown as string[], metadata: p.proxy }, () => {
      span({ name: "s" }, (s) => {
        s.recordInput({ inner: p.proxy });
        s.recordOutput(p.proxy);
        s.setMetadata(p.proxy);
        s.addTags(arr.proxy as unknown as string[]);
        s.setTools(arr.proxy as unknown as unknown[]);
        s.setToolCalls(arr.proxy as unknown as unknown[]);
      });
    });
    expect(p.calls() + arr.calls()).toBe(0);
    const s = memory.spans()[0]!;
    expect(s.input).toEqual({ inner: "[Proxy]" });
    expect(s.output).toBe("[Proxy]");
  });
});
