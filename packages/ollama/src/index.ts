/**
 * @tracium/ollama: the Tracium plugin for the `ollama` SDK (0.6).
 *
 * ```ts
 * import ollama from "ollama";
 * import * as tracium from "@tracium/sdk";   // registers this plugin
 * tracium.init();
 * tracium.instrument(ollama);                 // the default client, the module, the Ollama class or a client
 * ```
 *
 * `chat()`, `generate()` and `embed()` (and the legacy `embeddings()`) each become one span (`llm`,
 * or `embedding`); `prompt_eval_count` and `eval_count` are its input and output tokens. Results,
 * streamed parts and errors reach the caller unchanged.
 */
import { isWrapped, logger, unwrapMethod, wrapMethod, wrapProviderMethod, type TraciumPlugin } from "@tracium/core";
import { planCall } from "./call.js";
import { clientClasses, ollamaShapeProblem, resolveMethods } from "./targets.js";

export { PATCHED_METHODS, type PatchedMethod, type OllamaOperation } from "./targets.js";
export { PROVIDER } from "./call.js";
export { tokenUsage } from "./response.js";

/**
 * Patches the `ollama` build `target` comes from (the module, its default client, the `Ollama`
 * class or a client instance). Idempotent; never throws. True when `target` is an Ollama value.
 */
export function instrumentOllama(target: unknown): boolean {
  try {
    const found = resolveMethods(target);
    for (const { owner, entry } of found) wrapMethod(owner, entry.method, (original) => wrapProviderMethod(original, planCall(entry)));
    return found.length > 0;
  } catch (err) {
    logger.error("ollama: patching failed; the SDK is left as it was", err);
    return false;
  }
}

/** Restores the originals. True when something was unpatched. */
export function uninstrumentOllama(target: unknown): boolean {
  let any = false;
  try {
    for (const { owner, entry } of resolveMethods(target)) any = unwrapMethod(owner, entry.method) || any;
  } catch (err) {
    logger.error("ollama: unpatching failed", err);
  }
  return any;
}

/** Whether every method `target` reaches is patched. */
export function isOllamaInstrumented(target: unknown): boolean {
  try {
    const found = resolveMethods(target);
    return found.length > 0 && found.every(({ owner, entry }) => isWrapped(owner, entry.method));
  } catch {
    return false;
  }
}

/** The plugin, registered by `@tracium/sdk` (by hand: `registerPlugin(ollamaPlugin)`). */
export const ollamaPlugin: TraciumPlugin = {
  name: "ollama",
  modules: ["ollama", "ollama/browser"],
  testedVersions: { ollama: "0.6.x" },
  shapeProblem: ollamaShapeProblem,
  detect: (target) => clientClasses(target).length > 0,
  patch: (target) => {
    instrumentOllama(target);
  },
  unpatch: (target) => {
    uninstrumentOllama(target);
  },
  isPatched: isOllamaInstrumented,
};
