/**
 * Planning the next API call of a trace from its lane.
 */
import { describe, expect, it } from "vitest";
import { planNext } from "../../src/export/delivery/batch.js";
import { jsonTextString } from "../../src/export/delivery/json-bytes.js";
import type { QueueEntry } from "../../src/export/delivery/lanes.js";
import { LlmStepCollector } from "../../src/export/delivery/llm-steps.js";
import type { ExportRecord } from "../../src/model/records.js";
import { T0, endSpan, makeSpan, makeTrace } from "../exporters/fixtures.js";

const entries = (records: ExportRecord[]): QueueEntry[] => records.map((record, i) => ({ seq: i + 1, record, bytes: 1 }));
const limits = { maxSpans: 1000, maxBytes: 5_000_000 };

describe("batch planning", () => {
  it("stops a spans batch at the next trace_end, so complete goes after the spans", () => {
    const trace = makeTrace();
    const s = endSpan(makeSpan(trace), T0 + 1);
    const plan = planNext(
      entries([{ kind: "span_end", trace, span: s }, { kind: "trace_end", trace }]),
      limits,
      new LlmStepCollector(),
    );
    expect(plan).toMatchObject({ kind: "spans", count: 1, superseded: 0 });
  });

  it("skips a span_start whose span has ended and sends one that is still open", () => {
    const trace = makeTrace();
    const ended = endSpan(makeSpan(trace), T0 + 1);
    const open = makeSpan(trace);
    const plan = planNext(
      entries([
        { kind: "span_start", trace, span: ended },
        { kind: "span_start", trace, span: open },
      ]),
      limits,
      new LlmStepCollector(),
    );
    expect(plan).toMatchObject({ kind: "spans", count: 2, superseded: 1 });
    if (plan?.kind !== "spans") throw new Error("spans expected");
    expect(JSON.parse(jsonTextString(plan.spans[0]!))).toMatchObject({ id: open.id, status: "in_progress" });
  });

  it("respects the span and byte limits, always taking at least one span", () => {
    const trace = makeTrace();
    const records: ExportRecord[] = Array.from({ length: 5 }, () => ({
      kind: "span_end" as const,
      trace,
      span: endSpan(makeSpan(trace, { input: "x".repeat(1_000) }), T0 + 1),
    }));
    expect(planNext(entries(records), { maxSpans: 2, maxBytes: 5_000_000 }, new LlmStepCollector())).toMatchObject({ count: 2 });
    expect(planNext(entries(records), { maxSpans: 1000, maxBytes: 3_000 }, new LlmStepCollector())).toMatchObject({ count: 2 });
    expect(planNext(entries(records), { maxSpans: 1000, maxBytes: 10 }, new LlmStepCollector())).toMatchObject({ count: 1 });
  });

  it("collects one llm step per distinct (name, model) from ended llm spans", () => {
    const trace = makeTrace();
    const steps = new LlmStepCollector();
    const llm = (name: string, modelId: string): ExportRecord => ({
      kind: "span_end",
      trace,
      span: endSpan(makeSpan(trace, { spanType: "llm", name, modelId }), T0 + 1),
    });
    planNext(entries([llm("chat", "gpt-4o"), llm("chat", "gpt-4o"), llm("judge", "o3")]), limits, steps);
    expect(steps.take(trace.id)).toEqual([
      { name: "chat", model: "gpt-4o", system_prompt: null },
      { name: "judge", model: "o3", system_prompt: null },
    ]);
    expect(steps.take(trace.id)).toEqual([]);
  });
});
