/**
 * The `tracium ui` collector, end to end: the real `tracium` exporter (Tracium ingestion API) and
 * the real `otlp` exporter (OTLP/HTTP protobuf and JSON) send one scenario to a running `tracium ui`;
 * the JSON API then gives the same span tree, tokens, models and content for each, and the lines
 * are in the file (so they survive a restart).
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import * as tracium from "@tracium/core";
import { runScenario } from "../otel/scenario.js";
import { api, startUi, tempFile, type RunningUi } from "./server.js";

interface ApiSpan {
  id: string;
  span_type: string;
  name: string;
  status: string;
  parent_span_id: string | null;
  model_id?: string;
  input?: unknown;
  output?: unknown;
  error?: string;
  input_tokens?: number;
  output_tokens?: number;
  cached_input_tokens?: number;
  cache_creation_input_tokens?: number;
  started_at: string | null;
  metadata?: Record<string, unknown>;
}
interface ApiTrace {
  trace_id: string;
  agent_name: string;
  status: string;
  tags: string[];
  spans: ApiSpan[];
}

let ui: RunningUi | undefined;
afterEach(async () => {
  await tracium.shutdown();
  await ui?.stop();
  ui = undefined;
});

/** The span tree without ids and times: what must read back the same whatever the protocol. */
function tree(spans: ApiSpan[], parent: string | null = null): unknown[] {
  return spans
    .filter((s) => s.parent_span_id === parent)
    .sort((a, b) => (a.started_at ?? "").localeCompare(b.started_at ?? ""))
    .map((s) => ({
      type: s.span_type,
      // OTLP names model calls `chat {model}`; the other names travel as they are.
      ...(s.span_type === "llm" || s.span_type === "embedding" ? {} : { name: s.name }),
      status: s.status,
      // The Tracium wire fills a span's missing model_id with the trace's; OTLP has only the span's own.
      model: s.span_type === "llm" || s.span_type === "embedding" ? (s.metadata?.response_model ?? s.metadata?.request_model ?? s.model_id) : undefined,
      tokens: [s.input_tokens, s.output_tokens, s.cached_input_tokens, s.cache_creation_input_tokens],
      ...(s.span_type === "tool" || s.span_type === "plan" ? { input: s.input, output: s.output } : {}),
      error: s.error,
      children: tree(spans, s.id),
    }));
}

async function sendScenario(init: Partial<tracium.TraciumOptions>): Promise<ApiTrace> {
  tracium.init({ logLevel: "silent", ...init });
  const traceId = await runScenario();
  await tracium.flush();
  await tracium.shutdown();
  const { trace } = await api<{ trace: ApiTrace }>(ui!, `/api/traces/${encodeURIComponent(traceId)}`);
  return trace;
}

