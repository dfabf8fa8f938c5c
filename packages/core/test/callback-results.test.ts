/**
 * What a traced callback returns comes back as it is, and tracing runs none of its code: a lazy
 * thenable (a query builder) is not started a second time, a promise subclass keeps its methods,
 * a lazy promise subclass (openai's APIPromise) is not awaited by Tracium, and a Proxy's traps
 * never run. Checked for every entry point that runs a callback: `span`, `trace.span`,
 * `traceSpan`, `agentTrace`, `traceAgent` and `tool`.
 */
import { describe, expect, it } from "vitest";
import { agentTrace, span, tool, traceAgent, traceSpan, type MemoryExporter } from "../src/index.js";
import { setup } from "./helpers.js";

/** A query-builder-like thenable: each `then` runs the query once more. */
function lazyQuery(): { runs: number; then: (ok: (v: number) => unknown, fail?: (e: unknown) => unknown) => Promise<unknown> } {
  const q = {
    runs: 0,
    then(ok: (v: number) => unknown, fail?: (e: unknown) => unknown): Promise<unknown> {
      q.runs++;
      return Promise.resolve(42).then(ok, fail);
    },
  };
  return q;
}

/** Like openai's APIPromise: settles natively to a placeholder and does its work in its own `then`. */
class LazyApiPromise extends Promise<unknown> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }
  parses = 0;
  private parsed: Promise<unknown> | undefined;
  constructor(private readonly body: unknown) {
    super((resolve) => resolve(null));
  }
  parse(): Promise<unknown> {
    this.parses++;
    return (this.parsed ??= Promise.resolve(this.body));
  }
  withResponse(): Promise<{ data: unknown; status: number }> {
    return this.parse().then((data) => ({ data, status: 200 }));
  }
  override then<A = unknown, B = never>(ok?: ((v: unknown) => A | PromiseLike<A>) | null, fail?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.parse().then(ok, fail);
  }
}

/** A promise with extra methods that keeps the engine's `then`. */
class QueryPromise extends Promise<number[]> {
  sql = "select 1";
  explain(): string {
    return this.sql;
  }
}

/** When the span the runner opened (the trace, for traceAgent) ended. */
function endedAt(memory: MemoryExporter, name: string): number | undefined {
  return name === "traceAgent" ? memory.traces()[0]?.endedAt : memory.spans()[0]?.endedAt;
}

const runners: [string, (fn: () => unknown) => unknown][] = [
  ["span", (fn) => span({ name: "step" }, fn)],
  ["trace.span", (fn) => agentTrace({ agentName: "a" }, (t) => t.span({ name: "step" }, fn))],
  ["traceSpan", (fn) => traceSpan(function step() { return fn(); })()],
  ["traceAgent", (fn) => traceAgent(function agent() { return fn(); })()],
  ["tool", (fn) => tool("lookup", () => fn())()],
];

describe("a callback's result comes back as it is, and none of its code runs", () => {
  for (const [name, run] of runners) {
    it(`${name}: a lazy thenable runs once, when the caller awaits it`, async () => {
      const memory = setup();
      const q = lazyQuery();
      const returned = run(() => q);
      // trace.span is inside agentTrace, whose own await is the caller's.
      const value = await returned;
      expect(value).toBe(42);
      expect(q.runs).toBe(1);
      if (name === "span" || name === "tool") expect(memory.spans()[0]!.metadata.unobserved_result).toBe("thenable");
    });

    it(`${name}: a lazy promise subclass is the same object, its work is not started by tracing`, async () => {
      setup();
      const p = new LazyApiPromise({ answer: 42 });
      const returned = run(() => p);
      if (name !== "trace.span") {
        expect(returned).toBe(p);
        expect(p.parses).toBe(0);
      }
      expect(await (returned as Promise<unknown>)).toEqual({ answer: 42 });
      expect(await p.withResponse()).toEqual({ data: { answer: 42 }, status: 200 });
    });

    it(`${name}: a promise subclass keeps its methods`, async () => {
      const memory = setup();
      const q = new QueryPromise((resolve) => resolve([1]));
      const returned = run(() => q);
      if (name !== "trace.span") {
        expect(returned).toBe(q);
        expect((returned as QueryPromise).explain()).toBe("select 1");
      }
      expect(await (returned as Promise<unknown>)).toEqual([1]);
      await new Promise((r) => setTimeout(r, 0));
      expect(endedAt(memory, name)).toBeDefined();
      if (name === "traceSpan" || name === "tool") expect(memory.spans()[0]!.output).toEqual([1]);
    });

    it.skipIf(name === "trace.span")(`${name}: a Proxy result comes back at once and its traps never run`, () => {
      const memory = setup();
      const traps: string[] = [];
      const handler: ProxyHandler<object> = {};
      for (const trap of ["get", "getPrototypeOf", "has", "ownKeys", "getOwnPropertyDescriptor"] as const) {
        (handler as Record<string, unknown>)[trap] = (...args: unknown[]) => {
          traps.push(trap);
          return (Reflect[trap] as (...a: unknown[]) => unknown)(...args);
        };
      }
      const config = new Proxy({ region: "eu" }, handler);
      expect(run(() => config)).toBe(config);
      expect(traps).toEqual([]);
      expect(endedAt(memory, name)).toBeDefined();
    });
  }
});
