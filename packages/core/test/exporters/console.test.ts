/**
 * The console exporter prints a readable tree per trace when it ends.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConsoleExporter } from "../../src/export/exporters/console.js";
import type { ExportRecord } from "../../src/model/records.js";
import { T0, captureLogs, endSpan, endTrace, makeSpan, makeTrace } from "./fixtures.js";

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => void (logs = captureLogs()));
afterEach(() => logs.restore());

function capture(options: { maxTraces?: number; maxSpans?: number } = {}): { e: ConsoleExporter; out: string[] } {
  const out: string[] = [];
  return { e: new ConsoleExporter({ write: (s) => out.push(s), ...options }), out };
}

function agentRun(): { records: ExportRecord[]; traceId: string } {
  const trace = makeTrace({ agentName: "support-bot", modelId: "gpt-4o" });
  const plan = makeSpan(trace, { spanType: "agent", name: "plan", startedAt: T0 + 1 });
  const chat = makeSpan(trace, {
    spanType: "llm",
    name: "chat",
    modelId: "gpt-4o",
    parentSpanId: plan.id,
    depth: 1,
    startedAt: T0 + 2,
  });
  const search = makeSpan(trace, { spanType: "tool", name: "search", parentSpanId: chat.id, depth: 2, startedAt: T0 + 3 });
  const fetch = makeSpan(trace, { spanType: "retrieval", name: "fetch_context", parentSpanId: plan.id, depth: 1, startedAt: T0 + 500 });
  const records: ExportRecord[] = [{ kind: "trace_start", trace }];
  for (const span of [plan, chat, search, fetch]) records.push({ kind: "span_start", trace, span });
  endSpan(search, T0 + 18);
  endSpan(chat, T0 + 422, { usage: { inputTokens: 12, outputTokens: 34, cachedInputTokens: 5 } });
  endSpan(fetch, T0 + 503, { status: "failed", error: "Error: index offline\n    at x.js:1" });
  endSpan(plan, T0 + 1_200);
  for (const span of [search, chat, fetch, plan]) records.push({ kind: "span_end", trace, span });
  records.push({ kind: "trace_end", trace: endTrace(trace, T0 + 1_234) });
  return { records, traceId: trace.id };
}

describe("console exporter", () => {
  it("prints the trace as a tree with types, names, models, tokens, latency, status and totals", async () => {
    const { e, out } = capture();
    const { records, traceId } = agentRun();
    for (const r of records) e.export(r);
    await e.flush(1_000);

    expect(out).toHaveLength(1);
    expect(out[0]).toBe(
      [
        `[tracium] trace support-bot  completed  1.23 s  model gpt-4o  (${traceId})`,
        "  └─ agent plan · 1.20 s · completed",
        "     ├─ llm chat · gpt-4o · tokens in 12 out 34 cached 5 · 420 ms · completed",
        "     │  └─ tool search · 15 ms · completed",
        "     └─ retrieval fetch_context · 3 ms · failed: Error: index offline",
        "  total: 4 span(s) · 1 llm call(s) · tokens 51 (in 12, cached 5, out 34) · models gpt-4o",
        "",
      ].join("\n"),
    );
    // The span starts were not printed: superseded by their ends, not sent.
    const starts = records.filter((r) => r.kind === "span_start").length;
    expect(starts).toBeGreaterThan(0);
    expect(e.stats()).toEqual({ queued: 0, sent: records.length - starts, failed: 0, dropped: 0, superseded: starts });
  });

  it("prints nothing until the trace ends, then prints on a later tick by itself", async () => {
    const { e, out } = capture();
    const { records } = agentRun();
    for (const r of records.slice(0, -1)) e.export(r);
    expect(out).toHaveLength(0);
    e.export(records.at(-1)!);
    expect(out).toHaveLength(0); // not on the caller's path
    await new Promise((r) => setImmediate(r));
    expect(out).toHaveLength(1);
  });

  it("shows the error of a failed trace", async () => {
    const { e, out } = capture();
    const trace = makeTrace();
    e.export({ kind: "trace_start", trace });
    e.export({ kind: "trace_end", trace: endTrace(trace, T0 + 20, { status: "failed", error: "RuntimeError: out of budget" }) });
    await e.flush(1_000);
    expect(out[0]).toContain("support-bot  failed  20 ms");
    expect(out[0]).toContain("  error: RuntimeError: out of budget");
  });

  it("bounds its buffers: spans over maxSpans and the oldest of too many open traces are dropped and counted", async () => {
    const { e, out } = capture({ maxTraces: 2, maxSpans: 3 });
    const trace = makeTrace();
    e.export({ kind: "trace_start", trace });
    for (let i = 0; i < 5; i++) e.export({ kind: "span_end", trace, span: endSpan(makeSpan(trace, { name: `s${i}` }), T0 + 5) });
    e.export({ kind: "trace_end", trace: endTrace(trace, T0 + 9) });
    await e.flush(1_000);
    expect(out[0]).toContain("total: 3 span(s)");
    expect(out[0]).toContain("(2 span(s) not shown: console buffer full)");

    // Three traces open at once with room for two: the oldest goes.
    for (let i = 0; i < 3; i++) e.export({ kind: "trace_start", trace: makeTrace() });
    expect(e.stats()).toEqual({ queued: 2, sent: 5, failed: 0, dropped: 3, superseded: 0 });
  });

  it("counts a failing writer as failed and never throws", async () => {
    const e = new ConsoleExporter({
      write: () => {
        throw new Error("EPIPE");
      },
    });
    for (const r of agentRun().records) e.export(r);
    await expect(e.flush(1_000)).resolves.toBeUndefined();
    expect(e.stats()).toMatchObject({ failed: 6, queued: 0 });
    expect(logs.lines.filter((l) => l.includes("could not print a trace"))).toHaveLength(1);
  });
});
