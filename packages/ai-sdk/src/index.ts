/**
 * @tracium/ai-sdk: the Tracium plugin for the Vercel AI SDK (`ai` 5, 6 and 7).
 *
 * ```ts
 * import * as ai from "ai";
 * import * as tracium from "@tracium/sdk";   // registers this plugin
 * tracium.instrument(ai);                    // or zero code: node --import @tracium/sdk/auto app.js
 * ```
 *
 * `generateText`/`streamText`/`generateObject`/`streamObject` → a `chain` span; each model call
 * (step) beneath it → an `llm` span (provider, models, messages, tools, output, tool calls, finish
 * reason, usage, time to first token); each tool run → a `tool` span linked to its call id;
 * `embed`/`embedMany` → an `embedding` span. No per-call flag: `ai` 7 is followed through its
 * `ai:telemetry` diagnostics channel (nothing patched), `ai` 5/6 through their exports.
 */
import { logger, type TraciumPlugin } from "@tracium/core";
import { isSubscribed, subscribeAiTelemetry, unsubscribeAiTelemetry } from "./channel.js";
import { instrumentTarget, isTargetInstrumented, replaceModuleExports, uninstrumentTarget, type InstrumentReport } from "./instrument.js";
import { isAiTarget } from "./targets.js";

export { PATCHED_EXPORTS, PATCHED_AGENT_CLASSES, tracedModule as wrapAiSdk, type PatchedExport, type InstrumentReport } from "./instrument.js";
export { AI_TELEMETRY_CHANNEL, subscribeAiTelemetry, unsubscribeAiTelemetry } from "./channel.js";

/**
 * Traces the `ai` module `target` (the module namespace or the CommonJS exports). Returns what was
 * done; never throws. On `ai` 7 it follows the `ai:telemetry` channel; on `ai` 5/6 it replaces the
 * operation functions, which a read-only ES module namespace does not allow (logged).
 */
export function instrumentAiSdk(target: unknown): InstrumentReport {
  try {
    return instrumentTarget(target);
  } catch (err) {
    logger.error("ai-sdk: instrumenting failed; the SDK is left as it was", err);
    return { channel: 0, patched: [], readOnly: [], agentMethods: 0 };
  }
}

/** Restores what {@link instrumentAiSdk} replaced on `ai` 5/6. */
export function uninstrumentAiSdk(target: unknown): boolean {
  try {
    return uninstrumentTarget(target);
  } catch {
    return false;
  }
}

/** The plugin registered by `@tracium/sdk` (and by hand: `registerPlugin(aiSdkPlugin)`). */
export const aiSdkPlugin: TraciumPlugin = {
  name: "ai-sdk",
  modules: ["ai"],
  testedVersions: { ai: ">=5 <8" },
  detect(target: unknown): boolean {
    return isAiTarget(target);
  },
  patch(target: unknown): void {
    instrumentAiSdk(target);
  },
  unpatch(target: unknown): void {
    uninstrumentAiSdk(target);
  },
  isPatched(target: unknown): boolean {
    return isTargetInstrumented(target, isSubscribed());
  },
  replaceExports(exports: unknown): unknown {
    try {
      return replaceModuleExports(exports);
    } catch (err) {
      logger.error("ai-sdk: could not wrap the ai module; it is left as it was", err);
      return exports;
    }
  },
};

/** Follows the `ai:telemetry` channel of `ai` 7 without handing over a module (e.g. a bundled copy). */
export function traceAiTelemetryChannel(): boolean {
  return subscribeAiTelemetry();
}
