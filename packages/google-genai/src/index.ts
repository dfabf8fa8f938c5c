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
import type { TraciumPlugin } from "@tracium/core";
import { logger } from "@tracium/core";
import { isTargetPatched, patchTarget, unpatchTarget } from "./instrument.js";
import { isClientClass, targetKind } from "./targets.js";

export { PATCHED_METHODS, PROVIDER, VERTEX_PROVIDER, type PatchedMethod } from "./instrument.js";

/** The plugin, for `registerPlugin(googleGenAIPlugin)` (the `@tracium/sdk` package registers it). */
export const googleGenAIPlugin: TraciumPlugin = {
  name: "google-genai",
  modules: ["@google/genai"],
  testedVersions: { "@google/genai": ">=1 <4" },
  detect(target: unknown): boolean {
    try {
      return targetKind(target) !== undefined;
    } catch {
      return false;
    }
  },
  patch(target: unknown): void {
    patchTarget(target);
  },
  unpatch(target: unknown): void {
    unpatchTarget(target);
  },
  isPatched(target: unknown): boolean {
    try {
      return isTargetPatched(target);
    } catch {
      return false;
    }
  },
};

/**
 * Patches `@google/genai` directly, without the plugin registry: pass the module namespace
 * (`import * as genai`), the CJS exports, the `Models` class, a `GoogleGenAI` client instance or
 * its `models`. Patching is per SDK build (prototype), so it covers every client of that build.
 * Idempotent; never throws. Returns true when `target` is a `@google/genai` value (patched now or
 * already). The `GoogleGenAI` class alone does not reach the methods: pass the module instead.
 */
export function instrumentGoogleGenAI(target: unknown): boolean {
  try {
    if (targetKind(target) === undefined) {
      logger.warn(
        isClientClass(target)
          ? "instrumentGoogleGenAI(): the GoogleGenAI class gives no access to its models; pass the module (import * as genai) or a client instance"
          : "instrumentGoogleGenAI(): not a @google/genai module, Models class or client; nothing was patched",
      );
      return false;
    }
    patchTarget(target);
    return true;
  } catch (err) {
    logger.error("instrumentGoogleGenAI() failed; the SDK is left as it was", err);
    return false;
  }
}

/** Removes the patches `instrumentGoogleGenAI(target)` made. Returns true when `target` is a `@google/genai` value. */
export function uninstrumentGoogleGenAI(target: unknown): boolean {
  try {
    if (targetKind(target) === undefined) return false;
    unpatchTarget(target);
    return true;
  } catch (err) {
    logger.error("uninstrumentGoogleGenAI() failed", err);
    return false;
  }
}
