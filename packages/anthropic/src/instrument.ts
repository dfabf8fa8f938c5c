/**
 * What the plugin patches, and how one patched call becomes an `llm` span.
 *
 * Only `create` is patched, on `Messages` and on the separate `Beta.Messages` class. The SDK's
 * helpers all go through it (`messages.stream()` calls `create({ stream: true }).withResponse()`,
 * `parse()` calls `create().then()`), so patching a helper too would record each call twice.
 *
 * The APIPromise / Stream handling (keeping `withResponse()`, `asResponse()`, `tee()`, ending the
 * span on errors, aborts and early breaks) is the core's provider tap (`wrapProviderMethod`); this
 * file only says what to record.
 */
import { performance } from "node:perf_hooks";
import {
  isWrapped,
  logger,
  spanCapturesContent,
  unwrapMethod,
  wrapMethod,
  wrapProviderMethod,
  type ProviderCallHooks,
  type ProviderCallPlan,
  type ProviderCallPlanner,
  type Span,
} from "@tracium/core";
import { isStreamRequest, requestInput, requestModel, requestParams, requestTools } from "./request.js";
import { recordMessage } from "./response.js";
import { MessageAccumulator } from "./stream.js";
import { resolveMethods, type PatchedMethod } from "./targets.js";

export type { PatchedMethod } from "./targets.js";

/** Provider name recorded in span metadata. */
export const PROVIDER = "anthropic";

/**
 * The patched methods. Adding a method is one line here (class path from the client class,
 * property path from a client instance, method, operation, span name).
 */
export const PATCHED_METHODS: readonly PatchedMethod[] = [
  { classPath: ["Messages"], instancePath: ["messages"], method: "create", operation: "chat", spanName: "anthropic.messages" },
  { classPath: ["Beta", "Messages"], instancePath: ["beta", "messages"], method: "create", operation: "chat", spanName: "anthropic.beta.messages" },
];

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

/**
 * Prototypes (owner objects) whose method this plugin wrapped, shared by the ESM and CJS builds of
 * the plugin. It keeps `patch` idempotent even when another library wrapped the method on top of
 * ours (then `isWrapped` no longer sees our wrapper).
 */
const patchedOwners: WeakMap<object, Set<string>> = ((): WeakMap<object, Set<string>> => {
  const key = Symbol.for("tracium.anthropic.patched");
  const g = globalThis as Record<symbol, unknown>;
  if (!(g[key] instanceof WeakMap)) Object.defineProperty(g, key, { value: new WeakMap(), configurable: true });
  return g[key] as WeakMap<object, Set<string>>;
})();

function isOwnerPatched(owner: object, method: string): boolean {
  return patchedOwners.get(owner)?.has(method) === true;
}

/**
 * Patches every method `target` (module namespace, CJS exports, client class or client instance)
 * reaches. Idempotent: a method already wrapped (by this build of the plugin or another) is left
 * as is. Returns the number of methods newly patched.
 */
export function patchTarget(target: unknown): number {
  let patched = 0;
  for (const { owner, entry } of resolveMethods(target, PATCHED_METHODS)) {
    if (isOwnerPatched(owner, entry.method)) continue;
    try {
      if (wrapMethod(owner, entry.method, (original) => wrapProviderMethod(original, planCall(entry)))) patched++;
      let methods = patchedOwners.get(owner);
      if (!methods) patchedOwners.set(owner, (methods = new Set()));
      methods.add(entry.method);
    } catch (err) {
      logger.once("error", `anthropic-patch:${entry.spanName}`, `anthropic: could not patch ${entry.classPath.join(".")}.${entry.method}; it stays untraced`, err);
    }
  }
  return patched;
}

/**
 * Restores the methods `patchTarget(target)` wrapped. A method another library wrapped on top of
 * ours cannot be restored without removing theirs; it stays patched. Returns the number restored.
 */
export function unpatchTarget(target: unknown): number {
  let restored = 0;
  for (const { owner, entry } of resolveMethods(target, PATCHED_METHODS)) {
    try {
      if (unwrapMethod(owner, entry.method)) {
        restored++;
        patchedOwners.get(owner)?.delete(entry.method);
      }
    } catch (err) {
      logger.once("error", `anthropic-unpatch:${entry.spanName}`, `anthropic: could not unpatch ${entry.classPath.join(".")}.${entry.method}`, err);
    }
  }
  return restored;
}

/** Whether every method `target` reaches is patched (false when it reaches none). */
export function isTargetPatched(target: unknown): boolean {
  const methods = resolveMethods(target, PATCHED_METHODS);
  return methods.length > 0 && methods.every(({ owner, entry }) => isOwnerPatched(owner, entry.method) || isWrapped(owner, entry.method));
}
