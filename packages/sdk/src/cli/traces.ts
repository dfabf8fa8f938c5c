/**
 * Reading the file exporter's JSONL (`{"type": "trace_start" | "span" | "trace_end", "trace_id", ...}`,
 * see `toJsonlLine` in @tracium/core) back into traces with their spans.
 */

/** One span as read from the file (the wire body of a span). */
export interface FileSpan {
  id: string;
  span_type: string;
  name: string;
  status: string;
  started_at: string | null;
  completed_at: string | null;
  latency_ms: number | null;
  parent_span_id: string | null;
  depth_level?: number;
  model_id?: string;
  input?: unknown;
  output?: unknown;
  tool_calls?: unknown[];
  error?: string;
  input_tokens?: number;
  output_tokens?: number;
  cached_input_tokens?: number;
  cache_creation_input_tokens?: number;
  metadata?: Record<string, unknown>;
  tags?: string[];
}

/** One trace as read from the file. */
export interface FileTrace {
  trace_id: string;
  agent_name: string;
  /** `in_progress` until its `trace_end` line is read. */
  status: string;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  model: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  summary: Record<string, unknown>;
  error: string | null;
  spans: FileSpan[];
}

/** Accumulates lines into traces, in the order traces first appear. */
export class TraceReader {
  private readonly traces = new Map<string, FileTrace>();
  private readonly spanIndex = new Map<string, Map<string, number>>();
  /** Lines that were not valid records. */
  badLines = 0;

  /** Reads one line; returns the trace it completed, if it was a `trace_end`. */
  addLine(line: string): FileTrace | undefined {
    const text = line.trim();
    if (!text) return undefined;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.badLines++;
      return undefined;
    }
    if (!rec || typeof rec !== "object" || typeof rec.trace_id !== "string") {
      this.badLines++;
      return undefined;
    }
    const trace = this.trace(rec.trace_id);
    switch (rec.type) {
      case "trace_start":
        if (typeof rec.agent_name === "string") trace.agent_name = rec.agent_name;
        if (Array.isArray(rec.tags)) trace.tags = rec.tags.map(String);
        if (rec.metadata && typeof rec.metadata === "object") trace.metadata = rec.metadata as Record<string, unknown>;
        if (typeof rec.model_id === "string") trace.model = rec.model_id;
        return undefined;
      case "span": {
        const span = rec as unknown as FileSpan & { type?: string; trace_id?: string };
        if (typeof span.id !== "string") {
          this.badLines++;
          return undefined;
        }
        const { type: _t, trace_id: _id, ...body } = span;
        const index = this.spanIndex.get(trace.trace_id) ?? new Map<string, number>();
        this.spanIndex.set(trace.trace_id, index);
        const at = index.get(body.id);
        if (at === undefined) {
          index.set(body.id, trace.spans.length);
          trace.spans.push(body);
        } else {
          trace.spans[at] = body; // a later line (the span's end) replaces an earlier one
        }
        if (!trace.started_at || (body.started_at && body.started_at < trace.started_at)) trace.started_at = body.started_at;
        return undefined;
      }
      case "trace_end":
        trace.status = typeof rec.status === "string" ? rec.status : "completed";
        if (typeof rec.agent_name === "string") trace.agent_name = rec.agent_name;
        if (typeof rec.started_at === "string") trace.started_at = rec.started_at;
        if (typeof rec.completed_at === "string") trace.completed_at = rec.completed_at;
        if (Array.isArray(rec.tags)) trace.tags = rec.tags.map(String);
        if (rec.summary && typeof rec.summary === "object") trace.summary = rec.summary as Record<string, unknown>;
        if (typeof rec.model === "string") trace.model = rec.model;
        if (typeof rec.error === "string") trace.error = rec.error;
        trace.duration_ms = durationMs(trace.started_at, trace.completed_at);
        return trace;
      default:
        this.badLines++;
        return undefined;
    }
  }

  /** Every trace read so far, in the order they first appeared. */
  all(): FileTrace[] {
    return [...this.traces.values()];
  }

  private trace(id: string): FileTrace {
    let t = this.traces.get(id);
    if (!t) {
      t = {
        trace_id: id,
        agent_name: "?",
        status: "in_progress",
        started_at: null,
        completed_at: null,
        duration_ms: null,
        model: null,
        tags: [],
        metadata: {},
        summary: {},
        error: null,
        spans: [],
      };
      this.traces.set(id, t);
    }
    return t;
  }
}

function durationMs(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) ? Math.max(0, ms) : null;
}

/** Parses a whole JSONL text. */
export function readTraces(text: string): { traces: FileTrace[]; badLines: number } {
  const reader = new TraceReader();
  for (const line of text.split("\n")) reader.addLine(line);
  return { traces: reader.all(), badLines: reader.badLines };
}
