/**
 * One call of a patched method → one span through the core's provider tap. A non-streamed call
 * resolves to a plain object; a streamed one to an `AbortableAsyncIterator`, which the tap reads
 * through in place (its `[Symbol.asyncIterator]`), ending the span on done, `break` or error.
 */
import { spanCapturesContent, type ProviderCallHooks, type ProviderCallPlan, type ProviderCallPlanner, type Span } from "@tracium/core";
import { isStreamRequest, requestInput, requestModel, requestParams, requestTools } from "./request.js";
import { recordResponse } from "./response.js";
import { isTokenPart, StreamAccumulator } from "./stream.js";
import type { PatchedMethod } from "./targets.js";

/** Provider name recorded in span metadata. */
export const PROVIDER = "ollama";

/** The planner for one patched method: span `ollama.chat`, `ollama.generate` or `ollama.embed`. */
export function planCall(entry: PatchedMethod): ProviderCallPlanner {
  const operation = entry.operation;
  const name = `${PROVIDER}.${operation}`;
  const spanType = operation === "embed" ? "embedding" : "llm";
  return (_self, args): ProviderCallPlan => {
    const request = args[0];
    const model = requestModel(request);
    const stream = operation !== "embed" && isStreamRequest(request);
    const metadata: Record<string, unknown> = { provider: PROVIDER, operation, stream };
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
        if (stream) acc = new StreamAccumulator(operation, capture);
      },
      onResult(span: Span, result: unknown): void {
        recordResponse(span, result, operation);
      },
      onChunk(_span: Span, part: unknown): void {
        acc?.add(part);
      },
      isTokenChunk: (part: unknown) => isTokenPart(part, operation),
      onStreamEnd(span: Span): void {
        if (acc && acc.parts > 0) recordResponse(span, acc.response(), operation);
      },
    };
    return {
      span: { spanType, name, metadata, ...(model !== undefined ? { modelId: model } : {}) },
      hooks,
      options: { provider: PROVIDER },
    };
  };
}
