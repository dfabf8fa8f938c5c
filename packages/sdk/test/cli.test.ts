import { describe, expect, it } from "vitest";
import { formatDuration, plain, renderFooter, renderTrace, spanTokens } from "../src/cli/render.js";
import { readTraces } from "../src/cli/traces.js";

const line = (o: object) => JSON.stringify(o);
const span = (id: string, parent: string | null, extra: object = {}) => ({
  type: "span",
  trace_id: "t1",
  id,
  span_type: "tool",
  name: id,
  status: "completed",
  started_at: `2026-01-01T00:00:00.00${id.length}Z`,
  completed_at: "2026-01-01T00:00:01.000Z",
  latency_ms: 5,
  parent_span_id: parent,
  ...extra,
});

describe("tracium view internals", () => {
  it("reads traces, keeps the last line of a span, counts bad lines, and orders roots/children by start", () => {
    const text = [
      line({ type: "trace_start", trace_id: "t1", agent_name: "a" }),
      line(span("child", "root", { status: "in_progress", latency_ms: null })),
      line(span("child", "root")),
      line(span("root", null)),
      line(span("orphan", "missing")),
      "{broken",
      line({ type: "what", trace_id: "t1" }),
      line({ type: "trace_end", trace_id: "t1", status: "completed", agent_name: "a", started_at: "2026-01-01T00:00:00.000Z", completed_at: "2026-01-01T00:00:02.000Z", summary: {} }),
    ].join("\n");
    const { traces, badLines } = readTraces(text);
    expect(badLines).toBe(2);
    expect(traces).toHaveLength(1);
    expect(traces[0]!.spans.map((s) => [s.id, s.status])).toEqual([
      ["child", "completed"],
      ["root", "completed"],
      ["orphan", "completed"],
    ]);
    expect(renderTrace(traces[0]!, plain).split("\n").slice(1, 4)).toEqual([
      "  ├─ ✓  tool  root  5 ms",
      "  │  └─ ✓  tool  child  5 ms",
      "  └─ ✓  tool  orphan  5 ms",
    ]);
  });

  it("formats durations and token columns", () => {
    expect([formatDuration(0.4), formatDuration(999), formatDuration(1234), formatDuration(125_000), formatDuration(null)]).toEqual([
      "0 ms",
      "999 ms",
      "1.23 s",
      "2 min 5 s",
      "–",
    ]);
    expect(spanTokens({ input_tokens: 1200, output_tokens: 30, cached_input_tokens: 0, metadata: { reasoning_tokens: 12 } } as never)).toBe("in 1,200 · out 30 · reasoning 12");
  });

  it("sums an unfinished trace from its llm spans", () => {
    const { traces } = readTraces(
      [
        line({ type: "trace_start", trace_id: "t1", agent_name: "a" }),
        line(span("l1", null, { span_type: "llm", model_id: "m1", input_tokens: 10, output_tokens: 5 })),
        line(span("l2", null, { span_type: "llm", model_id: "m2", input_tokens: 1, output_tokens: 1, cached_input_tokens: 4 })),
      ].join("\n"),
    );
    const out = renderTrace(traces[0]!, plain);
    expect(out).toContain("in progress");
    expect(out).toContain("total  2 llm calls · 11 in · 6 out · 4 cached · 21 tokens · models m1, m2");
    expect(renderFooter(traces, 1, plain)).toBe("1 trace · 1 in progress · 2 llm calls · 21 tokens");
  });
});
