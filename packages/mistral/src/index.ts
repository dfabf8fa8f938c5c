/**
 * @tracium/mistral: the Tracium plugin for `@mistralai/mistralai` (2.x).
 *
 * ```ts
 * import { Mistral } from "@mistralai/mistralai";
 * import * as tracium from "@tracium/sdk";   // registers this plugin
 * tracium.init();
 * tracium.instrument(Mistral);                // or the module namespace, or a client instance
 * ```
 *
 * `chat.complete()`, `chat.stream()`, `chat.parse()`, `chat.parseStream()` and
 * `embeddings.create()` each become one span (`llm`, or `embedding`) in the active trace, or in an
 * implicit trace when none is active. Results, stream events and errors reach the caller unchanged.
 */
import { logger, type TraciumPlugin } from "@tracium/core";
import { isTargetPatched, patchTarget, unpatchTarget } from "./instrument.js";
import { mistralShapeProblem, targetKind } from "./targets.js";

export { PATCHED_METHODS, type PatchedMethod } from "./targets.js";
export { PROVIDER } from "./call.js";
export { tokenUsage } from "./response.js";

/**
 * Patches the `@mistralai/mistralai` build `target` comes from (module namespace, the `Mistral`
 * class or a client instance). Idempotent; never throws. True when `target` is a Mistral SDK value.
 */
export function instrumentMistral(target: unknown): boolean {
  try {
    if (targetKind(target) === undefined) return false;
    patchTarget(target);
    return true;
  } catch (err) {
    logger.error("mistral: patching failed; the SDK is left as it was", err);
    return false;
  }
}

/** Restores the originals. True when `target` is a Mistral SDK value. */
export function uninstrumentMistral(target: unknown): boolean {
  try {
    if (targetKind(target) === undefined) return false;
    unpatchTarget(target);
    return true;
  } catch (err) {
    logger.error("mistral: unpatching failed", err);
    return false;
  }
}

/** Whether the client getters `target` reaches are patched. */
export function isMistralInstrumented(target: unknown): boolean {
  try {
    return isTargetPatched(target);
  } catch {
    return false;
  }
}

/** The plugin, registered by `@tracium/sdk` (by hand: `registerPlugin(mistralPlugin)`). */
export const mistralPlugin: TraciumPlugin = {
  name: "mistral",
  modules: ["@mistralai/mistralai"],
  testedVersions: { "@mistralai/mistralai": ">=2 <3" },
  shapeProblem: mistralShapeProblem,
  detect: (target) => targetKind(target) !== undefined,
  patch: (target) => {
    instrumentMistral(target);
  },
  unpatch: (target) => {
    uninstrumentMistral(target);
  },
  isPatched: isMistralInstrumented,
};
