/**
 * One patched call → one `llm` span: the planner handed to the core's `wrapProviderMethod`, and
 * the hooks that record the request (request.ts), the result (response.ts) and a stream
 * (stream.ts).
 *
 * The APIPromise / Stream handling (keeping `withResponse()`, `asResponse()`, `tee()`, ending the
 * span on errors, aborts and early breaks) is the core's provider tap (`wrapProviderMethod`); this
 * file only says what to record.
 */
// The global `performance` (the one `node:perf_hooks` exports): this plugin also runs on Workers and edge runtimes.
import {
  spanCapturesContent,
  type ProviderCallHooks,
  type ProviderCallPlan,
  type ProviderCallPlanner,
  type Span,
} from "@tracium/core";
import { isStreamRequest, requestInput, requestModel, requestParams, requestTools } from "./request.js";
import { recordMessage } from "./response.js";
import { MessageAccumulator } from "./stream.js";
import type { PatchedMethod } from "./targets.js";

/** Provider name recorded in span metadata. */
export const PROVIDER = "anthropic";

/** Tags every Anthropic span gets (as the Tracium Python SDK adds them). */
const SPAN_TAGS = ["@anthropic", "@claude"];

/** Request parameters that hold text a user may consider content: dropped when `captureContent` is off. */
const CONTENT_PARAMS = ["stop_sequences", "output_config"];

/** The hooks of one call; they hold the call's stream accumulator. */
function callHooks(params: unknown): ProviderCallHooks<unknown, unknown> {
  const acc = isStreamRequest(params) ? new MessageAccumulator() : undefined;
  let startedAt = performance.now();
  return {
    onStart(span: Span): void {
      startedAt = performance.now();
      const input = requestInput(params);
      if (input !== undefined) span.recordInput(input);
      const tools = requestTools(params);
      if (tools) span.setTools(tools);
      const rp = requestParams(params);
      if (rp) {
        if (!spanCapturesContent(span)) for (const key of CONTENT_PARAMS) delete rp[key];
        if (Object.keys(rp).length > 0) span.setMetadata({ request_params: rp });
      }
    },
    onResult(span: Span, result: unknown): void {
      recordMessage(span, result);
    },
    onChunk(span: Span, chunk: unknown): void {
      // The tap times the first event (`message_start`, sent before any token); the first event
      // that carries generated content is the first token, so that time replaces it.
      if (acc?.add(chunk)) {
        span.setMetadata({ time_to_first_token_ms: Math.round((performance.now() - startedAt) * 1000) / 1000 });
      }
    },
    onStreamEnd(span: Span): void {
      // Also on break / abort / mid-stream error: the partial message is recorded.
      if (acc && acc.eventCount > 0) recordMessage(span, acc.message());
    },
  };
}

/** The planner for one patched method: the span each call gets. */
export function planCall(entry: PatchedMethod): ProviderCallPlanner {
  return (_self: unknown, args: readonly unknown[]): ProviderCallPlan<unknown, unknown> => {
    const params = args[0];
    const model = requestModel(params);
    const metadata: Record<string, unknown> = {
      provider: PROVIDER,
      operation: entry.operation,
      stream: isStreamRequest(params),
    };
    if (model !== undefined) metadata.request_model = model;
    return {
      span: { spanType: "llm", name: entry.spanName, ...(model !== undefined ? { modelId: model } : {}), metadata, tags: SPAN_TAGS },
      hooks: callHooks(params),
      options: { provider: PROVIDER },
    };
  };
}
