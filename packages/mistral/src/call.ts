/**
 * One call of a patched method → one span, through the core's provider tap: the planner starts the
 * span in the caller's context; the tap ends it on the result (a plain promise), when the event
 * stream ends (done, `break`, error) or fails it with the SDK's own error object.
 */
import { spanCapturesContent, type ProviderCallHooks, type ProviderCallPlan, type ProviderCallPlanner, type Span } from "@tracium/core";
import { requestInput, requestModel, requestParams, requestTools } from "./request.js";
import { recordResponse } from "./response.js";
import { isTokenEvent, StreamAccumulator } from "./stream.js";
import type { PatchedMethod } from "./targets.js";

/** Provider name recorded in span metadata. */
export const PROVIDER = "mistral";

/** The span name: `mistral.chat` or `mistral.embeddings`. */
export function spanName(entry: PatchedMethod): string {
  return `${PROVIDER}.${entry.resource}`;
}

/** The planner for one patched method. */
export function planCall(entry: PatchedMethod): ProviderCallPlanner {
  const operation = entry.operation;
  const name = spanName(entry);
  const spanType = operation === "embeddings" ? "embedding" : "llm";
  return (_self, args): ProviderCallPlan => {
    const request = args[0];
    const model = requestModel(request);
    const metadata: Record<string, unknown> = { provider: PROVIDER, operation, stream: entry.stream };
    if (model !== undefined) metadata.request_model = model;
    let acc: StreamAccumulator | undefined;
    const hooks: ProviderCallHooks = {
      onStart(span: Span): void {
        const capture = spanCapturesContent(span);
        const params = requestParams(request, capture);
        if (params) span.setMetadata({ request_params: params });
        const input = requestInput(request, operation);
        if (input !== undefined) span.recordInput(input);
        const tools = requestTools(request);
        if (tools) span.setTools(tools);
        if (entry.stream) acc = new StreamAccumulator(capture);
      },
      onResult(span: Span, result: unknown): void {
        recordResponse(span, result, operation);
      },
      onChunk(_span: Span, event: unknown): void {
        acc?.add(event);
      },
      isTokenChunk: isTokenEvent,
      onStreamEnd(span: Span): void {
        if (acc && acc.events > 0) recordResponse(span, acc.response(), operation);
      },
    };
    return {
      span: { spanType, name, metadata, ...(model !== undefined ? { modelId: model } : {}) },
      hooks,
      options: { provider: PROVIDER },
    };
  };
}
