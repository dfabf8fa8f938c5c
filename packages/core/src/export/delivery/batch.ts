/**
 * Decides the next API call of a trace from the head of its lane: a create, one coalesced spans
 * request, or the complete/fail call. Serialises each span separately, so one bad value costs one
 * span rather than the whole batch, and the request size is known exactly.
 */
import type { ExportRecord, TraceData } from "../../model/records.js";
import { toSpanBody } from "../wire.js";
import { jsonArrayBytes, jsonTextSize, type JsonText } from "./json-bytes.js";
import type { QueueEntry } from "./lanes.js";
import type { LlmStepCollector } from "./llm-steps.js";
import { spanJson } from "./span-json.js";

/** The API call that covers the first `count` entries of a lane. */
export type Plan =
  | { kind: "create"; count: 1; trace: TraceData }
  | {
      kind: "spans";
      count: number;
      trace: TraceData;
      /** JSON of each span to send, in order. */
      spans: JsonText[];
      /** `span_start` records not sent: the span ended meanwhile, its `span_end` supersedes them. */
      superseded: number;
      /** Records whose span could not be serialised. */
      broken: number;
    }
  | { kind: "end"; count: 1; trace: TraceData };

/** Limits of one spans request. */
export interface BatchLimits {
  /** Spans per request (the API takes at most 1000). */
  maxSpans: number;
  /** Soft byte limit of one request; a single larger span still goes alone. */
  maxBytes: number;
  /** Records queued after this seq wait for the next batch (default: none wait). */
  maxSeq?: number;
}

/** Plans the call for the head of `entries` (which must not be empty). */
export function planNext(entries: readonly QueueEntry[], limits: BatchLimits, steps: LlmStepCollector): Plan | undefined {
  const head = entries[0];
  if (!head) return undefined;
  const record = head.record;
  if (record.kind === "trace_start") return { kind: "create", count: 1, trace: record.trace };
  if (record.kind === "trace_end") return { kind: "end", count: 1, trace: record.trace };

  const spans: JsonText[] = [];
  let count = 0;
  let superseded = 0;
  let broken = 0;
  let bytes = 12; // {"spans":[]}
  const maxSeq = limits.maxSeq ?? Infinity;
  for (const entry of entries) {
    const r = entry.record;
    if (r.kind !== "span_start" && r.kind !== "span_end") break;
    if (spans.length >= limits.maxSpans || (count > 0 && entry.seq > maxSeq)) break;
    if (skipStart(r)) {
      count++;
      superseded++;
      continue;
    }
    let json: JsonText;
    try {
      json = spanJson(toSpanBody(r.span, { open: r.kind === "span_start", traceModelId: r.trace.modelId }), entry.bytes);
    } catch {
      count++;
      broken++;
      continue;
    }
    const size = jsonTextSize(json);
    if (spans.length > 0 && bytes + size + 1 > limits.maxBytes) break;
    spans.push(json);
    bytes += size + 1;
    count++;
    if (r.kind === "span_end") steps.add(r.trace.id, r.span, r.trace.modelId);
  }
  return { kind: "spans", count, trace: record.trace, spans, superseded, broken };
}

/** The `{"spans": [...]}` body from pre-serialised spans, as UTF-8 bytes (json-bytes.ts says why). */
export function spansBody(spans: readonly JsonText[]): Uint8Array {
  return jsonArrayBytes('{"spans":[', spans, "]}");
}

function skipStart(record: Extract<ExportRecord, { kind: "span_start" | "span_end" }>): boolean {
  if (record.kind !== "span_start") return false;
  const span = record.span;
  // The live span ended before we got to send its start: the span_end behind it says it all.
  if (span.status !== "in_progress" || span.endedAt !== undefined) return true;
  // The backend rejects llm spans without a model (it cannot price them); the Python SDK skips
  // that initial POST too. The span_end, by which time the model is usually known, still goes.
  return span.spanType === "llm" && !span.modelId && !record.trace.modelId;
}
