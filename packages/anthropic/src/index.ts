/**
 * @tracium/anthropic: the Tracium plugin for `@anthropic-ai/sdk` (>=0.30 <2: 0.30 and later 0.x, and 1.x).
 *
 * Each Messages API call (`messages.create`, `beta.messages.create`, and the helpers built on
 * them: `messages.stream()`, `parse()`, tool runners) becomes one `llm` span in the active trace,
 * or in an implicit trace when none is active.
 *
 * ```ts
 * import Anthropic from "@anthropic-ai/sdk";
 * import { init, instrument, registerPlugin } from "@tracium/core";
 * import { anthropicPlugin } from "@tracium/anthropic";
 *
 * init();
 * registerPlugin(anthropicPlugin);
 * instrument(Anthropic);            // or the module namespace, or a client instance
 * ```
 */
import { defineMethodPatcher, definePatchingPlugin, wrapProviderMethod, type TraciumPlugin } from "@tracium/core";
import { planCall } from "./call.js";
import { PATCHED_METHODS, resolveMethods, targetKind, type PatchedMethod } from "./targets.js";

export { PATCHED_METHODS, type PatchedMethod } from "./targets.js";
export { PROVIDER } from "./call.js";

const methods = defineMethodPatcher({
  name: "anthropic",
  resolve: (target) => resolveMethods(target, PATCHED_METHODS),
  wrapper: (entry: PatchedMethod) => (original) => wrapProviderMethod(original, planCall(entry)),
  describe: (entry) => `${entry.classPath.join(".")}.${entry.method}`,
});

const anthropic = definePatchingPlugin({
  name: "anthropic",
  modules: ["@anthropic-ai/sdk"],
  testedVersions: { "@anthropic-ai/sdk": ">=0.30 <2" },
  sdk: "Anthropic",
  recognises: (target) => targetKind(target) !== undefined,
  patch: (target) => methods.patch(target, undefined),
  unpatch: methods.unpatch,
  isPatched: methods.isPatched,
  notRecognised: () => "instrumentAnthropic(): not an @anthropic-ai/sdk module, class or client; nothing was patched",
});

/** The plugin, for `registerPlugin(anthropicPlugin)` (the `@tracium/sdk` package registers it). */
export const anthropicPlugin: TraciumPlugin = anthropic.plugin;

/**
 * Patches `@anthropic-ai/sdk` directly, without the plugin registry: pass the module namespace
 * (`import * as sdk`), the CJS exports, the `Anthropic` class or a client instance. Patching is
 * per SDK build (prototype), so it covers every client of that build. Idempotent; never throws.
 * Returns true when `target` is an Anthropic SDK value (patched now or already).
 */
export const instrumentAnthropic: (target: unknown) => boolean = anthropic.instrument;

/** Removes the patches `instrumentAnthropic(target)` made. Returns true when `target` is an Anthropic SDK value. */
export const uninstrumentAnthropic: (target: unknown) => boolean = anthropic.uninstrument;
