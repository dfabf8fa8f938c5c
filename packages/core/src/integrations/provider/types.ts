import type { Span, SpanOptions } from "../../tracing/span.js";

/**
 * Why a tapped stream's span ended.
 * - `done`: the provider's stream finished normally.
 * - `break`: the consumer stopped early (`break` out of `for await`, `iterator.return()`,
 *   cancelling a `toReadableStream()` reader).
 * - `abort`: the stream's `controller.abort()` was called (by the user or the SDK).
 * - `error`: reading the stream threw (connection cut, API error event, malformed data).
 * - `timeout`: nothing was read for `idleTimeoutMs` (safety net for streams never consumed).
 */
export type StreamEndReason = "done" | "break" | "abort" | "error" | "timeout";

/** What `onStreamEnd` receives. */
export interface StreamEndInfo {
  readonly reason: StreamEndReason;
  /** The error when `reason` is `error` (the very object the consumer receives). */
  readonly error?: unknown;
  /** Chunks read from the provider, hidden ones included. */
  readonly chunks: number;
}

/** What `onHttpResponse` receives when the response headers arrive. */
export interface HttpResponseInfo {
  /** HTTP status code, when the SDK exposes it. */
  readonly status: number | undefined;
  /** The SDK's raw `Response` (headers readable; do NOT read the body). */
  readonly response: unknown;
}

/**
 * Callbacks that turn one provider call into span data. Every hook is optional and guarded:
 * a hook that throws is logged once (per provider and hook) and ignored, it never reaches the
 * user's code. Hooks other than `hideChunk` are not called after the span ended (e.g. the trace
 * ended first).
 *
 * Create one hooks object per call: it is the natural place to keep per-call state (a stream
 * accumulator), since streams are consumed later, in another async context.
 */
export interface ProviderCallHooks<TResult = unknown, TChunk = unknown> {
  /** Right after the span is created (only with `wrapProviderMethod`): record input, tools, params. */
  onStart?(span: Span): void;
  /** The HTTP response headers arrived (success only; the body may still be unread). */
  onHttpResponse?(span: Span, info: HttpResponseInfo): void;
  /** A non-stream result was parsed: record output, usage, model. The span ends right after. */
  onResult?(span: Span, result: TResult): void;
  /** A stream chunk was read from the provider, in order (hidden chunks included). */
  onChunk?(span: Span, chunk: TChunk): void;
  /**
   * Return false for chunks that carry no generated token (a role-only chunk, a lifecycle event
   * such as `response.created` / `message_start`), so `time_to_first_token_ms` is measured to the
   * first chunk that does. Default: every chunk counts. When no chunk qualifies, the first chunk's
   * time is used.
   */
  isTokenChunk?(chunk: TChunk): boolean;
  /**
   * Return true to hide this chunk from the user (e.g. a usage-only chunk the plugin asked for).
   * Called for every chunk of every iterator of the stream, even after the span ended; keep it a
   * cheap, pure predicate.
   */
  hideChunk?(chunk: TChunk): boolean;
  /**
   * The stream ended (any reason), before the span ends: record the accumulated output, usage
   * and tool calls here. Partial data is still recorded when the stream failed or was cut short.
   */
  onStreamEnd?(span: Span, info: StreamEndInfo): void;
  /** The call failed (HTTP error, connection error, body parse error, mid-stream error), before the span is failed. */
  onError?(span: Span, error: unknown): void;
}

/** Options for the provider tap. */
export interface ProviderTapOptions {
  /** Provider name, used in log messages (e.g. "openai"). */
  provider?: string;
  /**
   * `performance.now()` when the request was sent; `time_to_first_token_ms` is measured from it.
   * Default: the moment the tap is attached (`traceProviderCall` reads it before calling).
   */
  startTime?: number;
  /**
   * Safety net: when the response arrived but nobody reads the result (or a stream stops being
   * read) for this long, the span ends (`metadata.ended_by_timeout = true`), at most about half
   * as long again later: one shared, `unref()`'d timer watches every call, none is armed per call.
   * 0 disables it. Default {@link DEFAULT_PROVIDER_IDLE_TIMEOUT_MS}. Spans still open
   * when their trace ends are ended by the core anyway.
   */
  idleTimeoutMs?: number;
}

/**
 * What a plugin's planner decides for one call of a patched method (see `wrapProviderMethod`).
 */
export interface ProviderCallPlan<TResult = unknown, TChunk = unknown> {
  /** The span to start (type, name, metadata such as provider/operation/request_model). */
  span: SpanOptions;
  /**
   * Arguments to call the original method with instead of the caller's. Avoid it: an SDK may
   * track the caller's objects by identity (openai 7 binds stream parsers to the body object), so
   * a copy changes behaviour. Never mutate the caller's objects either.
   */
  args?: unknown[];
  hooks?: ProviderCallHooks<TResult, TChunk>;
  options?: ProviderTapOptions;
}

/**
 * Looks at one call (`this` and the arguments) and returns its plan, or undefined to call through
 * untraced. It may throw: the call then goes through untraced and the error is logged once.
 */
export type ProviderCallPlanner = (self: unknown, args: readonly unknown[]) => ProviderCallPlan<unknown, unknown> | undefined;
