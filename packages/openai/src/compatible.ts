/**
 * A Tracium plugin for any Stainless-generated SDK that speaks the OpenAI API shape (`openai`
 * itself, `groq-sdk`): the same resource classes, `APIPromise` and `Stream`, the same request and
 * response bodies. Another SDK is a declarative description (its client shape, patched methods and
 * dialect); the patching, the span planning and the extractors are this package's.
 */
import { defineMethodPatcher, definePatchingPlugin, methodOwner, safeGet, safeWalk, wrapProviderMethod, type TraciumPlugin } from "@tracium/core";
import { planner, type CompatibleDialect, type OpenAIPluginOptions } from "./call.js";
import { clientPrototypes, resolveMethods, targetKind, type ClientShape, type PatchedMethod } from "./targets.js";
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
  /** Per watched package, the versions the plugin is tested with (`TraciumPlugin.testedVersions`). */
  readonly testedVersions?: Readonly<Record<string, string>>;
  /**
   * Whether a class is this SDK's client class, loosely (e.g. it has the SDK's error class as a
   * static): what lets `shapeProblem` name the SDK when its resources moved in a new major.
   */
  looksLike?(cls: Function): boolean;
}

/** The functions `target` holds under the module keys (or `target` itself, or its constructor). */
function candidateClasses(target: unknown, keys: readonly string[]): Function[] {
  const out: Function[] = [];
  const add = (v: unknown): void => {
    if (typeof v === "function" && !out.includes(v)) out.push(v);
  };
  if (typeof target === "function") add(target);
  else if (target !== null && typeof target === "object") {
    add(safeGet(target, "constructor") === Object ? undefined : safeGet(target, "constructor"));
    for (const key of keys) {
      const v = safeGet(target, key);
      add(v);
      if (v !== null && typeof v === "object") for (const inner of keys) add(safeGet(v, inner));
    }
  }
  return out;
}

/**
 * For `TraciumPlugin.shapeProblem`: when `target` holds a class that looks like the SDK's client,
 * the patched methods it lacks; undefined when it does not look like the SDK at all.
 */
function shapeProblem(sdk: CompatibleSdk, target: unknown): string | undefined {
  const looksLike = sdk.looksLike;
  if (!looksLike) return undefined;
  const cls = candidateClasses(target, sdk.shape.moduleKeys).find((c) => {
    try {
      return looksLike(c);
    } catch {
      return false;
    }
  });
  if (!cls) return undefined;
  const missing = sdk.methods
    .filter((m) => !methodOwner(safeGet(safeWalk(cls, m.path), "prototype"), m.method))
    .map((m) => `${[...m.path, "prototype", m.method].join(".")}`);
  if (missing.length === 0) return "its client class does not have the expected resources";
  return `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing on its client class`;
}

/** The plugin and the direct entry points for one SDK. */
export interface CompatiblePlugin {
  readonly plugin: TraciumPlugin;
  /** Patches the SDK build `target` comes from; true when `target` is one of its values. Never throws. */
  instrument(target: unknown, options?: OpenAIPluginOptions): boolean;
  /** Restores the originals; true when `target` is one of its values. Never throws. */
  uninstrument(target: unknown): boolean;
  /** Whether every method `target` reaches is patched. */
  isInstrumented(target: unknown): boolean;
}

/** Builds the plugin for `sdk`: core's `definePatchingPlugin` over core's method patcher. */
export function createCompatiblePlugin(sdk: CompatibleSdk): CompatiblePlugin {
  const { name, shape, methods, dialect } = sdk;
  const patcher = defineMethodPatcher({
    name,
    resolve: (target) => resolveMethods(target, methods, shape),
    wrapper: (entry: PatchedMethod, options: OpenAIPluginOptions) => (original) => wrapProviderMethod(original, planner(entry, options, dialect)),
    describe: (entry) => `${entry.path.join(".")}.${entry.method}`,
  });
  const made = definePatchingPlugin<OpenAIPluginOptions>({
    name,
    modules: [...sdk.modules],
    ...(sdk.testedVersions ? { testedVersions: sdk.testedVersions } : {}),
    sdk: sdkName(name),
    recognises: (target) => targetKind(target, shape) !== undefined,
    patch(target, options = {}) {
      const resolved: OpenAIPluginOptions = { ...options, injectStreamUsage: dialect.streamOptions && resolveStreamUsageOption(options?.injectStreamUsage) };
      patcher.patch(target, resolved);
      // Stream usage is added where the SDK serialises the body, never on the body object.
      if (resolved.injectStreamUsage === true) for (const proto of clientPrototypes(target, shape)) hookSerializer(proto);
    },
    unpatch(target) {
      patcher.unpatch(target);
      for (const proto of clientPrototypes(target, shape)) unhookSerializer(proto);
    },
    isPatched: patcher.isPatched,
    shapeProblem: (target) => shapeProblem(sdk, target),
    notRecognised: () => `instrument${sdkName(name)}(): not a ${sdk.modules.join(" / ")} module, client class or client instance; nothing was patched`,
  });
  return { plugin: made.plugin, instrument: made.instrument, uninstrument: made.uninstrument, isInstrumented: made.isInstrumented };
}

/** The SDK as entry points name it: `openai` → `OpenAI`, `groq` → `Groq`. */
function sdkName(name: string): string {
  return name === "openai" ? "OpenAI" : name.charAt(0).toUpperCase() + name.slice(1);
}
