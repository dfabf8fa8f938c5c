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
  /** Tools offered to an `llm` call. */
  tools?: unknown[];
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

/** Which traces a {@link TraceReader} keeps in full. */
export interface TraceReaderOptions {
  /**
   * Keep at most this many traces, the ones that appeared last (0 or absent: all). Older traces are
   * let go as newer ones appear, so memory follows this number, not the size of the file.
   */
  keep?: number;
  /** Only traces whose id this accepts are kept and counted in {@link TraceReader.matching}. */
  match?: (traceId: string) => boolean;
}

type Rec = Record<string, unknown>;

const isObject = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
/** A field absent or null, or of the expected type. */
const optional = (v: unknown, ok: (v: unknown) => boolean): boolean => v === undefined || v === null || ok(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

const SPAN_STRINGS = ["span_type", "name", "status", "started_at", "completed_at", "parent_span_id", "model_id", "error"] as const;
const SPAN_NUMBERS = ["latency_ms", "depth_level", "input_tokens", "output_tokens", "cached_input_tokens", "cache_creation_input_tokens"] as const;

/** A span line with every known field of the type the file exporter writes, or undefined. */
function toSpan(rec: Rec): FileSpan | undefined {
  if (typeof rec.id !== "string") return undefined;
  for (const k of SPAN_STRINGS) if (!optional(rec[k], isString)) return undefined;
  for (const k of SPAN_NUMBERS) if (!optional(rec[k], isNumber)) return undefined;
  if (!optional(rec.metadata, isObject) || !optional(rec.tags, isStringArray) || !optional(rec.tool_calls, Array.isArray)) return undefined;
  const { type: _type, trace_id: _trace, ...body } = rec;
  return {
    ...body,
    id: rec.id,
    span_type: (rec.span_type as string | undefined) ?? "custom",
    name: (rec.name as string | undefined) ?? "?",
    status: (rec.status as string | undefined) ?? "in_progress",
    started_at: (rec.started_at as string | undefined) ?? null,
    completed_at: (rec.completed_at as string | undefined) ?? null,
    latency_ms: (rec.latency_ms as number | undefined) ?? null,
    parent_span_id: (rec.parent_span_id as string | undefined) ?? null,
  } as FileSpan;
}

function validTraceStart(rec: Rec): boolean {
  return optional(rec.agent_name, isString) && optional(rec.tags, isStringArray) && optional(rec.metadata, isObject) && optional(rec.model_id, isString);
}

function validTraceEnd(rec: Rec): boolean {
  return (
    ["status", "agent_name", "started_at", "completed_at", "model", "error"].every((k) => optional(rec[k], isString)) &&
    optional(rec.tags, isStringArray) &&
    optional(rec.summary, isObject)
  );
}

/**
 * Accumulates lines into traces, in the order traces first appear. A line that is not JSON, not a
 * known record, or has a field of the wrong type (`started_at: 5`) is skipped and counted in
 * {@link badLines}; nothing in a line can make the reader throw.
 */
export class TraceReader {
  private readonly traces = new Map<string, FileTrace>();
  private readonly spanIndex = new Map<string, Map<string, number>>();
  /** Ids of every trace seen (those let go and those not matching included). */
  private readonly ids = new Set<string>();
  private matched = 0;
  private readonly keep: number;
  private readonly match: ((traceId: string) => boolean) | undefined;
  /** Lines that were not valid records. */
  badLines = 0;

  constructor(options: TraceReaderOptions = {}) {
    this.keep = options.keep && options.keep > 0 ? options.keep : Infinity;
    this.match = options.match;
  }

  /** Distinct traces seen that the `match` option accepts (all traces without it). */
  get matching(): number {
    return this.matched;
  }

  /** Distinct traces seen. */
  get total(): number {
    return this.ids.size;
  }

  /** Reads one line; returns the trace it completed, if it was a `trace_end` of a kept trace. */
  addLine(line: string): FileTrace | undefined {
    const text = line.trim();
    if (!text) return undefined;
    let rec: unknown;
    try {
      rec = JSON.parse(text);
    } catch {
      this.badLines++;
      return undefined;
    }
    if (!isObject(rec) || typeof rec.trace_id !== "string") {
      this.badLines++;
      return undefined;
    }
    const span = rec.type === "span" ? toSpan(rec) : undefined;
    const valid =
      rec.type === "span" ? span !== undefined : rec.type === "trace_start" ? validTraceStart(rec) : rec.type === "trace_end" ? validTraceEnd(rec) : false;
    if (!valid) {
      this.badLines++;
      return undefined;
    }
    const trace = this.trace(rec.trace_id);
    if (!trace) return undefined;
    if (span) {
      this.addSpan(trace, span);
      return undefined;
    }
    if (rec.type === "trace_start") {
      if (typeof rec.agent_name === "string") trace.agent_name = rec.agent_name;
      if (Array.isArray(rec.tags)) trace.tags = rec.tags as string[];
      if (isObject(rec.metadata)) trace.metadata = rec.metadata;
      if (typeof rec.model_id === "string") trace.model = rec.model_id;
      return undefined;
    }
    trace.status = typeof rec.status === "string" ? rec.status : "completed";
    if (typeof rec.agent_name === "string") trace.agent_name = rec.agent_name;
    if (typeof rec.started_at === "string") trace.started_at = rec.started_at;
    if (typeof rec.completed_at === "string") trace.completed_at = rec.completed_at;
    if (Array.isArray(rec.tags)) trace.tags = rec.tags as string[];
    if (isObject(rec.summary)) trace.summary = rec.summary;
    if (typeof rec.model === "string") trace.model = rec.model;
    if (typeof rec.error === "string") trace.error = rec.error;
    trace.duration_ms = durationMs(trace.started_at, trace.completed_at);
    return trace;
  }

  /** Every trace kept, in the order they first appeared. */
  all(): FileTrace[] {
    return [...this.traces.values()];
  }

  private addSpan(trace: FileTrace, span: FileSpan): void {
    let index = this.spanIndex.get(trace.trace_id);
    if (!index) {
      index = new Map<string, number>();
      this.spanIndex.set(trace.trace_id, index);
    }
    const at = index.get(span.id);
    if (at === undefined) {
      index.set(span.id, trace.spans.length);
      trace.spans.push(span);
    } else {
      trace.spans[at] = span; // a later line (the span's end) replaces an earlier one
    }
    if (!trace.started_at || (span.started_at && span.started_at < trace.started_at)) trace.started_at = span.started_at;
  }

  /** The kept trace with this id, created on first sight; undefined when it is not kept. */
  private trace(id: string): FileTrace | undefined {
    const kept = this.traces.get(id);
    if (kept) return kept;
    // Seen before and let go (or not matching): its lines are not kept.
    if (this.ids.has(id)) return undefined;
    this.ids.add(id);
    if (this.match && !this.match(id)) return undefined;
    this.matched++;
    const t: FileTrace = {
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
    if (this.traces.size > this.keep) {
      // The oldest can no longer be among the last `keep` to appear.
      const oldest = this.traces.keys().next().value as string;
      this.traces.delete(oldest);
      this.spanIndex.delete(oldest);
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

/** What stands in for a value nested too deeply to be written as JSON (a hand-made file). */
export const TOO_DEEP_NOTE = "[not shown: nested too deeply]";

/** The trace with every free-form value replaced by {@link TOO_DEEP_NOTE}, for when it cannot be stringified whole. */
export function withoutDeepValues(trace: FileTrace): FileTrace {
  const spans = trace.spans.map((s) => ({ ...s, input: TOO_DEEP_NOTE, output: TOO_DEEP_NOTE, tool_calls: TOO_DEEP_NOTE, metadata: TOO_DEEP_NOTE }));
  return { ...trace, metadata: TOO_DEEP_NOTE, summary: TOO_DEEP_NOTE, spans } as unknown as FileTrace;
}
