/**
 * The data that leaves the engine: what exporters receive. Values here are already sanitised
 * (redacted, size-limited, JSON-safe), so an exporter only has to serialise them.
 */

/** Status of a span or trace. */
export type Status = "in_progress" | "completed" | "failed";

/** Token counts, normalised as on the Tracium wire (see DESIGN.md, token normalisation). */
export interface TokenUsage {
  /** Input tokens not read from a cache. */
  inputTokens?: number;
  /** Output tokens, including reasoning tokens. */
  outputTokens?: number;
  /** Input tokens read from a cache. */
  cachedInputTokens?: number;
  /** Input tokens written to a cache. */
  cacheCreationInputTokens?: number;
  /** Reasoning tokens (already included in `outputTokens`). */
  reasoningTokens?: number;
}

/** One span as exported. Times are epoch milliseconds. */
export interface SpanData {
  id: string;
  traceId: string;
  parentSpanId: string | undefined;
  spanType: string;
  name: string;
  status: Status;
  startedAt: number;
  /** Undefined while the span is open. */
  endedAt: number | undefined;
  latencyMs: number | undefined;
  depth: number;
  modelId: string | undefined;
  input: unknown;
  output: unknown;
  tools: unknown[] | undefined;
  toolCalls: unknown[] | undefined;
  error: string | undefined;
  usage: TokenUsage;
  metadata: Record<string, unknown>;
  tags: string[];
}

/** One trace as exported. `summary` is final only in a `trace_end` record. */
export interface TraceData {
  id: string;
  agentName: string;
  modelId: string | undefined;
  version: string | undefined;
  workspaceId: string | undefined;
  tags: string[];
  metadata: Record<string, unknown>;
  status: Status;
  startedAt: number;
  endedAt: number | undefined;
  error: string | undefined;
  summary: Record<string, unknown>;
  /** First system prompt seen in an `llm` span, for the Python SDK's `system_prompt` field. */
  systemPrompt: string | undefined;
  /**
   * Set when the trace continues a trace from another process or service (`agentTrace({ parent })`):
   * where it sits in the W3C trace there. OpenTelemetry exporters use it; others may ignore it.
   */
  otel?: TraceLink;
}

/** The W3C (OpenTelemetry) position of a trace continued from elsewhere. */
export interface TraceLink {
  /** The W3C trace id (32 hex digits) the trace belongs to. */
  traceId: string;
  /** The W3C id (16 hex digits) of the caller's span this trace runs under. */
  parentSpanId: string;
  /** The caller's `tracestate` header, passed on by `inject()`. */
  traceState: string | undefined;
  /**
   * True when this process continues the caller's own trace (it has no root span here: spans
   * without a parent sit directly under `parentSpanId`); false when it started a trace of its own
   * under the caller's span (the trace's root sits under `parentSpanId`).
   */
  continued: boolean;
  /** The caller span's Tracium id, when the caller is a Tracium process (spans name it as parent). */
  parentTraciumSpanId?: string;
}

/**
 * What exporters receive, in order per trace:
 * `trace_start`, then any number of `span_start` / `span_end`, then `trace_end`.
 * A `span_start` carries the live span data object: an exporter that sends open spans
 * (as `in_progress`) should check `span.status` at send time and skip it once ended.
 */
export type ExportRecord =
  | { kind: "trace_start"; trace: TraceData }
  | { kind: "span_start"; trace: TraceData; span: SpanData }
  | { kind: "span_end"; trace: TraceData; span: SpanData }
  | { kind: "trace_end"; trace: TraceData };

/**
 * Delivery counters, as returned by `stats()`. Every record an exporter accepts ends in exactly
 * one of `sent`, `superseded`, `failed` or `dropped`; until then it is `queued`.
 */
export interface ExporterStats {
  /** Records waiting to be delivered, including those in flight or waiting for a retry. */
  queued: number;
  /** Records delivered: the endpoint acknowledged them. */
  sent: number;
  /** Records given up on after retries or a permanent error (rejected, unserialisable). */
  failed: number;
  /**
   * Records not delivered because they could not be kept: the queue was full, the exporter was
   * shut down or disabled, or the exit drain ran out of time.
   */
  dropped: number;
  /**
   * Records that did not need sending: a span's live (`in_progress`) copy whose span ended before
   * it went out, or a `span_start` an exporter never writes (file, console); the `span_end` record
   * carries the span.
   */
  superseded?: number;
}

/** Options of {@link Exporter.flush}. */
export interface FlushOptions {
  /**
   * The serverless per-trace flush: wait for one attempt only (return at the first failed
   * request, leaving the retries to the background) and not at all while the endpoint is known
   * to be failing (circuit breaker). Exporters without a network endpoint may ignore it.
   */
  failFast?: boolean;
}

/**
 * A destination for records. `export` is called on the user's path: it must be cheap, synchronous
 * and must never throw. Delivery happens in the background and never keeps the process alive.
 */
export interface Exporter {
  readonly name: string;
  export(record: ExportRecord): void;
  /** Delivers what is queued; resolves (never rejects) by `timeoutMs` at the latest. */
  flush(timeoutMs: number, options?: FlushOptions): Promise<void>;
  /**
   * The exit drain (optional): one bounded last attempt when the process is about to exit, with
   * no retries; resolves by `timeoutMs`, having aborted what was still in flight, and counts what
   * was not delivered as dropped. The exporter keeps accepting records afterwards. Exporters
   * without it get a `flush(timeoutMs)`.
   */
  drain?(timeoutMs: number): Promise<void>;
  /**
   * True when the exporter writes what is still pending synchronously as the process exits (the
   * file exporter): the `beforeExit` drain leaves it alone, so the app's own `beforeExit`
   * handlers are not run a second time for its sake.
   */
  readonly writesAtExit?: boolean;
  /** Flushes, then releases timers and handles. Records exported afterwards are dropped and counted. */
  shutdown(timeoutMs: number): Promise<void>;
  stats(): ExporterStats;
}
