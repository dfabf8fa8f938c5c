/**
 * "A new major never means silence": plugins patch by shape, not by version number, and say so.
 *
 * A plugin declares the versions it is tested with (`testedVersions: { openai: ">=4 <8" }`).
 * When a module of a watched package is loaded (zero code) or handed to `instrument()`:
 * - its shape matches (the plugin detects it and the patch takes): it is traced; when its version
 *   is outside the tested range, one `info` line names the version;
 * - its shape does not match: it is left alone and one `warn` line says that this SDK version is
 *   not traced, and why (the plugin's `shapeProblem`, else a generic reason).
 * Each message is logged once per package, version and outcome. `tracium doctor` reports the same
 * verdict ({@link checkProviderModule}).
 */
import { logger } from "../util/logger.js";
import type { TraciumPlugin } from "./plugin.js";
import { safeGet } from "./provider/reflect.js";
import { versionInRange } from "../util/versions.js";

/** What became of one provider module. */
export interface ProviderModuleVerdict {
  /** The package name (`openai`, `@langchain/core`). */
  readonly pkg: string;
  /** Its version, when known. */
  readonly version: string | undefined;
  /** The plugin's tested range for the package, when it declares one. */
  readonly testedRange: string | undefined;
  /** true/false when both the version and the range are known. */
  readonly inTestedRange: boolean | undefined;
  /** Whether the plugin recognised the module's shape and the patch took. */
  readonly patched: boolean;
  /** Why it was not patched. */
  readonly reason?: string;
}

/** The package a module name belongs to (`@langchain/core/callbacks/manager` → `@langchain/core`). */
export function packageOfModule(name: string): string {
  const parts = name.split("/");
  return parts.slice(0, name.startsWith("@") ? 2 : 1).join("/");
}

/** The tested range a plugin declares for `pkg`, if any. */
export function testedRangeOf(plugin: TraciumPlugin, pkg: string): string | undefined {
  try {
    const range = plugin.testedVersions?.[pkg];
    return typeof range === "string" && range ? range : undefined;
  } catch {
    return undefined;
  }
}

function label(pkg: string, version: string | undefined): string {
  return version ? `${pkg} ${version}` : `${pkg} (version unknown)`;
}

function problemOf(plugin: TraciumPlugin, target: unknown): string {
  try {
    const why = plugin.shapeProblem?.(target);
    if (typeof why === "string" && why) return why;
  } catch {
    // a failing explanation: the generic one below
  }
  return "none of the classes or methods it patches were found";
}

/**
 * Patches one provider module with `plugin`, checking its shape first, and logs the verdict (see
 * the file comment). `module` is the name the plugin watches (a package or a subpath of one);
 * `version` the installed version, when known. Never throws.
 */
export function patchProviderModule(plugin: TraciumPlugin, target: unknown, module: string, version: string | undefined): ProviderModuleVerdict {
  const pkg = packageOfModule(module);
  const testedRange = testedRangeOf(plugin, pkg);
  const inTestedRange = version && testedRange ? versionInRange(version, testedRange) : undefined;
  const base = { pkg, version, testedRange, inTestedRange };
  let detected = false;
  try {
    detected = plugin.detect(target) === true;
  } catch {
    detected = false;
  }
  if (!detected) {
    const reason = `plugin "${plugin.name}" does not recognise its shape: ${problemOf(plugin, target)}`;
    logger.once("warn", `compat:${pkg}:${version}:shape`, `${label(pkg, version)} is not traced: ${reason}${describeRange(testedRange, inTestedRange)}`);
    return { ...base, patched: false, reason };
  }
  try {
    plugin.patch(target);
  } catch (err) {
    const reason = `plugin "${plugin.name}" failed to patch it: ${err instanceof Error ? err.message : String(err)}`;
    logger.once("warn", `compat:${pkg}:${version}:patch`, `${label(pkg, version)} is not traced: ${reason}`);
    return { ...base, patched: false, reason };
  }
  let took = true;
  try {
    took = plugin.isPatched ? plugin.isPatched(target) !== false : true;
  } catch {
    took = false;
  }
  if (!took) {
    const reason = `plugin "${plugin.name}" recognised it but the patch did not take`;
    logger.once("warn", `compat:${pkg}:${version}:took`, `${label(pkg, version)} is not traced: ${reason}`);
    return { ...base, patched: false, reason };
  }
  if (inTestedRange === false) {
    logger.once(
      "info",
      `compat:${pkg}:${version}:outside`,
      `${label(pkg, version)} is outside the range plugin "${plugin.name}" is tested with (${testedRange}); its shape matches, so it is traced`,
    );
  }
  return { ...base, patched: true };
}

function describeRange(range: string | undefined, inside: boolean | undefined): string {
  if (!range || inside === undefined) return "";
  return inside ? ` (inside the tested range ${range})` : ` (the plugin is tested with ${range})`;
}

/**
 * The version an SDK value says it is (a `VERSION` export of the module or its `default`, as the
 * Stainless SDKs have), for `instrument()` where no package.json is at hand.
 */
export function versionOfValue(target: unknown): string | undefined {
  for (const v of [safeGet(target, "VERSION"), safeGet(safeGet(target, "default"), "VERSION")]) {
    if (typeof v === "string" && /^\d+\.\d+/.test(v)) return v;
  }
  return undefined;
}
