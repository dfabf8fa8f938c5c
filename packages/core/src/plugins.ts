import { packageOfModule, testedRangeOf, versionOfValue } from "./compat.js";
import { logger } from "./logger.js";
import { state } from "./state.js";
import { versionInRange } from "./versions.js";

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
  /**
   * Per watched package, the versions the plugin is tested with (`{ openai: ">=4 <8" }`). A version
   * outside is still patched when its shape matches (with one `info` line naming it); a module
   * whose shape does not match is left alone with one `warn` line. Never silence either way.
   */
  readonly testedVersions?: Readonly<Record<string, string>>;
  /**
   * Why `target` cannot be patched, when it looks like this plugin's SDK but lacks what the plugin
   * needs (`"Chat.Completions.prototype.create is missing"`); undefined when it does not look like
   * this SDK at all. Optional: it makes the `warn` line say what is missing. Must not throw.
   */
  shapeProblem?(target: unknown): string | undefined;
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
    logger.warn(`instrument(): ${unrecognised(target)}; nothing was patched`);
    return false;
  }
  try {
    plugin.patch(target);
    logger.debug(`instrumented with plugin "${plugin.name}"`);
    noteVersion(plugin, target);
    return true;
  } catch (err) {
    logger.error(`plugin "${plugin.name}" failed to patch; the SDK is left as it was`, err);
    return false;
  }
}

/** Why no plugin took `target`: the SDK and version it looks like, and what it lacks, when a plugin can tell. */
function unrecognised(target: unknown): string {
  for (const plugin of state.plugins.values()) {
    let problem: string | undefined;
    try {
      problem = plugin.shapeProblem?.(target);
    } catch {
      problem = undefined;
    }
    if (typeof problem !== "string" || !problem) continue;
    const pkg = packageOfModule(plugin.modules[0] ?? plugin.name);
    const version = versionOfValue(target);
    return `this looks like ${version ? `${pkg} ${version}` : pkg} but it is not traced: plugin "${plugin.name}" does not recognise its shape: ${problem}`;
  }
  return "no registered plugin recognises this value";
}

/** One `info` line when the SDK value says it is a version outside the plugin's tested range. */
function noteVersion(plugin: TraciumPlugin, target: unknown): void {
  try {
    const version = versionOfValue(target);
    const pkg = packageOfModule(plugin.modules[0] ?? plugin.name);
    const range = testedRangeOf(plugin, pkg);
    if (!version || !range || versionInRange(version, range) !== false) return;
    logger.once("info", `compat:${pkg}:${version}:outside`, `${pkg} ${version} is outside the range plugin "${plugin.name}" is tested with (${range}); its shape matches, so it is traced`);
  } catch {
    // a note only
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
