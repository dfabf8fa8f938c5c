/**
 * The pure record → Tracium JSON mapping.
 */
import { describe, expect, it } from "vitest";
import {
  isoTime,
  toCompleteBody,
  toFailBody,
  toJsonlLine,
  toLlmStep,
  toSpanBody,
  toTraceCreateBody,
} from "../../src/export/wire.js";
import { T0, endSpan, endTrace, makeSpan, makeTrace } from "../exporters/fixtures.js";

describe("wire mapping", () => {
  it("formats times as ISO-8601 UTC and never throws on a bad time", () => {
    expect(isoTime(T0 + 7)).toBe("2026-03-01T12:00:00.007Z");
    expect(isoTime(undefined)).toBeNull();
    expect(isoTime(Number.NaN)).toBeNull();
    expect(isoTime(8.64e15 + 1)).toBeNull();
  });

  it("formats every time as Date does, within a second (the reused prefix) and across seconds", () => {
    const times = [T0, T0 + 7, T0 + 99, T0 + 100, T0 + 999, T0 + 1000, T0 + 1005, T0 - 1, 0, 5, 8.64e15, 253402300800000 + 12, T0 + 0.5, -1500.7, -86_400_000];
    for (const t of [...times, ...times.reverse()]) expect(isoTime(t)).toBe(new Date(t).toISOString());
    expect(isoTime(8.64e15)).toBe("+275760-09-13T00:00:00.000Z");
  });

  it("omits the create body's optional fields when they are empty", () => {
    const trace = makeTrace();
    expect(toTraceCreateBody(trace)).toEqual({ agent_name: "support-bot", trace_id: trace.id });
  });

  it("sends an open span as in_progress with no end, output or latency, even if the live object moved on", () => {
    const trace = makeTrace();
    const span = endSpan(makeSpan(trace, { input: 1, output: 2 }), T0 + 50, { error: "x", status: "failed" });
    const body = toSpanBody(span, { open: true });
    expect(body).toMatchObject({ status: "in_progress", completed_at: null, latency_ms: null, input: 1 });
    expect(body).not.toHaveProperty("output");
    expect(body).not.toHaveProperty("error");
  });

  it("sends whole, non-negative token counts and latency, leaving out invalid counts", () => {
    const trace = makeTrace();
    const span = endSpan(makeSpan(trace), T0 + 20, {
      latencyMs: 12.9,
      usage: { inputTokens: 10.4, outputTokens: Number.NaN, cachedInputTokens: -1, reasoningTokens: 3 },
    });
    const body = toSpanBody(span);
    expect(body.latency_ms).toBe(12);
    expect(body.input_tokens).toBe(10);
    expect(body).not.toHaveProperty("output_tokens");
    expect(body).not.toHaveProperty("cached_input_tokens");
    expect(body.metadata).toEqual({ reasoning_tokens: 3 });
    // The engine's metadata object is not touched.
    expect(span.metadata).toEqual({});
  });

  it("falls back to the trace's model for a span without one", () => {
    const trace = makeTrace({ modelId: "gpt-4o" });
    expect(toSpanBody(makeSpan(trace), { traceModelId: trace.modelId }).model_id).toBe("gpt-4o");
    expect(toSpanBody(makeSpan(trace, { modelId: "o3" }), { traceModelId: "gpt-4o" }).model_id).toBe("o3");
  });

  it("builds complete and fail bodies with the Python SDK's model, system_prompt and llm_steps", () => {
    const trace = endTrace(makeTrace({ modelId: "gpt-4o", tags: ["a"] }), T0 + 9, { summary: { k: 1 }, systemPrompt: "sys" });
    const steps = [
      { name: "chat", model: "gpt-4o", system_prompt: null },
      { name: "judge", model: "o3", system_prompt: null },
      { name: "chat2", model: "gpt-4o", system_prompt: null },
    ];
    expect(toCompleteBody(trace, steps)).toEqual({
      summary: { k: 1 },
      tags: ["a"],
      model: "gpt-4o | o3",
      system_prompt: "sys",
      llm_steps: steps,
    });
    expect(toCompleteBody(trace)).toMatchObject({ model: "gpt-4o", llm_steps: [] });
    const failed = endTrace(makeTrace(), T0 + 9, { status: "failed", summary: { s: 2 } });
    expect(toFailBody(failed)).toEqual({ summary: { s: 2 }, tags: [], llm_steps: [] });
  });

  it("derives an llm step only from llm spans", () => {
    const trace = makeTrace();
    expect(toLlmStep(makeSpan(trace, { spanType: "tool" }))).toBeUndefined();
    expect(toLlmStep(makeSpan(trace, { spanType: "llm", name: "c" }), "m")).toEqual({ name: "c", model: "m", system_prompt: null });
  });

  it("writes JSONL lines typed trace_start / span / trace_end with the trace id", () => {
    const trace = makeTrace();
    const span = makeSpan(trace);
    expect(JSON.parse(toJsonlLine({ kind: "trace_start", trace }))).toMatchObject({ type: "trace_start", trace_id: trace.id });
    expect(JSON.parse(toJsonlLine({ kind: "span_start", trace, span }))).toMatchObject({ type: "span", trace_id: trace.id, status: "in_progress" });
    const end = JSON.parse(toJsonlLine({ kind: "trace_end", trace: endTrace(trace, T0 + 3, { status: "failed", error: "e" }) })) as Record<string, unknown>;
    expect(end).toMatchObject({ type: "trace_end", status: "failed", error: "e", agent_name: "support-bot", completed_at: "2026-03-01T12:00:00.003Z" });
    expect(toJsonlLine({ kind: "trace_start", trace })).not.toContain("\n");
  });
});
