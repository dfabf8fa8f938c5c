import { logger } from "../../util/logger.js";
import type { TraciumPlugin } from "../plugin.js";

/**
 * What a provider plugin that patches an SDK's prototypes is made of. `O`: the options its
 * `instrumentX(target, options)` takes (none by default; the plugin registry patches without).
 */
export interface PatchingPluginSpec<O = undefined> {
  /** The plugin's name, e.g. `"anthropic"`. */
  name: string;
  /** Package names the zero-code hooks watch. */
  modules: string[];
  /** Version ranges the plugin is tested with, by package name. */
  testedVersions?: Readonly<Record<string, string>>;
  /** The SDK as named in log lines, e.g. `"Anthropic"`: the entry points are `instrumentAnthropic()` and `uninstrumentAnthropic()`. */
  sdk: string;
  /** Whether `target` is a value of the SDK this plugin patches (a module, a class, a client). */
  recognises(target: unknown): boolean;
  patch(target: unknown, options?: O): void;
  unpatch(target: unknown): void;
  isPatched(target: unknown): boolean;
  /** The warning `instrumentX()` logs for a value it does not recognise. */
  notRecognised(target: unknown): string;
  /** See `TraciumPlugin.shapeProblem`: what a value that looks like the SDK lacks. */
  shapeProblem?(target: unknown): string | undefined;
}

/** A plugin object and its direct entry points, `instrumentX()` / `uninstrumentX()`. */
export interface PatchingPlugin<O = undefined> {
  plugin: TraciumPlugin;
  /** Patches the SDK that `target` belongs to. Idempotent; never throws; true when `target` is recognised. */
  instrument(target: unknown, options?: O): boolean;
  /** Removes the patches; never throws; true when `target` is recognised. */
  uninstrument(target: unknown): boolean;
  /** Whether every method `target` reaches is patched. Never throws. */
  isInstrumented(target: unknown): boolean;
}

/**
 * Builds the plugin object and the `instrumentX()` / `uninstrumentX()` functions of a provider
 * plugin from its parts, so that every plugin inspects, patches and fails the same way: nothing
 * it does throws into the app, and a value it does not recognise is said so in one log line.
 */
export function definePatchingPlugin<O = undefined>(spec: PatchingPluginSpec<O>): PatchingPlugin<O> {
  const recognises = (target: unknown): boolean => {
    try {
      return spec.recognises(target);
    } catch {
      return false;
    }
  };
  const isPatched = (target: unknown): boolean => {
    try {
      return spec.isPatched(target);
    } catch {
      return false;
    }
  };
  const shapeProblem = spec.shapeProblem;
  const plugin: TraciumPlugin = {
    name: spec.name,
    modules: spec.modules,
    ...(spec.testedVersions ? { testedVersions: spec.testedVersions } : {}),
    ...(shapeProblem ? { shapeProblem: (target: unknown) => shapeProblem(target) } : {}),
    detect: recognises,
    patch: (target) => spec.patch(target),
    unpatch: (target) => spec.unpatch(target),
    isPatched,
  };
  return {
    plugin,
    isInstrumented: isPatched,
    instrument(target: unknown, options?: O): boolean {
      try {
        if (!recognises(target)) {
          logger.warn(spec.notRecognised(target));
          return false;
        }
        spec.patch(target, options);
        return true;
      } catch (err) {
        logger.error(`instrument${spec.sdk}() failed; the SDK is left as it was`, err);
        return false;
      }
    },
    uninstrument(target: unknown): boolean {
      try {
        if (!recognises(target)) return false;
        spec.unpatch(target);
        return true;
      } catch (err) {
        logger.error(`uninstrument${spec.sdk}() failed`, err);
        return false;
      }
    },
  };
}
