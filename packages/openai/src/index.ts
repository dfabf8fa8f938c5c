/**
 * @tracium/openai: the Tracium plugin for the `openai` SDK (majors 4–7).
 *
 * ```ts
 * import OpenAI from "openai";
 * import * as tracium from "@tracium/sdk";        // registers this plugin
 * tracium.init();
 * tracium.instrument(OpenAI);                      // or the module namespace, or a client instance
 * ```
 *
 * Each `chat.completions.create`, `responses.create`, `embeddings.create` and legacy
 * `completions.create` call becomes one `llm` span (`embedding` for embeddings) in the active trace,
 * or in an implicit trace when none is active. The SDK's objects are left intact: an `APIPromise`
 * stays an `APIPromise`, a `Stream` stays the same `Stream`, errors are the same objects.
 */
import { logger, unwrapMethod, wrapMethod, wrapProviderMethod, isWrapped, type TraciumPlugin } from "@tracium/core";
import { planner, type OpenAIPluginOptions } from "./call.js";
import { PATCHED_METHODS, resolveMethods, targetKind } from "./instrument.js";

export { PATCHED_METHODS, type PatchedMethod, type OpenAIOperation } from "./instrument.js";
export type { OpenAIPluginOptions } from "./call.js";

/**
 * Patches the `openai` SDK build `target` comes from: a module namespace (`import * as`), the CJS
 * `require("openai")` result, the client class (`OpenAI`, `AzureOpenAI`, a subclass) or a client
 * instance. Idempotent (a method already patched stays as it is, with the options it was patched
 * with). Returns true when `target` is an OpenAI SDK value (patched now or before). Never throws.
 */
export function instrumentOpenAI(target: unknown, options: OpenAIPluginOptions = {}): boolean {
  try {
    const methods = resolveMethods(target, PATCHED_METHODS);
    for (const { owner, entry } of methods) {
      wrapMethod(owner, entry.method, (original) => wrapProviderMethod(original, planner(entry, options ?? {})));
    }
    return methods.length > 0;
  } catch (err) {
    logger.error("openai: patching failed; the SDK is left as it was", err);
    return false;
  }
}

/** Removes the patches from the SDK build `target` comes from. Returns true when something was unpatched. */
export function uninstrumentOpenAI(target: unknown): boolean {
  let any = false;
  try {
    for (const { owner, entry } of resolveMethods(target, PATCHED_METHODS)) any = unwrapMethod(owner, entry.method) || any;
  } catch (err) {
    logger.error("openai: unpatching failed", err);
  }
  return any;
}

/** Whether every method `target` reaches is patched. */
export function isOpenAIInstrumented(target: unknown): boolean {
  try {
    const methods = resolveMethods(target, PATCHED_METHODS);
    return methods.length > 0 && methods.every(({ owner, entry }) => isWrapped(owner, entry.method));
  } catch {
    return false;
  }
}

/** The plugin registered by `@tracium/sdk` (and by hand: `registerPlugin(openaiPlugin)`). */
export const openaiPlugin: TraciumPlugin = {
  name: "openai",
  modules: ["openai"],
  detect(target: unknown): boolean {
    return targetKind(target) !== undefined;
  },
  patch(target: unknown): void {
    instrumentOpenAI(target);
  },
  unpatch(target: unknown): void {
    uninstrumentOpenAI(target);
  },
  isPatched(target: unknown): boolean {
    return isOpenAIInstrumented(target);
  },
};
