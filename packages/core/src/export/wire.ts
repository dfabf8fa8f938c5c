/**
 * Pure mapping from exported records to the Tracium ingestion API's JSON bodies (snake_case), as
 * the Python SDK sends them (reference/tracium-python.md §2), plus the JSONL line of the file
 * exporter. No I/O and no state: every exporter builds its bodies here so the formats cannot drift.
 */
import type { ExportRecord, SpanData, Status, TraceData } from "../model/records.js";

/** Body of `POST /agents/traces`. Optional keys are omitted when empty, as the Python SDK does. */
export interface TraceCreateBody {
  agent_name: string;
  trace_id: string;
  model_id?: string;
  tags?: string[];
  version?: string;
  workspace_id?: string;
  metadata?: Record<string, unknown>;
}

/** One span inside `{"spans": [...]}` of `POST /agents/traces/{id}/spans` (upserted by `id`). */
export interface SpanBody {
  id: string;
  span_type: string;
  name: string;
  status: Status;
  started_at: string | null;
  /** `null` while the span is open. */
  completed_at: string | null;
  /** Whole milliseconds; `null` while the span is open. */
  latency_ms: number | null;
  /** `null` for a root span. */
  parent_span_id: string | null;
  depth_level: number;
  model_id?: string;
  input?: unknown;
  output?: unknown;
  tools?: unknown[];
  tool_calls?: unknown[];
  error?: string;
  input_tokens?: number;
  output_tokens?: number;
  cached_input_tokens?: number;
  cache_creation_input_tokens?: number;
  /** The span's metadata, plus `reasoning_tokens` when known (the API has no top-level field for it). */
  metadata: Record<string, unknown>;
  tags: string[];
}

/** One entry of `llm_steps`, as the Python SDK builds it: one per distinct (name, model) `llm` span. */
export interface LlmStep {
  name: string;
  model: string | null;
  system_prompt: string | null;
}

/** Body of `POST /agents/traces/{id}/complete`. */
export interface CompleteBody {
  summary: Record<string, unknown>;
  tags: string[];
  model?: string;
  system_prompt?: string;
  llm_steps: LlmStep[];
}

/** Body of `POST /agents/traces/{id}/fail`. Unlike the Python SDK, it also carries summary and tags. */
export interface FailBody {
  error?: string;
  summary: Record<string, unknown>;
  tags: string[];
  model?: string;
  system_prompt?: string;
  llm_steps: LlmStep[];
}

/** Options of {@link toSpanBody}. */
export interface SpanBodyOptions {
  /** Send the span as still open (`in_progress`, no end time), as for a `span_start` record. */
  open?: boolean;
  /** The trace's model, used when the span has none (the Python SDK does the same). */
  traceModelId?: string;
}

// Limits of the Python SDK's validation (reference §5.2, §2.2); the backend is known to accept these.
const MAX_MODEL = 255;
const MAX_SYSTEM_PROMPT = 10_000;

let isoSecond = -1;
let isoPrefix = "";

