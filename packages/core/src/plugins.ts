import { logger } from "./logger.js";
import { state } from "./state.js";

/**
 * A plugin patches one family of client libraries (an LLM SDK, a tool client) so its calls become
 * spans. `patch` must be idempotent per prototype and must cover both the CJS and the ESM build.
 */
export interface TraciumPlugin {
  /** Unique name, e.g. "openai". */
  readonly name: string;
  /** Package names the zero-code hooks watch, e.g. ["openai"]. */
  readonly modules: readonly string[];
  /** Is this a module namespace, class or instance this plugin patches? Must not throw. */
  detect(target: unknown): boolean;
  /** Patches what `target` reaches. Idempotent. */
  patch(target: unknown): void;
  /** Removes the patches `patch(target)` made. */
  unpatch(target: unknown): void;
  /** Whether `target` is currently patched (for `tracium doctor`). */
  isPatched?(target: unknown): boolean;
  /**
   * For a CommonJS module whose exports cannot be changed in place (getters the bundler made
   * non-configurable): the object the app's `require()` gets instead (the zero-code require hook
   * uses it; `patch` is then called on it). Return `exports` itself to keep it.
   */
  replaceExports?(exports: unknown): unknown;
}

/** Adds a plugin to the registry (replacing one with the same name). */
export function registerPlugin(plugin: TraciumPlugin): void {
  if (!plugin || typeof plugin.name !== "string" || typeof plugin.detect !== "function" || typeof plugin.patch !== "function") {
    logger.error("registerPlugin: not a Tracium plugin; ignored");
    return;
  }
  state.plugins.set(plugin.name, plugin);
}

/** The registered plugins. */
export function registeredPlugins(): TraciumPlugin[] {
  return [...state.plugins.values()];
}

function find(target: unknown): TraciumPlugin | undefined {
  for (const plugin of state.plugins.values()) {
    try {
      if (plugin.detect(target)) return plugin;
    } catch (err) {
      logger.once("error", `detect:${plugin.name}`, `plugin "${plugin.name}" failed to inspect a target`, err);
    }
  }
  return undefined;
}

/**
 * Patches a provider SDK so its calls are traced: pass the module namespace, the client class or
 * a client instance (`tracium.instrument(OpenAI)`). Returns true when a plugin took it.
 */
export function instrument(target: unknown): boolean {
  const plugin = find(target);
  if (!plugin) {
    logger.warn("instrument(): no registered plugin recognises this value; nothing was patched");
    return false;
  }
  try {
    plugin.patch(target);
    logger.debug(`instrumented with plugin "${plugin.name}"`);
    return true;
  } catch (err) {
    logger.error(`plugin "${plugin.name}" failed to patch; the SDK is left as it was`, err);
    return false;
  }
}

/** Removes the patches `instrument(target)` made. Returns true when a plugin took it. */
export function uninstrument(target: unknown): boolean {
  const plugin = find(target);
  if (!plugin) return false;
  try {
    plugin.unpatch(target);
    return true;
  } catch (err) {
    logger.error(`plugin "${plugin.name}" failed to unpatch`, err);
    return false;
  }
}
