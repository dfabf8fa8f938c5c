/**
 * A Tracium plugin for any Stainless-generated SDK that speaks the OpenAI API shape (`openai`
 * itself, `groq-sdk`): the same resource classes, `APIPromise` and `Stream`, the same request and
 * response bodies. Another SDK is a declarative description (its client shape, patched methods and
 * dialect); the patching, the span planning and the extractors are this package's.
 */
import { isWrapped, logger, unwrapMethod, wrapMethod, wrapProviderMethod, type TraciumPlugin } from "@tracium/core";
import { planner, type CompatibleDialect, type OpenAIPluginOptions } from "./call.js";
import { clientPrototypes, resolveMethods, targetKind, type ClientShape, type PatchedMethod } from "./instrument.js";
import { hookSerializer, resolveStreamUsageOption, unhookSerializer } from "./stream-usage.js";

/** What makes one OpenAI-compatible SDK. */
export interface CompatibleSdk {
  /** Plugin name (`"openai"`, `"groq"`). */
  readonly name: string;
  /** Package names the zero-code hooks watch. */
  readonly modules: readonly string[];
  /** How to recognise its client classes and instances. */
  readonly shape: ClientShape;
  /** The methods patched (only those the SDK build has are). */
  readonly methods: readonly PatchedMethod[];
  /** Provider name, stream usage support and location. */
  readonly dialect: CompatibleDialect;
}

/** The plugin and the direct entry points for one SDK. */
export interface CompatiblePlugin {
  readonly plugin: TraciumPlugin;
  /** Patches the SDK build `target` comes from; true when `target` is one of its values. Never throws. */
  instrument(target: unknown, options?: OpenAIPluginOptions): boolean;
  /** Restores the originals; true when something was unpatched. */
  uninstrument(target: unknown): boolean;
  /** Whether every method `target` reaches is patched. */
  isInstrumented(target: unknown): boolean;
}

/** Builds the plugin for `sdk`. */
export function createCompatiblePlugin(sdk: CompatibleSdk): CompatiblePlugin {
  const { name, shape, methods, dialect } = sdk;
  const instrument = (target: unknown, options: OpenAIPluginOptions = {}): boolean => {
    try {
      const resolved: OpenAIPluginOptions = { ...options, injectStreamUsage: dialect.streamOptions && resolveStreamUsageOption(options?.injectStreamUsage) };
      const found = resolveMethods(target, methods, shape);
      for (const { owner, entry } of found) {
        wrapMethod(owner, entry.method, (original) => wrapProviderMethod(original, planner(entry, resolved, dialect)));
      }
      // Stream usage is added where the SDK serialises the body, never on the body object.
      if (resolved.injectStreamUsage === true && found.length > 0) for (const proto of clientPrototypes(target, shape)) hookSerializer(proto);
      return found.length > 0;
    } catch (err) {
      logger.error(`${name}: patching failed; the SDK is left as it was`, err);
      return false;
    }
  };
  const uninstrument = (target: unknown): boolean => {
    let any = false;
    try {
      for (const { owner, entry } of resolveMethods(target, methods, shape)) any = unwrapMethod(owner, entry.method) || any;
      for (const proto of clientPrototypes(target, shape)) any = unhookSerializer(proto) || any;
    } catch (err) {
      logger.error(`${name}: unpatching failed`, err);
    }
    return any;
  };
  const isInstrumented = (target: unknown): boolean => {
    try {
      const found = resolveMethods(target, methods, shape);
      return found.length > 0 && found.every(({ owner, entry }) => isWrapped(owner, entry.method));
    } catch {
      return false;
    }
  };
  const plugin: TraciumPlugin = {
    name,
    modules: sdk.modules,
    detect: (target) => targetKind(target, shape) !== undefined,
    patch: (target) => {
      instrument(target);
    },
    unpatch: (target) => {
      uninstrument(target);
    },
    isPatched: isInstrumented,
  };
  return { plugin, instrument, uninstrument, isInstrumented };
}
