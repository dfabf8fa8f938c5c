/**
 * The processor never throws into the Agents SDK and never rejects: whatever it is handed (junk,
 * half-formed spans, spans whose fields throw, events out of order), every method settles, and
 * what it records stays well-formed. No SDK needed: the processor reads the SDK's objects by shape.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { init, MemoryExporter } from "@tracium/core";
import { TraciumTracingProcessor } from "../src/index.js";

const junk = fc.oneof(fc.constant(null), fc.constant(undefined), fc.boolean(), fc.integer(), fc.string({ maxLength: 8 }), fc.constant([]), fc.constant({}));
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof(junk, arb);
const ids = fc.constantFrom("trace_a", "trace_b", "no-op");
const spanIds = fc.constantFrom("span_1", "span_2", "span_3", "no-op");
const spanData = fc.record(
  {
    type: maybe(fc.constantFrom("task", "agent", "turn", "response", "generation", "function", "handoff", "guardrail", "mcp_tools", "custom", "speech")),
    name: maybe(fc.string({ maxLength: 8 })),
    input: maybe(fc.string({ maxLength: 12 })),
    output: maybe(fc.string({ maxLength: 12 })),
    usage: maybe(fc.record({ input_tokens: maybe(fc.nat(100)), output_tokens: maybe(fc.nat(100)) })),
    _response: maybe(fc.record({ model: maybe(fc.string({ maxLength: 6 })), usage: junk, output: maybe(fc.array(junk, { maxLength: 3 })) })),
    from_agent: maybe(fc.string({ maxLength: 6 })),
    triggered: junk,
  },
  { requiredKeys: [] },
);
const span = fc.record(
  {
    spanId: maybe(spanIds),
    traceId: maybe(ids),
    parentId: maybe(spanIds),
    spanData: maybe(spanData),
    startedAt: maybe(fc.constant(new Date(0).toISOString())),
    error: maybe(fc.record({ message: maybe(fc.string({ maxLength: 8 })), data: junk }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);
const trace = fc.record({ traceId: maybe(ids), name: maybe(fc.string({ maxLength: 8 })), groupId: junk, metadata: junk }, { requiredKeys: [] });
const event = fc.oneof(
  fc.record({ kind: fc.constant("traceStart" as const), value: trace }),
  fc.record({ kind: fc.constant("traceEnd" as const), value: trace }),
  fc.record({ kind: fc.constant("spanStart" as const), value: span }),
  fc.record({ kind: fc.constant("spanEnd" as const), value: span }),
);

/** An object whose every read throws. */
const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error("hostile read");
    },
    has() {
      throw new Error("hostile has");
    },
  },
);

async function feed(p: TraciumTracingProcessor, kind: "traceStart" | "traceEnd" | "spanStart" | "spanEnd", value: unknown): Promise<void> {
  const call = { traceStart: () => p.onTraceStart(value), traceEnd: () => p.onTraceEnd(value), spanStart: () => p.onSpanStart(value), spanEnd: () => p.onSpanEnd(value) }[kind];
  let result: Promise<void> | undefined;
  expect(() => (result = call())).not.toThrow();
  await expect(result).resolves.toBeUndefined();
}

describe("the trace processor is fail-safe", () => {
  it("any sequence of well- or ill-formed events settles, never throws, and records well-formed spans", async () => {
    const memory = new MemoryExporter();
    init({ logLevel: "silent", exporter: memory });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 25 }), async (events) => {
        const p = new TraciumTracingProcessor();
        for (const e of events) await feed(p, e.kind, e.value);
        await expect(p.forceFlush()).resolves.toBeUndefined();
        await expect(p.shutdown()).resolves.toBeUndefined();
      }),
      { numRuns: 150 },
    );
    for (const s of memory.spans()) {
      expect(typeof s.spanType).toBe("string");
      expect(["completed", "failed"]).toContain(s.status);
    }
  });

  it("values whose every read throws, and primitives, are ignored", async () => {
    init({ logLevel: "silent", exporter: new MemoryExporter() });
    const p = new TraciumTracingProcessor();
    for (const value of [hostile, null, undefined, 42, "span", Symbol("x"), () => undefined]) {
      for (const kind of ["traceStart", "spanStart", "spanEnd", "traceEnd"] as const) await feed(p, kind, value);
    }
  });

  it("a span whose data fields throw still ends its mirror", async () => {
    const memory = new MemoryExporter();
    init({ logLevel: "silent", exporter: memory });
    const p = new TraciumTracingProcessor();
    await feed(p, "traceStart", { traceId: "trace_x", name: "Hostile" });
    const data = new Proxy({ type: "function", name: "tool" }, { get: (t, k) => (k === "type" || k === "name" ? Reflect.get(t, k) : (() => { throw new Error("boom"); })()) });
    const s = { spanId: "span_x", traceId: "trace_x", spanData: data, error: null, startedAt: null };
    await feed(p, "spanStart", s);
    await feed(p, "spanEnd", s);
    await feed(p, "traceEnd", { traceId: "trace_x" });
    const tool = memory.spans().find((x) => x.name === "tool");
    expect(tool?.status).toBe("completed");
    expect(memory.traces().map((t) => t.agentName)).toEqual(["Hostile"]);
  });

  it("a huge tool result is kept as (truncated) text, not parsed: capture cost stays bounded", async () => {
    const memory = new MemoryExporter();
    init({ logLevel: "silent", exporter: memory });
    const p = new TraciumTracingProcessor();
    await feed(p, "traceStart", { traceId: "trace_big", name: "Big" });
    const big = JSON.stringify({ rows: Array.from({ length: 40_000 }, (_, i) => ({ i, v: "x".repeat(20) })) });
    const small = JSON.stringify({ ok: true });
    const s = { spanId: "span_big", traceId: "trace_big", spanData: { type: "function", name: "dump", input: small, output: big }, error: null, startedAt: null };
    await feed(p, "spanStart", s);
    await feed(p, "spanEnd", s);
    await feed(p, "traceEnd", { traceId: "trace_big" });
    const tool = memory.spans().find((x) => x.name === "dump")!;
    expect(tool.input).toEqual({ ok: true });
    expect(typeof tool.output).toBe("string");
    expect((tool.output as string).length).toBeLessThan(big.length);
  });
});
