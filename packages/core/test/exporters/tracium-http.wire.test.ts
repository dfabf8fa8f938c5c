/**
 * The exact requests the Tracium HTTP exporter sends, checked on a real local HTTP server.
 */
import { describe, expect, it } from "vitest";
import type { ExportRecord } from "../../src/model/records.js";
import { API_KEY, T0, endSpan, endTrace, finishedTraceRecords, makeSpan, makeTrace } from "./fixtures.js";
import type { TraciumHttpExporter } from "../../src/export/exporters/tracium-http.js";
import { useHttpHarness } from "./http-harness.js";

const harness = useHttpHarness();

function exportAll(e: TraciumHttpExporter, records: ExportRecord[]): void {
  for (const r of records) e.export(r);
}

const calls = (): string[] => harness.collector.requests.map((r) => `${r.method} ${r.path}`);

describe("Tracium HTTP exporter: wire requests", () => {
  it("sends create, then the spans, then complete, with the API key and SDK headers and snake_case bodies", async () => {
    const e = harness.make();
    const trace = makeTrace({
      modelId: "gpt-4o",
      tags: ["prod"],
      version: "2.1",
      workspaceId: "ws-1",
      metadata: { tenant: "acme" },
    });
    const root = makeSpan(trace, { spanType: "agent", name: "plan", startedAt: T0 + 10 });
    const llm = makeSpan(trace, {
      spanType: "llm",
      name: "chat",
      parentSpanId: root.id,
      depth: 1,
      modelId: "gpt-4o-mini",
      startedAt: T0 + 20,
      input: { messages: [{ role: "user", content: "hi" }] },
      tools: [{ name: "search" }],
      metadata: { temperature: 0.2 },
      tags: ["first"],
    });
    const records: ExportRecord[] = [
      { kind: "trace_start", trace },
      { kind: "span_start", trace, span: root },
      { kind: "span_start", trace, span: llm },
    ];
    endSpan(llm, T0 + 420, {
      output: { content: "hello" },
      toolCalls: [{ id: "c1", name: "search" }],
      usage: { inputTokens: 12, outputTokens: 34, cachedInputTokens: 5, cacheCreationInputTokens: 2, reasoningTokens: 8 },
    });
    records.push({ kind: "span_end", trace, span: llm });
    endSpan(root, T0 + 500);
    records.push({ kind: "span_end", trace, span: root });
    endTrace(trace, T0 + 600, { summary: { outcome: "ok", llm_calls: 1 }, systemPrompt: "be nice" });
    records.push({ kind: "trace_end", trace });
    exportAll(e, records);
    await e.flush(5_000);

    expect(calls()).toEqual([
      "POST /agents/traces",
      `POST /agents/traces/${trace.id}/spans`,
      `POST /agents/traces/${trace.id}/complete`,
    ]);
    for (const req of harness.collector.requests) {
      expect(req.headers["x-api-key"]).toBe(API_KEY);
      expect(req.headers["content-type"]).toBe("application/json");
      expect(req.headers["user-agent"]).toBe("tracium-js/1.2.3");
      expect(req.headers["x-tracium-sdk-version"]).toBe("1.2.3");
    }
    const [create, spans, complete] = harness.collector.requests;
    expect(create!.body).toEqual({
      agent_name: "support-bot",
      trace_id: trace.id,
      model_id: "gpt-4o",
      tags: ["prod"],
      version: "2.1",
      workspace_id: "ws-1",
      metadata: { tenant: "acme" },
    });
    // Both span_start records were superseded by their span_end before the batch went out.
    expect(spans!.body).toEqual({
      spans: [
        {
          id: llm.id,
          span_type: "llm",
          name: "chat",
          status: "completed",
          started_at: "2026-03-01T12:00:00.020Z",
          completed_at: "2026-03-01T12:00:00.420Z",
          latency_ms: 400,
          parent_span_id: root.id,
          depth_level: 1,
          model_id: "gpt-4o-mini",
          input: { messages: [{ role: "user", content: "hi" }] },
          output: { content: "hello" },
          tools: [{ name: "search" }],
          tool_calls: [{ id: "c1", name: "search" }],
          input_tokens: 12,
          output_tokens: 34,
          cached_input_tokens: 5,
          cache_creation_input_tokens: 2,
          metadata: { temperature: 0.2, reasoning_tokens: 8 },
          tags: ["first"],
        },
        {
          id: root.id,
          span_type: "agent",
          name: "plan",
          status: "completed",
          started_at: "2026-03-01T12:00:00.010Z",
          completed_at: "2026-03-01T12:00:00.500Z",
          latency_ms: 490,
          parent_span_id: null,
          depth_level: 0,
          model_id: "gpt-4o",
          metadata: {},
          tags: [],
        },
      ],
    });
    expect(complete!.body).toEqual({
      summary: { outcome: "ok", llm_calls: 1 },
      tags: ["prod"],
      model: "gpt-4o-mini",
      system_prompt: "be nice",
      llm_steps: [{ name: "chat", model: "gpt-4o-mini", system_prompt: null }],
    });
    // The two span_start records were never sent: superseded, not counted as sent.
    expect(e.stats()).toEqual({ queued: 0, sent: records.length - 2, failed: 0, dropped: 0, superseded: 2 });
  });

  it("keeps create → spans → complete order within each trace while several traces are in flight", async () => {
    const e = harness.make({ concurrency: 4 });
    const traces = Array.from({ length: 6 }, () => makeTrace());
    const perTrace = traces.map((t) => finishedTraceRecords(t, [makeSpan(t), makeSpan(t)]));
    // Interleave the traces' records, as concurrent agents would.
    for (let i = 0; i < 6; i++) for (const records of perTrace) if (records[i]) e.export(records[i]!);
    await e.flush(5_000);

    for (const t of traces) {
      const paths = harness.collector.requests.filter((r) => r.path.includes(t.id) || (r.body as { trace_id?: string }).trace_id === t.id);
      expect(paths.map((r) => r.path)).toEqual([
        "/agents/traces",
        `/agents/traces/${t.id}/spans`,
        `/agents/traces/${t.id}/complete`,
      ]);
    }
    expect(e.stats()).toMatchObject({ sent: 6 * 4, superseded: 6 * 2 });
  });

  it("coalesces many spans of a trace into one request", async () => {
    const e = harness.make();
    const trace = makeTrace();
    const spans = Array.from({ length: 50 }, (_, i) => makeSpan(trace, { name: `s${i}` }));
    exportAll(e, finishedTraceRecords(trace, spans));
    await e.flush(5_000);

    const spanRequests = harness.collector.to("/spans");
    expect(spanRequests).toHaveLength(1);
    expect((spanRequests[0]!.body as { spans: Array<{ name: string }> }).spans.map((s) => s.name)).toEqual(
      spans.map((s) => s.name),
    );
  });

  it("splits more than 1000 spans over several requests of at most 1000", async () => {
    const e = harness.make();
    const trace = makeTrace();
    const records: ExportRecord[] = [{ kind: "trace_start", trace }];
    for (let i = 0; i < 2500; i++) {
      records.push({ kind: "span_end", trace, span: endSpan(makeSpan(trace, { name: `s${i}` }), T0 + 20) });
    }
    records.push({ kind: "trace_end", trace: endTrace(trace, T0 + 100) });
    exportAll(e, records);
    await e.flush(10_000);

    const sizes = harness.collector.to("/spans").map((r) => (r.body as { spans: unknown[] }).spans.length);
    expect(sizes).toEqual([1000, 1000, 500]);
    const names = harness.collector.to("/spans").flatMap((r) => (r.body as { spans: Array<{ name: string }> }).spans.map((s) => s.name));
    expect(names).toEqual(Array.from({ length: 2500 }, (_, i) => `s${i}`));
    expect(harness.collector.requests.at(-1)!.path).toBe(`/agents/traces/${trace.id}/complete`);
  });

  it("uses the id the server returns on create for the trace's later calls", async () => {
    harness.collector.respond((req) => (req.path === "/agents/traces" ? { status: 201, body: '{"id":"srv-42","status":"ok"}' } : undefined));
    const e = harness.make();
    const trace = makeTrace();
    exportAll(e, finishedTraceRecords(trace, [makeSpan(trace)]));
    await e.flush(5_000);

    expect(calls()).toEqual(["POST /agents/traces", "POST /agents/traces/srv-42/spans", "POST /agents/traces/srv-42/complete"]);
  });

  it("accepts trace_id as the returned id too", async () => {
    harness.collector.respond((req) => (req.path === "/agents/traces" ? { status: 200, body: '{"trace_id":"srv-7"}' } : undefined));
    const e = harness.make();
    const trace = makeTrace();
    exportAll(e, finishedTraceRecords(trace, []));
    await e.flush(5_000);

    expect(calls()).toEqual(["POST /agents/traces", "POST /agents/traces/srv-7/complete"]);
  });

  it("ends a failed trace with /fail, carrying the error, summary and tags", async () => {
    const e = harness.make();
    const trace = makeTrace({ tags: ["batch"] });
    const llm = makeSpan(trace, { spanType: "llm", name: "chat", modelId: "claude-sonnet-4" });
    const records = finishedTraceRecords(trace, [llm]);
    endTrace(trace, T0 + 900, { status: "failed", error: "TypeError: boom", summary: { input_tokens: 3 } });
    exportAll(e, records);
    await e.flush(5_000);

    const fail = harness.collector.to("/fail");
    expect(fail).toHaveLength(1);
    expect(fail[0]!.path).toBe(`/agents/traces/${trace.id}/fail`);
    expect(fail[0]!.body).toEqual({
      error: "TypeError: boom",
      summary: { input_tokens: 3 },
      tags: ["batch"],
      model: "claude-sonnet-4",
      llm_steps: [{ name: "chat", model: "claude-sonnet-4", system_prompt: null }],
    });
    expect(harness.collector.to("/complete")).toHaveLength(0);
  });

  it("sends a long open span as in_progress, then again as completed with the same id (upsert)", async () => {
    const e = harness.make();
    const trace = makeTrace();
    const span = makeSpan(trace, { spanType: "retrieval", name: "fetch_context", input: { q: "x" } });
    e.export({ kind: "trace_start", trace });
    e.export({ kind: "span_start", trace, span });
    await e.flush(5_000);

    endSpan(span, T0 + 5_010, { output: ["doc"] });
    e.export({ kind: "span_end", trace, span });
    e.export({ kind: "trace_end", trace: endTrace(trace, T0 + 6_000) });
    await e.flush(5_000);

    const [open, closed] = harness.collector.to("/spans").map((r) => (r.body as { spans: Array<Record<string, unknown>> }).spans);
    expect(open).toEqual([
      {
        id: span.id,
        span_type: "retrieval",
        name: "fetch_context",
        status: "in_progress",
        started_at: "2026-03-01T12:00:00.010Z",
        completed_at: null,
        latency_ms: null,
        parent_span_id: null,
        depth_level: 0,
        input: { q: "x" },
        metadata: {},
        tags: [],
      },
    ]);
    expect(closed).toHaveLength(1);
    expect(closed![0]).toMatchObject({
      id: span.id,
      status: "completed",
      completed_at: "2026-03-01T12:00:05.010Z",
      latency_ms: 5_000,
      output: ["doc"],
    });
    expect(e.stats()).toEqual({ queued: 0, sent: 4, failed: 0, dropped: 0, superseded: 0 });
  });

  it("does not send the start of an llm span whose model is not known yet (the API rejects it)", async () => {
    const e = harness.make();
    const trace = makeTrace();
    const llm = makeSpan(trace, { spanType: "llm", name: "chat" });
    e.export({ kind: "trace_start", trace });
    e.export({ kind: "span_start", trace, span: llm });
    await e.flush(5_000);
    expect(harness.collector.to("/spans")).toHaveLength(0);
    expect(e.stats()).toMatchObject({ sent: 1, superseded: 1 });
  });

  it("batches records that arrive within flushIntervalMs instead of sending each at once", async () => {
    const e = harness.make({ flushIntervalMs: 300 });
    const trace = makeTrace();
    exportAll(e, finishedTraceRecords(trace, [makeSpan(trace)]));
    await new Promise((r) => setTimeout(r, 100));
    expect(harness.collector.requests).toHaveLength(0);
    await harness.collector.until(() => harness.collector.requests.length === 3);
  });

  it("does not run its requests inside the caller's async context", async () => {
    const { AsyncLocalStorage } = await import("node:async_hooks");
    const als = new AsyncLocalStorage<string>();
    const seen: Array<string | undefined> = [];
    const spy: typeof fetch = (input, init) => {
      seen.push(als.getStore());
      return fetch(input, init);
    };
    const e = harness.make({ fetch: spy });
    const trace = makeTrace();
    als.run("user-trace", () => exportAll(e, finishedTraceRecords(trace, [makeSpan(trace)])));
    await als.run("user-trace", () => e.flush(5_000));

    expect(seen).toHaveLength(3);
    expect(seen.every((s) => s === undefined)).toBe(true);
  });
});
