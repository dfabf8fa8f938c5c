/**
 * The provider-call tap shared by provider plugins (`@tracium/openai`, `@tracium/anthropic`, …).
 * Stable API: plugins in other packages import it from `@tracium/core`.
 *
 * - {@link wrapProviderMethod}: the whole patched-method body (suppression, planning, span start,
 *   tracing) for `wrapMethod(proto, "create", (orig) => wrapProviderMethod(orig, planner))`.
 * - {@link traceProviderCall} / {@link traceApiPromise}: trace one call's returned APIPromise.
 * - {@link tapProviderStream}: tap a provider `Stream` in place.
 * - {@link definePatchingPlugin}: the plugin object and `instrumentX()` / `uninstrumentX()`;
 *   {@link defineMethodPatcher}: patch/unpatch/isPatched over a plugin's list of prototype methods.
 */
export {
  traceApiPromise,
  traceProviderCall,
  tapProviderStream,
  wrapProviderMethod,
  isApiPromiseLike,
  isProviderStream,
  spanCapturesContent,
  DEFAULT_PROVIDER_IDLE_TIMEOUT_MS,
} from "./tap.js";
export { safeGet, safeWalk, methodOwner, classesInModule } from "./reflect.js";
export { definePatchingPlugin, type PatchingPlugin, type PatchingPluginSpec } from "./patching-plugin.js";
export { defineMethodPatcher, type MethodPatcher, type MethodPatcherSpec, type ResolvedMethod } from "./method-patcher.js";
export type {
  ProviderCallHooks,
  ProviderTapOptions,
  ProviderCallPlan,
  ProviderCallPlanner,
  StreamEndInfo,
  StreamEndReason,
  HttpResponseInfo,
} from "./types.js";
