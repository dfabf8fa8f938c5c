/**
 * One call of a patched method → one span: the planner handed to `wrapProviderMethod` (core), which
 * starts the span synchronously in the caller's context, calls the original `create` with the
 * caller's own arguments (the same objects: the SDK may track them by identity) and ends the span
 * through the shared provider tap.
 */
import { spanCapturesContent, type ProviderCallHooks, type ProviderCallPlan, type ProviderCallPlanner, type Span } from "@tracium/core";
import { spanName, type PatchedMethod } from "./targets.js";
import { isStreamRequest, requestInput, requestModel, requestParams, requestTools } from "./request.js";
import { recordResponse } from "./response.js";
import { createAccumulator, isTokenChunk, isUsageOnlyChunk, openaiChunkUsage, type ChunkUsage, type StreamAccumulator } from "./stream.js";
import { canInjectStreamUsage, markForStreamUsage, streamUsageRequest, type StreamUsage } from "./stream-usage.js";

/** Plugin options, fixed when a prototype is first patched. */
export interface OpenAIPluginOptions {
  /**
   * Add `stream_options.include_usage` to streamed chat completions that do not set
   * `stream_options`, so the span gets token usage. Default false (env
   * `TRACIUM_OPENAI_INJECT_STREAM_USAGE=true` turns it on where options cannot be passed, e.g.
   * zero-code). The body object the SDK sees is the caller's own: the key is added to the JSON
   * text the SDK serialised, and the extra usage-only chunk is hidden from stream readers. Still
   * visible with it on: the request bytes (a custom `fetch`, a server that rejects
   * `stream_options`) and the raw body of `asResponse()`.
   */
  injectStreamUsage?: boolean;
}

/**
 * What differs between `openai` and an OpenAI-compatible Stainless SDK using these extractors.
 */
export interface CompatibleDialect {
  /** The span's `provider` metadata and span name prefix ("openai", "groq"). */
  readonly provider: string;
  /** Whether the API accepts `stream_options.include_usage` (so it may be added). */
  readonly streamOptions: boolean;
  /** Where a stream chunk carries token usage. */
  readonly chunkUsage: ChunkUsage;
}

/** The `openai` SDK. */
export const OPENAI_DIALECT: CompatibleDialect = { provider: "openai", streamOptions: true, chunkUsage: openaiChunkUsage };

/** The planner for one patched method. */
export function planner(entry: PatchedMethod, options: OpenAIPluginOptions, dialect: CompatibleDialect = OPENAI_DIALECT): ProviderCallPlanner {
  const operation = entry.operation;
  const provider = dialect.provider;
  const name = spanName(entry, provider);
  const spanType = operation === "embeddings" ? "embedding" : "llm";
  return (_self, args): ProviderCallPlan => {
    const body = args[0];
    const stream = isStreamRequest(body);
    const model = requestModel(body);
    // Only for APIs that take stream_options (groq reports stream usage on its own).
    const requested = dialect.streamOptions ? streamUsageRequest(body, operation) : undefined;
    const inject = requested === "not_requested" && options.injectStreamUsage === true && dialect.streamOptions && canInjectStreamUsage(body);
    const usage: StreamUsage | undefined = inject ? "injected" : requested;
    let release: (() => void) | undefined;
    const done = (): void => release?.();
    let acc: StreamAccumulator | undefined;
    const metadata: Record<string, unknown> = { provider, operation, stream };
    if (model !== undefined) metadata.request_model = model;
    if (usage !== undefined) metadata.stream_usage = usage;
    const hooks: ProviderCallHooks = {
      onStart(span: Span): void {
        if (inject) release = markForStreamUsage(body as object);
        const capture = spanCapturesContent(span);
        const params = requestParams(body, capture);
        if (params) span.setMetadata({ request_params: params });
        const input = requestInput(body, operation);
        if (input !== undefined) span.recordInput(input);
        const tools = requestTools(body);
        if (tools) span.setTools(tools);
        if (stream) acc = createAccumulator(operation, capture, dialect.chunkUsage);
      },
      onHttpResponse: done,
      onError: done,
      onResult(span: Span, result: unknown): void {
        done();
        recordResponse(span, result, operation);
      },
      onChunk(_span: Span, chunk: unknown): void {
        acc?.add(chunk);
      },
      isTokenChunk(chunk: unknown): boolean {
        return isTokenChunk(chunk, operation);
      },
      onStreamEnd(span: Span): void {
        done();
        if (acc) recordResponse(span, acc.response(), operation);
      },
    };
    if (inject) hooks.hideChunk = isUsageOnlyChunk;
    return {
      span: { spanType, name, metadata, ...(model !== undefined ? { modelId: model } : {}) },
      hooks,
      options: { provider },
    };
  };
}
