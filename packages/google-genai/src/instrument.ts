/**
 * What the plugin patches, and how one patched call becomes a span.
 *
 * The `Models` prototype's `*Internal` methods are patched: each is exactly one HTTP call. So
 * `models.generateContent`, `generateContentStream` and `embedContent` (per-instance arrow
 * functions that call them), `chats.create(...).sendMessage`/`sendMessageStream` (which call
 * `models.generateContent*`), automatic function calling and automatic continuation (several HTTP
 * calls inside one `generateContent`) all give one span per HTTP call, never two.
 * `countTokens` makes no model call and gets no span.
 *
 * The promise / stream handling (ending the span on errors, aborts and early breaks, time to first
 * token) is the core's provider tap; this file only says what to record.
 */
import {
  defineMethodPatcher,
  safeGet,
  spanCapturesContent,
  wrapProviderMethod,
  type ProviderCallHooks,
  type ProviderCallPlan,
  type ProviderCallPlanner,
  type Span,
  type StreamEndInfo,
} from "@tracium/core";
import { wrapGeneratorMethod } from "./generator.js";
import { CONTENT_PARAMS, requestInput, requestModel, requestParams, requestSignal, requestTools } from "./request.js";
import { recordEmbedding, recordResponse } from "./response.js";
import { isTokenChunk, ResponseAccumulator } from "./stream.js";
import { resolveMethods, type PatchedMethod } from "./targets.js";

export type { PatchedMethod } from "./targets.js";

/** Provider name recorded in span metadata for the Gemini API. */
export const PROVIDER = "google";
/** Provider name recorded in span metadata for a client in Vertex AI mode (`vertexai: true`). */
export const VERTEX_PROVIDER = "gcp.vertex_ai";

/** The patched methods of `Models.prototype`. Adding a method is one line here. */
export const PATCHED_METHODS: readonly PatchedMethod[] = [
  { method: "generateContentInternal", operation: "generate_content", stream: false, spanName: "google.models.generateContent" },
  { method: "generateContentStreamInternal", operation: "generate_content", stream: true, spanName: "google.models.generateContentStream" },
  { method: "embedContentInternal", operation: "embeddings", stream: false, spanName: "google.models.embedContent" },
];

/** Tags every span gets (as the Tracium Python SDK adds them). */
const SPAN_TAGS = ["@google", "@gemini"];

/** The provider of the `Models` instance a call is made on: Vertex AI mode or the Gemini API. */
export function providerOf(models: unknown): string {
  return safeGet(safeGet(safeGet(models, "apiClient"), "clientOptions"), "vertexai") === true ? VERTEX_PROVIDER : PROVIDER;
}

/** The hooks of one call; a stream call's hooks hold its accumulator. */
function callHooks(entry: PatchedMethod, params: unknown): ProviderCallHooks<unknown, unknown> {
  const acc = entry.stream ? new ResponseAccumulator() : undefined;
  const embedding = entry.operation === "embeddings";
  return {
    onStart(span: Span): void {
      if (embedding) {
        const contents = safeGet(params, "contents");
        if (contents !== undefined) span.recordInput(contents);
      } else {
        const input = requestInput(params);
        if (input !== undefined) span.recordInput(input);
        const tools = requestTools(params);
        if (tools) span.setTools(tools);
      }
      const rp = requestParams(params);
      if (rp) {
        if (!spanCapturesContent(span)) for (const key of CONTENT_PARAMS) delete rp[key];
        if (Object.keys(rp).length > 0) span.setMetadata({ request_params: rp });
      }
    },
    onResult(span: Span, result: unknown): void {
      if (embedding) recordEmbedding(span, result);
      else recordResponse(span, result);
    },
    onChunk(_span: Span, chunk: unknown): void {
      acc?.add(chunk);
    },
    isTokenChunk,
    onStreamEnd(span: Span, info: StreamEndInfo): void {
      // Also on break / abort / mid-stream error: the partial response is recorded.
      if (acc && acc.chunkCount > 0) recordResponse(span, acc.response());
      // An aborted request makes the SDK's reader throw: say it was an abort, not a server failure.
      if (info.reason === "error" && requestSignal(params)?.aborted === true) span.setMetadata({ stream_end_reason: "abort" });
    },
  };
}

/** The planner for one patched method: the span each call gets. */
export function planCall(entry: PatchedMethod): ProviderCallPlanner {
  return (self: unknown, args: readonly unknown[]): ProviderCallPlan<unknown, unknown> => {
    const params = args[0];
    const model = requestModel(params);
    const provider = providerOf(self);
    const metadata: Record<string, unknown> = { provider, operation: entry.operation, stream: entry.stream };
    if (model !== undefined) metadata.request_model = model;
    return {
      span: {
        spanType: entry.operation === "embeddings" ? "embedding" : "llm",
        name: entry.spanName,
        ...(model !== undefined ? { modelId: model } : {}),
        metadata,
        tags: SPAN_TAGS,
      },
      hooks: callHooks(entry, params),
      options: { provider },
    };
  };
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** The replacement of one patched method. */
function wrapperFor(entry: PatchedMethod): (original: AnyFunction) => AnyFunction {
  const planner = planCall(entry);
  if (!entry.stream) return (original) => wrapProviderMethod(original, planner);
  return (original) => wrapGeneratorMethod(original, (inner) => wrapProviderMethod(inner, planner), (args) => requestSignal(args[0]));
}

const methods = defineMethodPatcher({
  name: "google-genai",
  resolve: (target) => resolveMethods(target, PATCHED_METHODS),
  wrapper: (entry: PatchedMethod) => wrapperFor(entry),
  describe: (entry) => `Models.${entry.method}`,
});

/**
 * Patches every method `target` (module namespace, CJS exports, `Models` class, client or
 * `models` instance) reaches. Idempotent. Returns the number of methods newly patched.
 */
export function patchTarget(target: unknown): number {
  return methods.patch(target, undefined);
}

/** Restores the methods `patchTarget(target)` wrapped. Returns the number restored. */
export function unpatchTarget(target: unknown): number {
  return methods.unpatch(target);
}

/** Whether every method `target` reaches is patched (false when it reaches none). */
export function isTargetPatched(target: unknown): boolean {
  return methods.isPatched(target);
}
