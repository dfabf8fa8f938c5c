/**
 * One call of a patched method → one span: the planner handed to `wrapProviderMethod` (core), which
 * starts the span synchronously in the caller's context, calls the original `create` (with a
 * copied body when stream usage is added) and ends the span through the shared provider tap.
 */
import { spanCapturesContent, type ProviderCallHooks, type ProviderCallPlan, type ProviderCallPlanner, type Span } from "@tracium/core";
import { spanName, type PatchedMethod } from "./instrument.js";
import { isStreamRequest, requestInput, requestModel, requestParams, requestTools, withStreamUsage } from "./request.js";
import { recordResponse } from "./response.js";
import { createAccumulator, isTokenChunk, isUsageOnlyChunk, openaiChunkUsage, type ChunkUsage, type StreamAccumulator } from "./stream.js";

/** Plugin options, fixed when a prototype is first patched. */
export interface OpenAIPluginOptions {
  /**
   * Add `stream_options.include_usage` to streamed chat completions that do not set it, so the span
   * gets token usage; the extra usage-only chunk is hidden from the caller. Default true. Turn it
   * off for OpenAI-compatible servers that reject `stream_options`.
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
    const injected = options.injectStreamUsage === false || !dialect.streamOptions ? undefined : withStreamUsage(body, operation);
    let acc: StreamAccumulator | undefined;
    const metadata: Record<string, unknown> = { provider, operation, stream };
    if (model !== undefined) metadata.request_model = model;
    const hooks: ProviderCallHooks = {
      onStart(span: Span): void {
        const capture = spanCapturesContent(span);
        const params = requestParams(body, capture);
        if (params) span.setMetadata({ request_params: params });
        const input = requestInput(body, operation);
        if (input !== undefined) span.recordInput(input);
        const tools = requestTools(body);
        if (tools) span.setTools(tools);
        if (stream) acc = createAccumulator(operation, capture, dialect.chunkUsage);
      },
      onResult(span: Span, result: unknown): void {
        recordResponse(span, result, operation);
      },
      onChunk(_span: Span, chunk: unknown): void {
        acc?.add(chunk);
      },
      isTokenChunk(chunk: unknown): boolean {
        return isTokenChunk(chunk, operation);
      },
      onStreamEnd(span: Span): void {
        if (acc) recordResponse(span, acc.response(), operation);
      },
    };
    if (injected) hooks.hideChunk = isUsageOnlyChunk;
    const plan: ProviderCallPlan = {
      span: { spanType, name, metadata, ...(model !== undefined ? { modelId: model } : {}) },
      hooks,
      options: { provider },
    };
    if (injected) plan.args = [injected, ...args.slice(1)];
    return plan;
  };
}
