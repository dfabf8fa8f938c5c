import { packageOfModule, testedRangeOf, versionOfValue } from "./compat.js";
import { logger } from "../util/logger.js";
import { state } from "../context/state.js";
import { versionInRange } from "../util/versions.js";
import type { TraciumPlugin } from "./plugin.js";

export type { TraciumPlugin };

/** The registry in the process-wide state; only `registerPlugin` adds to it. */
const registry = state.plugins as Map<string, TraciumPlugin>;

/** Adds a plugin to the registry (replacing one with the same name). */
export function registerPlugin(plugin: TraciumPlugin): void {
  if (!plugin || typeof plugin.name !== "string" || typeof plugin.detect !== "function" || typeof plugin.patch !== "function") {
    logger.error("registerPlugin: not a Tracium plugin; ignored");
    return;
  }
  registry.set(plugin.name, plugin);
}

/** The registered plugins. */
export function registeredPlugins(): TraciumPlugin[] {
  return [...registry.values()];
}

function find(target: unknown): TraciumPlugin | undefined {
  for (const plugin of registry.values()) {
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
  for (const plugin of registry.values()) {
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
