/**
 * @tracium/google-genai: the Tracium plugin for `@google/genai` (1.x, 2.x and 3.x), for the Gemini
 * API and Vertex AI.
 *
 * Each HTTP call of `models.generateContent`, `models.generateContentStream` and
 * `models.embedContent` (and of what is built on them: chats, automatic function calling) becomes
 * one `llm` (or `embedding`) span in the active trace, or in an implicit trace when none is active.
 *
 * ```ts
 * import * as genai from "@google/genai";
 * import { init, instrument, registerPlugin } from "@tracium/core";
 * import { googleGenAIPlugin } from "@tracium/google-genai";
 *
 * init();
 * registerPlugin(googleGenAIPlugin);
 * instrument(genai);                // or the Models class, or a GoogleGenAI client instance
 * ```
 */
import { definePatchingPlugin, type TraciumPlugin } from "@tracium/core";
import { isTargetPatched, patchTarget, unpatchTarget } from "./instrument.js";
import { isClientClass, targetKind } from "./targets.js";

export { PATCHED_METHODS, PROVIDER, VERTEX_PROVIDER, type PatchedMethod } from "./instrument.js";

const googleGenAI = definePatchingPlugin({
  name: "google-genai",
  modules: ["@google/genai"],
  testedVersions: { "@google/genai": ">=1 <4" },
  sdk: "GoogleGenAI",
  recognises: (target) => targetKind(target) !== undefined,
  patch: patchTarget,
  unpatch: unpatchTarget,
  isPatched: isTargetPatched,
  notRecognised: (target) =>
    isClientClass(target)
      ? "instrumentGoogleGenAI(): the GoogleGenAI class gives no access to its models; pass the module (import * as genai) or a client instance"
      : "instrumentGoogleGenAI(): not a @google/genai module, Models class or client; nothing was patched",
});

/** The plugin, for `registerPlugin(googleGenAIPlugin)` (the `@tracium/sdk` package registers it). */
export const googleGenAIPlugin: TraciumPlugin = googleGenAI.plugin;

/**
 * Patches `@google/genai` directly, without the plugin registry: pass the module namespace
 * (`import * as genai`), the CJS exports, the `Models` class, a `GoogleGenAI` client instance or
 * its `models`. Patching is per SDK build (prototype), so it covers every client of that build.
 * Idempotent; never throws. Returns true when `target` is a `@google/genai` value (patched now or
 * already). The `GoogleGenAI` class alone does not reach the methods: pass the module instead.
 */
export const instrumentGoogleGenAI: (target: unknown) => boolean = googleGenAI.instrument;

/** Removes the patches `instrumentGoogleGenAI(target)` made. Returns true when `target` is a `@google/genai` value. */
export const uninstrumentGoogleGenAI: (target: unknown) => boolean = googleGenAI.uninstrument;