describe("tracium ui: collector", () => {
  it("reads back the same tree from the tracium exporter and from the otlp exporter (protobuf and JSON)", async () => {
    ui = await startUi(tempFile());
    const viaTracium = await sendScenario({ exporter: "tracium", apiKey: "local", baseUrl: ui.url });
    const viaProtobuf = await sendScenario({ exporter: "otlp", otlp: { endpoint: `${ui.url}/v1/traces`, protocol: "http/protobuf" } });
    const viaJson = await sendScenario({ exporter: "otlp", otlp: { endpoint: `${ui.url}/v1/traces`, protocol: "http/json", compression: "gzip" } });

    for (const t of [viaTracium, viaProtobuf, viaJson]) {
      expect(t.agent_name).toBe("support-bot");
      expect(t.status).toBe("completed");
      expect(t.tags).toEqual(["vip"]);
      expect(t.spans).toHaveLength(7);
    }
    const expected = tree(viaTracium.spans);
    expect(tree(viaProtobuf.spans)).toEqual(expected);
    expect(tree(viaJson.spans)).toEqual(expected);
    // Spot checks that the tree holds what the scenario recorded.
    const llm = viaProtobuf.spans.find((s) => s.model_id === "gpt-4o-2024-08-06")!;
    expect([llm.input_tokens, llm.cached_input_tokens, llm.cache_creation_input_tokens, llm.output_tokens]).toEqual([100, 20, 5, 50]);
    expect(llm.metadata?.time_to_first_token_ms).toBe(124);
    expect(JSON.stringify(llm.input)).toContain("Weather in Paris?");
    const failed = viaProtobuf.spans.find((s) => s.status === "failed")!;
    expect(failed.error).toContain("slow down");
    expect(viaTracium.spans.find((s) => s.status === "failed")!.error).toContain("slow down");

    // The list shows all three, newest first, with the summary's totals.
    const list = await api<{ rows: Array<{ trace_id: string; llm_calls: number; total_tokens: number; models: string[] }> }>(ui, "/api/traces");
    expect(list.rows.map((r) => r.trace_id)).toEqual([viaJson.trace_id, viaProtobuf.trace_id, viaTracium.trace_id]);
    expect(list.rows[2]!.llm_calls).toBe(3);
    expect(list.rows[2]!.models).toContain("gpt-4o-2024-08-06");

    // Everything is in the file, and a restarted server reads the same traces from it.
    const lines = readFileSync(ui.file, "utf8").trim().split("\n");
    expect(lines.every((l) => JSON.parse(l).trace_id)).toBe(true);
    const file = ui.file;
    await ui.stop();
    ui = await startUi(file);
    const again = await api<{ trace: ApiTrace }>(ui, `/api/traces/${encodeURIComponent(viaTracium.trace_id)}`);
    expect(tree(again.trace.spans)).toEqual(expected);
  });

  it("answers the create with the trace id and 404s an unknown trace so the exporter re-creates it", async () => {
    ui = await startUi(tempFile());
    const post = (path: string, body: unknown) => fetch(`${ui!.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const created = await post("/agents/traces", { agent_name: "a", trace_id: "t-1" });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: "t-1" });
    expect((await post("/agents/traces/nope/spans", { spans: [] })).status).toBe(404);
    expect((await post("/agents/traces/t-1/spans", { spans: [{ nope: 1 }] })).status).toBe(400);
    expect((await post("/agents/traces/t-1/spans", { spans: [{ id: "s", span_type: "tool", name: "x", status: "completed", started_at: null, completed_at: null, latency_ms: 1, parent_span_id: null }] })).status).toBe(200);
    expect((await post("/agents/traces/t-1/fail", { error: "boom", summary: {}, tags: [] })).status).toBe(200);
    const { trace } = await api<{ trace: ApiTrace & { error: string } }>(ui, "/api/traces/t-1");
    expect(trace.status).toBe("failed");
    expect(trace.error).toBe("boom");
    expect(trace.spans.map((s) => s.name)).toEqual(["x"]);
  });

  it("a file left ending mid-line (a writer that crashed) gets a newline before the collector's first record", async () => {
    const file = tempFile();
    writeFileSync(file, `${JSON.stringify({ type: "trace_start", trace_id: "old", agent_name: "old" })}\n{"type":"span","trace_id":"old","id":"cut`);
    ui = await startUi(file);
    const post = (path: string, body: unknown) => fetch(`${ui!.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post("/agents/traces", { agent_name: "new-agent", trace_id: "new-1" })).status).toBe(201);
    expect((await post("/agents/traces/new-1/spans", { spans: [{ id: "s", span_type: "tool", name: "x", status: "completed", started_at: null, completed_at: null, latency_ms: 1, parent_span_id: null }] })).status).toBe(200);
    const { trace } = await api<{ trace: ApiTrace }>(ui, "/api/traces/new-1");
    expect(trace.spans.map((s) => s.name)).toEqual(["x"]);
    expect(readFileSync(file, "utf8").split("\n")[2]).toContain('"trace_id":"new-1"');
  });

  it("a trace file replaced by another (renamed over it, bigger) is read anew: the old traces go, and no id opens another trace", async () => {
    const file = tempFile();
    const traceLines = (prefix: string, n: number, pad = ""): string =>
      Array.from({ length: n }, (_, i) => [
        JSON.stringify({ type: "trace_start", trace_id: `${prefix}-${i}`, agent_name: `${prefix}-agent${pad}` }),
        JSON.stringify({ type: "trace_end", trace_id: `${prefix}-${i}`, status: "completed", agent_name: `${prefix}-agent${pad}`, started_at: null, completed_at: null, summary: {}, tags: [] }),
      ].join("\n")).join("\n") + "\n";
    writeFileSync(file, traceLines("old", 2));
    ui = await startUi(file);
    const ids = async (): Promise<string[]> => (await api<{ rows: Array<{ trace_id: string }> }>(ui!, "/api/traces")).rows.map((t) => t.trace_id).sort();
    expect(await ids()).toEqual(["old-0", "old-1"]);
    writeFileSync(`${file}.next`, traceLines("new", 3, "-with-a-longer-name"));
    renameSync(`${file}.next`, file);
    expect(await ids()).toEqual(["new-0", "new-1", "new-2"]);
    const old = await fetch(`${ui.url}/api/traces/old-1`);
    expect(old.status).toBe(404);
  });

  it("a trace with a value nested too deeply to stringify (a hand-made file) opens without it, as view --json shows it", async () => {
    const file = tempFile();
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    writeFileSync(
      file,
      [
        JSON.stringify({ type: "trace_start", trace_id: "deep", agent_name: "deep-agent" }),
        `{"type":"span","trace_id":"deep","id":"s1","name":"deep-input","status":"completed","input":${deep}}`,
        JSON.stringify({ type: "trace_end", trace_id: "deep", status: "completed" }),
      ].join("\n") + "\n",
    );
    ui = await startUi(file);
    const { trace } = await api<{ trace: ApiTrace }>(ui, "/api/traces/deep");
    expect(trace.spans.map((s) => s.name)).toEqual(["deep-input"]);
    expect(JSON.stringify(trace.spans[0])).toContain("[not shown: nested too deeply]");
  });

  it("a text search finds the trace a line belongs to, not one named inside its content", async () => {
    ui = await startUi(tempFile());
    const post = (path: string, body: unknown) => fetch(`${ui!.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    for (const id of ["trace-A", "trace-B"]) expect((await post("/agents/traces", { agent_name: "agent", trace_id: id })).status).toBe(201);
    const span = { id: "s1", span_type: "tool", name: "lookup_order", status: "completed", started_at: null, completed_at: null, latency_ms: 1, parent_span_id: null, output: { trace_id: "trace-B", note: "refund approved for order 12345" } };
    expect((await post("/agents/traces/trace-A/spans", { spans: [span] })).status).toBe(200);
    const { rows } = await api<{ rows: Array<{ trace_id: string }> }>(ui, "/api/traces?q=refund%20approved");
    expect(rows.map((r) => r.trace_id)).toEqual(["trace-A"]);
  });

  it("filters the list by agent, status, model, tag, start time, date range and text", async () => {
    const file = tempFile();
    const trace = (id: string, agent: string, started: string, extra: Record<string, unknown>, text: string) =>
      [
        JSON.stringify({ type: "trace_start", trace_id: id, agent_name: agent, tags: [extra.tag] }),
        JSON.stringify({ type: "span", trace_id: id, id: `${id}-s`, span_type: "llm", name: "chat", status: "completed", started_at: started, completed_at: started, latency_ms: 0, parent_span_id: null, model_id: extra.model, input: { messages: [{ role: "user", content: text }] } }),
        JSON.stringify({ type: "trace_end", trace_id: id, status: extra.status, agent_name: agent, started_at: started, completed_at: started, summary: {}, tags: [extra.tag] }),
      ].join("\n");
    const now = new Date().toISOString();
    writeFileSync(
      file,
      `${[
        trace("old", "a", "2020-01-01T00:00:00.000Z", { model: "m1", tag: "x", status: "completed" }, "about penguins"),
        trace("new", "b", now, { model: "m2", tag: "y", status: "failed" }, "about otters"),
      ].join("\n")}\n`,
    );
    ui = await startUi(file);
    const ids = async (query: string) => (await api<{ rows: Array<{ trace_id: string }> }>(ui!, `/api/traces?${query}`)).rows.map((r) => r.trace_id);
    expect(await ids("")).toEqual(["new", "old"]);
    expect(await ids("agent=a")).toEqual(["old"]);
    expect(await ids("status=failed")).toEqual(["new"]);
    expect(await ids("model=m1")).toEqual(["old"]);
    expect(await ids("tag=y")).toEqual(["new"]);
    expect(await ids("within=3600")).toEqual(["new"]);
    expect(await ids(`from=${Date.UTC(2019, 11, 31)}&to=${Date.UTC(2020, 0, 2)}`)).toEqual(["old"]);
    expect(await ids(`from=${Date.UTC(2021, 0, 1)}`)).toEqual(["new"]);
    // `to` is excluded: a trace started at that very moment is not in the range.
    expect(await ids(`to=${Date.UTC(2020, 0, 1)}`)).toEqual([]);
    expect(await ids(`to=${Date.UTC(2020, 0, 1) + 1}`)).toEqual(["old"]);
    expect(await ids("q=PENGUINS")).toEqual(["old"]);
    expect(await ids("sort=time&order=asc")).toEqual(["old", "new"]);
  });
});
