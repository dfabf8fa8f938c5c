/**
 * A generator function given to `traceSpan()` or `span()` does its work as it is iterated: its
 * span covers the iteration, spans opened in its body nest beneath it, what the consumer sees is
 * unchanged (values, `next(value)`, `throw()`, `return()`, errors), and the span ends with the
 * iteration — failed with the body's error, or with `stream_end_reason: "break"` when the consumer
 * stops early.
 */
import { describe, expect, it } from "vitest";
import { agentTrace, span, traceSpan } from "../src/index.js";
import { setup, spansByName } from "./helpers.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("generator spans", () => {
  it("an async generator's span lasts as long as its iteration, records what it yielded, and parents the spans its body opens", async () => {
    const memory = setup();
    const stream = traceSpan(async function* streamTokens(n: number) {
      for (let i = 0; i < n; i++) {
        await span({ name: `fetch ${i}` }, () => sleep(15));
        yield `tok${i}`;
      }
      return "done";
    });
    const seen: string[] = [];
    await agentTrace({ agentName: "gen" }, async () => {
      for await (const token of stream(3)) seen.push(token);
    });
    expect(seen).toEqual(["tok0", "tok1", "tok2"]);
    const spans = spansByName(memory);
    const gen = spans.get("streamTokens")!;
    expect(gen).toMatchObject({ status: "completed", output: ["tok0", "tok1", "tok2"] });
    expect(gen.metadata.yielded).toBe(3);
    expect(gen.latencyMs).toBeGreaterThanOrEqual(40);
    for (let i = 0; i < 3; i++) expect(spans.get(`fetch ${i}`)!.parentSpanId).toBe(gen.id);
  });

  it("a generator that throws midway: the caller gets the same error, the span fails with what was yielded so far", async () => {
    const memory = setup();
    const boom = new Error("generator failed midway");
    const failing = traceSpan(function* failing() {
      yield 1;
      throw boom;
    });
    let caught: unknown;
    await agentTrace({ agentName: "gen" }, () => {
      try {
        for (const _ of failing()) void _;
      } catch (err) {
        caught = err;
      }
    });
    expect(caught).toBe(boom);
    expect(spansByName(memory).get("failing")).toMatchObject({ status: "failed", error: "generator failed midway", output: [1] });
  });

  it("next(value), throw() and return() reach the generator as untraced; stopping early runs its cleanup and ends the span", async () => {
    const memory = setup();
    const log: string[] = [];
    function* echo(): Generator<string, string, string> {
      try {
        let got = yield "ready";
        while (true) {
          try {
            got = yield `echo ${got}`;
          } catch (err) {
            got = `caught ${(err as Error).message}`;
          }
        }
      } finally {
        log.push("cleanup");
      }
    }
    const traced = traceSpan(echo);
    const run = (g: Generator<string, string, string>): unknown[] => [g.next(), g.next("a"), g.throw(new Error("x")), g.return("bye"), g.next()];
    await agentTrace({ agentName: "gen" }, () => {
      expect(run(traced())).toEqual(run(echo()));
    });
    expect(log).toEqual(["cleanup", "cleanup"]);
    const s = spansByName(memory).get("echo")!;
    expect(s.status).toBe("completed");
    expect(s.metadata).toMatchObject({ yielded: 3, stream_end_reason: "break" });
  });

  it("span() with a generator callback: the span ends when the iteration does", async () => {
    const memory = setup();
    await agentTrace({ agentName: "gen" }, async () => {
      const it = span({ name: "steps" }, async function* () {
        yield 1;
        await sleep(20);
        yield 2;
      });
      const values: number[] = [];
      for await (const v of it) values.push(v);
      expect(values).toEqual([1, 2]);
    });
    const s = spansByName(memory).get("steps")!;
    expect(s.latencyMs).toBeGreaterThanOrEqual(15);
    expect(s.metadata.yielded).toBe(2);
    expect(s.metadata.ended_with_trace).toBeUndefined();
  });
});