/** Epoch milliseconds → ISO-8601 UTC, or `null` for a missing or invalid time (never throws). */
export function isoTime(ms: number | undefined): string | null {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return null;
  // Spans of one batch end within the same few seconds: reuse the formatted second and append
  // the milliseconds (a Date and its formatting per timestamp were a visible part of the export).
  if (Number.isInteger(ms) && ms >= 0) {
    const second = Math.floor(ms / 1000);
    if (second !== isoSecond) {
      const full = isoTimeOf(ms);
      if (full === null) return null;
      isoSecond = second;
      isoPrefix = full.slice(0, -4); // without "mmmZ"
      return full;
    }
    const milli = ms - second * 1000;
    return `${isoPrefix}${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
  }
  return isoTimeOf(ms);
}

function isoTimeOf(ms: number): string | null {
  const date = new Date(ms);
  // Out-of-range dates make toISOString throw; an exporter must not.
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Builds the trace create body. */
export function toTraceCreateBody(trace: TraceData): TraceCreateBody {
  const body: TraceCreateBody = { agent_name: trace.agentName, trace_id: trace.id };
  if (trace.modelId) body.model_id = trace.modelId;
  if (trace.tags.length > 0) body.tags = [...trace.tags];
  if (trace.version) body.version = trace.version;
  if (trace.workspaceId) body.workspace_id = trace.workspaceId;
  if (Object.keys(trace.metadata).length > 0) body.metadata = trace.metadata;
  return body;
}

/** Builds one span body. An `open` span is sent as `in_progress` with no end time. */
export function toSpanBody(span: SpanData, options: SpanBodyOptions = {}): SpanBody {
  const open = options.open === true || span.endedAt === undefined;
  const body: SpanBody = {
    id: span.id,
    span_type: span.spanType,
    name: span.name,
    status: open ? "in_progress" : span.status,
    started_at: isoTime(span.startedAt),
    completed_at: open ? null : isoTime(span.endedAt),
    latency_ms: open ? null : latency(span),
    parent_span_id: span.parentSpanId ?? null,
    depth_level: span.depth,
    metadata: spanMetadata(span),
    tags: [...span.tags],
  };
  const model = span.modelId ?? options.traceModelId;
  if (model) body.model_id = model;
  if (span.input !== undefined) body.input = span.input;
  if (!open && span.output !== undefined) body.output = span.output;
  if (span.tools !== undefined) body.tools = span.tools;
  if (span.toolCalls !== undefined) body.tool_calls = span.toolCalls;
  if (!open && span.error !== undefined) body.error = span.error;
  const usage = span.usage;
  setCount(body, "input_tokens", usage.inputTokens);
  setCount(body, "output_tokens", usage.outputTokens);
  setCount(body, "cached_input_tokens", usage.cachedInputTokens);
  setCount(body, "cache_creation_input_tokens", usage.cacheCreationInputTokens);
  return body;
}

/** Builds the complete body. `steps` are the trace's `llm` steps (see {@link LlmStep}). */
export function toCompleteBody(trace: TraceData, steps: readonly LlmStep[] = []): CompleteBody {
  const body: CompleteBody = { summary: trace.summary, tags: [...trace.tags], llm_steps: [...steps] };
  const model = modelOf(trace, steps);
  if (model) body.model = model;
  if (trace.systemPrompt) body.system_prompt = trace.systemPrompt.slice(0, MAX_SYSTEM_PROMPT);
  return body;
}

/** Builds the fail body: the error, and (a deliberate fix over the Python SDK) summary and tags. */
export function toFailBody(trace: TraceData, steps: readonly LlmStep[] = []): FailBody {
  const body: FailBody = { summary: trace.summary, tags: [...trace.tags], llm_steps: [...steps] };
  if (trace.error !== undefined) body.error = trace.error;
  const model = modelOf(trace, steps);
  if (model) body.model = model;
  if (trace.systemPrompt) body.system_prompt = trace.systemPrompt.slice(0, MAX_SYSTEM_PROMPT);
  return body;
}

/** Whether a trace ends through `/fail` rather than `/complete`. */
export function endsAsFailure(trace: TraceData): boolean {
  return trace.status === "failed";
}

/** The `llm_steps` entry a finished `llm` span contributes, or `undefined` for other span types. */
export function toLlmStep(span: SpanData, traceModelId?: string): LlmStep | undefined {
  if (span.spanType !== "llm") return undefined;
  // The per-step system prompt is not part of SpanData; the trace-level one is sent separately.
  return { name: span.name, model: span.modelId ?? traceModelId ?? null, system_prompt: null };
}

/**
 * One line of the file exporter (without the newline): `{"type", "trace_id", ...the wire body}`.
 * A `trace_end` line also carries `status`, `agent_name`, `started_at` and `completed_at`, so a
 * viewer can print a trace from the file alone. `span_start` maps to an `in_progress` span line.
 * @throws only if a value cannot be JSON-encoded (the engine sanitises values, so callers just catch).
 */
export function toJsonlLine(record: ExportRecord, steps: readonly LlmStep[] = []): string {
  switch (record.kind) {
    case "trace_start":
      return JSON.stringify({ type: "trace_start", ...toTraceCreateBody(record.trace) });
    case "span_start":
    case "span_end":
      return JSON.stringify({
        type: "span",
        trace_id: record.trace.id,
        ...toSpanBody(record.span, { open: record.kind === "span_start", traceModelId: record.trace.modelId }),
      });
    case "trace_end": {
      const trace = record.trace;
      const end = endsAsFailure(trace) ? toFailBody(trace, steps) : toCompleteBody(trace, steps);
      return JSON.stringify({
        type: "trace_end",
        trace_id: trace.id,
        status: trace.status,
        agent_name: trace.agentName,
        started_at: isoTime(trace.startedAt),
        completed_at: isoTime(trace.endedAt),
        ...end,
      });
    }
  }
}

function latency(span: SpanData): number | null {
  const ms =
    span.latencyMs ?? (span.endedAt !== undefined ? span.endedAt - span.startedAt : undefined);
  // The API takes whole, non-negative milliseconds (the Python SDK floors).
  return typeof ms === "number" && Number.isFinite(ms) ? Math.max(0, Math.floor(ms)) : null;
}

function spanMetadata(span: SpanData): Record<string, unknown> {
  const reasoning = span.usage.reasoningTokens;
  if (!isCount(reasoning)) return span.metadata;
  // A copy: the record's metadata belongs to the engine.
  return { ...span.metadata, reasoning_tokens: Math.round(reasoning) };
}

type CountKey = "input_tokens" | "output_tokens" | "cached_input_tokens" | "cache_creation_input_tokens";

function setCount(body: SpanBody, key: CountKey, value: number | undefined): void {
  // The API takes integers; a NaN or negative count would get the whole batch rejected.
  if (isCount(value)) body[key] = Math.round(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** Python's `model`: the distinct models of the llm steps joined with " | ", else the trace's model. */
function modelOf(trace: TraceData, steps: readonly LlmStep[]): string | undefined {
  const models = [...new Set(steps.map((s) => s.model).filter((m): m is string => !!m))];
  const model = models.length > 0 ? models.join(" | ") : trace.modelId;
  return model ? model.slice(0, MAX_MODEL) : undefined;
}
