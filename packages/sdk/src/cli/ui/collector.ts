/**
 * The local collector: the Tracium ingestion API (as the `tracium` exporter and the Python SDK send
 * it) and OTLP/HTTP traces, both turned into the file exporter's JSONL lines and appended to the
 * trace file, so what arrives survives a restart and shows in the list like any other trace.
 * Content from other senders (another SDK, an OpenTelemetry instrumentation) goes through the same
 * sanitiser this SDK records with, so the page shows no secret this SDK would have redacted.
 */
import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { maskSecrets, sanitize } from "@tracium/core";
import { decodeJson, decodeProtobuf } from "./otlp-decode.js";
import { mapExport } from "./otlp-map.js";
import type { TraceStore } from "./store.js";

/** An answer: status and JSON body. */
export interface Answer {
  status: number;
  body: unknown;
}

type Rec = Record<string, unknown>;
const isObject = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
/** Fields that carry recorded content (prompts, tool data, user metadata). */
const CONTENT = ["input", "output", "metadata", "summary", "tools", "tool_calls", "error", "system_prompt"] as const;

/** Short text fields a sender fills in: credentials in them are masked, as the SDK masks its own. */
const TEXT = ["name", "agent_name", "model_id", "model"] as const;

/** A record with its content sanitised (secrets redacted, sizes bounded) as the SDK records it. */
function clean(body: Rec): Rec {
  const out: Rec = { ...body };
  for (const k of CONTENT) if (out[k] !== undefined && out[k] !== null) out[k] = sanitize(out[k]);
  for (const k of TEXT) if (typeof out[k] === "string") out[k] = maskSecrets(out[k] as string);
  if (Array.isArray(out.tags)) out.tags = out.tags.map((t: unknown) => (typeof t === "string" ? maskSecrets(t) : t));
  return out;
}

const line = (type: string, traceId: string, body: Rec): string => JSON.stringify({ ...clean(body), type, trace_id: traceId });

function parseJson(body: Buffer): Rec | undefined {
  try {
    const v: unknown = JSON.parse(body.toString("utf8"));
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const bad = (message: string): Answer => ({ status: 400, body: { detail: message } });

/** `POST /agents/traces` and `/agents/traces/{id}/(spans|complete|fail)`; undefined for other paths. */
export async function traciumIngest(store: TraceStore, path: string, body: Buffer): Promise<Answer | undefined> {
  if (path === "/agents/traces") {
    const rec = parseJson(body);
    if (!rec || typeof rec.agent_name !== "string") return bad("expected a JSON object with agent_name");
    const traceId = typeof rec.trace_id === "string" && rec.trace_id ? rec.trace_id : randomUUID();
    await store.refresh();
    // Creating a trace again (the exporter does after a 404) keeps the one in the file.
    if (!store.has(traceId)) await store.append([line("trace_start", traceId, rec)]);
    return { status: 201, body: { id: traceId, trace_id: traceId, agent_name: rec.agent_name } };
  }
  const m = /^\/agents\/traces\/([^/]+)\/(spans|complete|fail)$/.exec(path);
  if (!m) return undefined;
  let traceId: string;
  try {
    traceId = decodeURIComponent(m[1] as string);
  } catch {
    return bad("bad trace id");
  }
  const rec = parseJson(body);
  if (!rec) return bad("expected a JSON object");
  await store.refresh();
  const row = store.row(traceId);
  if (!row) return { status: 404, body: { detail: "trace not found" } };
  if (m[2] === "spans") {
    if (!Array.isArray(rec.spans) || !rec.spans.every((s) => isObject(s) && typeof s.id === "string")) return bad("expected {spans: [{id, ...}]}");
    await store.append((rec.spans as Rec[]).map((s) => line("span", traceId, s)));
    return { status: 200, body: { accepted: rec.spans.length } };
  }
  const failed = m[2] === "fail";
  await store.append([
    line("trace_end", traceId, {
      status: failed ? "failed" : "completed",
      agent_name: row.agent_name,
      started_at: row.started_at,
      completed_at: new Date().toISOString(),
      ...rec,
    }),
  ]);
  return { status: 200, body: { id: traceId, status: failed ? "failed" : "completed" } };
}

/** `POST /v1/traces`, protobuf or JSON, optionally gzipped. */
export async function otlpIngest(store: TraceStore, body: Buffer, mediaType: string, encoding: string | undefined): Promise<Answer> {
  let spans;
  try {
    const raw = encoding === "gzip" ? gunzipSync(body, { maxOutputLength: 64 * 1024 * 1024 }) : body;
    spans = mediaType === "application/x-protobuf" ? decodeProtobuf(raw) : decodeJson(raw);
  } catch (e) {
    return bad(`could not decode the OTLP body: ${(e as Error).message}`);
  }
  await store.refresh();
  const lines: string[] = [];
  for (const t of mapExport(spans)) {
    if (!store.has(t.traceId)) lines.push(line("trace_start", t.traceId, { agent_name: t.agentName }));
    for (const s of t.spans) lines.push(line("span", t.traceId, s));
    if (t.end) lines.push(line("trace_end", t.traceId, t.end));
  }
  if (lines.length > 0) await store.append(lines);
  // An empty ExportTraceServiceResponse: full success.
  return { status: 200, body: {} };
}
