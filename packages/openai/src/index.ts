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
 * or in an implicit trace when none is active. The SDK's objects are left intact: the caller gets
 * the very `APIPromise` the SDK returned and the same `Stream`, the SDK gets the caller's own body
 * object, errors are the same objects.
 *
 * The same machinery traces OpenAI-compatible Stainless SDKs (`createCompatiblePlugin`): that is
 * how `@tracium/groq` is built.
 */
import { safeGet, type TraciumPlugin } from "@tracium/core";
import { OPENAI_DIALECT, type OpenAIPluginOptions } from "./call.js";
import { createCompatiblePlugin } from "./compatible.js";
import { OPENAI_SHAPE, PATCHED_METHODS } from "./targets.js";

export { PATCHED_METHODS, OPENAI_SHAPE, instancePath, type PatchedMethod, type OpenAIOperation, type ClientShape } from "./targets.js";
export { OPENAI_DIALECT, type OpenAIPluginOptions, type CompatibleDialect } from "./call.js";
export { createCompatiblePlugin, type CompatibleSdk, type CompatiblePlugin } from "./compatible.js";
export { tokenUsage, recordResponse } from "./response.js";
export { requestInput } from "./request.js";
export type { ChunkUsage } from "./stream.js";

const openai = createCompatiblePlugin({
  name: "openai",
  modules: ["openai"],
  shape: OPENAI_SHAPE,
  methods: PATCHED_METHODS,
  dialect: OPENAI_DIALECT,
  testedVersions: { openai: ">=4 <8" },
  looksLike: (cls) => typeof safeGet(cls, "OpenAIError") === "function",
});

/**
 * Patches the `openai` SDK build `target` comes from: a module namespace (`import * as`), the CJS
 * `require("openai")` result, the client class (`OpenAI`, `AzureOpenAI`, a subclass) or a client
 * instance. Idempotent (a method already patched stays as it is, with the options it was patched
 * with). Returns true when `target` is an OpenAI SDK value (patched now or before). Never throws.
 */
export function instrumentOpenAI(target: unknown, options: OpenAIPluginOptions = {}): boolean {
  return openai.instrument(target, options);
}

/** Removes the patches from the SDK build `target` comes from. Returns true when something was unpatched. */
export function uninstrumentOpenAI(target: unknown): boolean {
  return openai.uninstrument(target);
}

/** Whether every method `target` reaches is patched. */
export function isOpenAIInstrumented(target: unknown): boolean {
  return openai.isInstrumented(target);
}

/** The plugin registered by `@tracium/sdk` (and by hand: `registerPlugin(openaiPlugin)`). */
export const openaiPlugin: TraciumPlugin = openai.plugin;
