/**
 * One call of a patched method → one span: the planner handed to `wrapProviderMethod` (core), which
 * starts the span synchronously in the caller's context, calls the original `create` (with a
 * copied body when stream usage is added) and ends the span through the shared provider tap.
 */
import { spanCapturesContent, type ProviderCallHooks, type ProviderCallPlan, type ProviderCallPlanner, type Span } from "@tracium/core";
import { spanName, type PatchedMethod } from "./instrument.js";
import { isStreamRequest, requestInput, requestModel, requestParams, requestTools, withStreamUsage } from "./request.js";
import { recordResponse } from "./response.js";
import { createAccumulator, isTokenChunk, isUsageOnlyChunk, type StreamAccumulator } from "./stream.js";

/** Plugin options, fixed when a prototype is first patched. */
export interface OpenAIPluginOptions {
  /**
   * Add `stream_options.include_usage` to streamed chat completions that do not set it, so the span
   * gets token usage; the extra usage-only chunk is hidden from the caller. Default true. Turn it
   * off for OpenAI-compatible servers that reject `stream_options`.
   */
  injectStreamUsage?: boolean;
}

/** The planner for one patched method. */
export function planner(entry: PatchedMethod, options: OpenAIPluginOptions): ProviderCallPlanner {
  const operation = entry.operation;
  const name = spanName(entry);
  const spanType = operation === "embeddings" ? "embedding" : "llm";
  return (_self, args): ProviderCallPlan => {
    const body = args[0];
    const stream = isStreamRequest(body);
    const model = requestModel(body);
    const injected = options.injectStreamUsage === false ? undefined : withStreamUsage(body, operation);
    let acc: StreamAccumulator | undefined;
    const metadata: Record<string, unknown> = { provider: "openai", operation, stream };
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
        if (stream) acc = createAccumulator(operation, capture);
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
      options: { provider: "openai" },
    };
    if (injected) plan.args = [injected, ...args.slice(1)];
    return plan;
  };
}
