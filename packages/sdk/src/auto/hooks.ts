/**
 * The zero-code machinery shared by the ESM (`--import`) and the CJS (`-r`) entries of
 * `@tracium/sdk/auto`: which modules to watch (only those the registered plugins name), the
 * require hook, the import hook callback, late patching of copies loaded before Tracium, and the
 * exit handling. Nothing here loads a provider SDK: it only reacts when the app loads one.
 */
import * as nodeModule from "node:module";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as workerThreads from "node:worker_threads";
import { isMainThread } from "node:worker_threads";
import { getClient, isInitialized, logger, packageOfModule, patchProviderModule, registeredPlugins, type TraciumClient, type TraciumPlugin } from "@tracium/core";
import { localRequire } from "../plugins/load.js";
import { installedEntry } from "./installed.js";
import { autoStatus } from "./status.js";
import { packageVersionAt } from "./version.js";

export { autoStatus, type AutoStatus } from "./status.js";

/** One module a plugin asked to watch, split into its package and subpath. */
export interface WatchedModule {
  readonly plugin: TraciumPlugin;
  /** As the plugin names it: `openai`, `@langchain/core/callbacks/manager`. */
  readonly name: string;
  /** The package: `openai`, `@langchain/core`. */
  readonly pkg: string;
  /** The subpath inside the package, if any: `callbacks/manager`. */
  readonly sub: string | undefined;
}

function splitModule(name: string): { pkg: string; sub: string | undefined } {
  const parts = name.split("/");
  const n = name.startsWith("@") ? 2 : 1;
  const pkg = parts.slice(0, n).join("/");
  const sub = parts.slice(n).join("/");
  return { pkg, sub: sub || undefined };
}

/** Plugin names listed in TRACIUM_DISABLED_PLUGINS (comma-separated): the zero-code hooks skip them. */
export function disabledPlugins(env: Record<string, string | undefined> = process.env): Set<string> {
  return new Set(
    (env.TRACIUM_DISABLED_PLUGINS ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** The modules the registered plugins watch (minus the plugins TRACIUM_DISABLED_PLUGINS names). */
export function watchedModules(plugins: readonly TraciumPlugin[] = registeredPlugins()): WatchedModule[] {
  const out: WatchedModule[] = [];
  const disabled = disabledPlugins();
  for (const plugin of plugins) {
    if (disabled.has(String(plugin.name).toLowerCase())) continue;
    let modules: readonly string[] = [];
    try {
      modules = Array.isArray(plugin.modules) ? plugin.modules : [];
    } catch {
      // a broken plugin watches nothing
    }
    for (const name of modules) {
      if (typeof name !== "string" || !/^(@[\w.-]+\/)?[\w.-]+(\/[\w./-]+)?$/.test(name)) continue;
      out.push({ plugin, name, ...splitModule(name) });
    }
  }
  return out;
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const EXT = "\\.(?:mjs|cjs|js)$";
const SEP = "[\\\\/]";

/** Where a module's entry file usually lives inside its package, without the extension. */
function entryGuesses(m: WatchedModule): string[] {
  if (m.sub === undefined) return ["index", "dist/index", "lib/index", "esm/index", "dist/esm/index", "dist/cjs/index"];
  return [m.sub, `${m.sub}/index`, `dist/${m.sub}`, `dist/${m.sub}/index`];
}

/** The entry file of the module as the app would resolve it (not loaded), relative to its package. */
function resolvedEntry(m: WatchedModule, fromDir: string): string | undefined {
  return installedEntry(m.name, m.pkg, fromDir)?.replace(/\.(?:mjs|cjs|js)$/, "");
}

const patterns = new Map<string, RegExp>();

/** A regular expression matching the entry files of every copy of the module, wherever installed. */
export function entryPattern(m: WatchedModule, fromDir: string = process.cwd()): RegExp {
  const key = `${m.name}\0${fromDir}`;
  const known = patterns.get(key);
  if (known) return known;
  const entries = new Set(entryGuesses(m));
  const resolved = resolvedEntry(m, fromDir);
  if (resolved) entries.add(resolved);
  const pkg = m.pkg.split("/").map(escapeRe).join(SEP);
  const alternatives = [...entries].map((e) => e.split("/").map(escapeRe).join(SEP)).join("|");
  const re = new RegExp(`${SEP}node_modules${SEP}${pkg}${SEP}(?:${alternatives})${EXT}`);
  patterns.set(key, re);
  return re;
}

/**
 * The `include` list for the import-in-the-middle loader: the bare names (every copy imported by
 * name, nested ones included) and a pattern per module for imports by file URL (vitest, bundlers).
 */
export function esmIncludeList(modules: readonly WatchedModule[]): Array<string | RegExp> {
  const out: Array<string | RegExp> = [];
  for (const m of modules) {
    if (!out.includes(m.name)) out.push(m.name);
    out.push(entryPattern(m));
  }
  return out;
}

function shortPath(where: string): string {
  const text = where.startsWith("file:") ? safeFileUrlPath(where) : where;
  const at = text.indexOf("node_modules");
  return at >= 0 ? text.slice(at) : text;
}

function safeFileUrlPath(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url;
  }
}

/**
 * Patches one module copy with one plugin, by shape: a module the plugin does not recognise (a new
 * major that changed its API) is left alone with one warning, one outside the plugin's tested
 * versions but of the right shape is patched with one info line (core `patchProviderModule`).
 * Never throws.
 */
export function patchModule(plugin: TraciumPlugin, exports: unknown, module: string, where: string, via: "import" | "require" | "late"): void {
  try {
    if (exports === null || (typeof exports !== "object" && typeof exports !== "function")) return;
    const pkg = packageOfModule(module);
    const version = packageVersionAt(where, pkg);
    const verdict = patchProviderModule(plugin, exports, module, version);
    const entry = { plugin: plugin.name, module, where: shortPath(where), via, ...(version ? { version } : {}) };
    if (!verdict.patched) {
      (autoStatus().skipped ??= []).push({ ...entry, reason: verdict.reason ?? "not recognised" });
      return;
    }
    autoStatus().patched.push(entry);
    armSignalHandlers();
    logger.debug(`zero-code: patched ${module} (${via}) at ${shortPath(where)} with plugin "${plugin.name}"${version ? ` (${pkg} ${version})` : ""}`);
  } catch (err) {
    logger.once("error", `auto-patch:${plugin.name}:${where}`, `plugin "${plugin.name}" failed to patch ${module}; it is left as it was`, err);
  }
}

/** Which watched modules an ESM module (by URL and import specifier) is. */
export function matchEsm(modules: readonly WatchedModule[], url: string, specifier: string | undefined): WatchedModule[] {
  let path: string | undefined;
  return modules.filter((m) => {
    if (specifier === m.name) return true;
    // By file: an import by URL, or through a package alias ("openai-v7": "npm:openai@7").
    path ??= url.startsWith("file:") ? safeFileUrlPath(url) : url;
    return entryPattern(m).test(path);
  });
}

/** The import-in-the-middle hook callback: patches the watched modules the loader wrapped. */
export function onImported(modules: readonly WatchedModule[]): (url: string, namespace: unknown, specifier?: string) => void {
  return (url, namespace, specifier) => {
    try {
      for (const m of matchEsm(modules, url, specifier)) {
        // Patched at once, before any app code can call it: a run started synchronously at the
        // app's top level must already be traced. Plugins touch only the namespace they are
        // handed, so this is safe while the rest of a framework's module graph is still evaluating.
        patchModule(m.plugin, namespace, m.name, url, "import");
      }
    } catch (err) {
      logger.once("error", "auto-import-hook", "zero-code import hook failed", err);
    }
  };
}

/**
 * The names under which require-in-the-middle reports a module inside a package when the package
 * requires it by relative path (`require("../callbacks/manager.cjs")` inside `@langchain/core`):
 * the package name joined with the file's path, `.js` and `/index` stripped.
 */
export function requireAliases(m: WatchedModule, fromDir: string = process.cwd()): string[] {
  if (m.sub === undefined) return [];
  const rels = new Set<string>([`dist/${m.sub}.cjs`, `dist/${m.sub}.js`, `dist/${m.sub}/index.cjs`, `dist/${m.sub}/index.js`]);
  // Not installed where the app runs: the guesses above remain.
  const entry = installedEntry(m.name, m.pkg, fromDir);
  if (entry !== undefined) rels.add(entry);
  return [...rels].map((rel) => `${m.pkg}/${rel}`.replace(/([/\\]index)?(\.js)?$/, ""));
}

// require() calls in progress, through Module.prototype.require (0: no require chain running).
let requireDepth = 0;
const afterRequireChain: Array<() => void> = [];

/**
 * Installs require-in-the-middle the first time the app requires a file inside a watched package;
 * undefined once it has run (or when zero code watches nothing).
 */
let openRequireGate: ((parent: unknown, id: unknown) => boolean) | undefined;

type ModuleInternals = {
  prototype: { require?: (...a: unknown[]) => unknown };
  _resolveFilename?: (request: string, parent: unknown, isMain?: boolean) => string;
  isBuiltin?: (id: string) => boolean;
};

function moduleInternals(): ModuleInternals | undefined {
  return (nodeModule as unknown as { Module?: ModuleInternals }).Module;
}

/**
 * Wraps Module.prototype.require once, before the require hook, for two jobs:
 * - It counts nested require() calls, so that patches wait until the synchronous require chain
 *   that loaded a module is complete. A module is often required half-way through a circular
 *   chain (LangChain's are), and a plugin that reaches for the package's other modules at that
 *   moment would see half-initialised exports.
 * - It runs the require gate (`installRequireHook`).
 */
function trackRequireDepth(): void {
  const g = globalThis as Record<symbol, boolean | undefined>;
  const key = Symbol.for("tracium.sdk.requireDepth.v1");
  if (g[key]) return;
  const proto = moduleInternals()?.prototype;
  const original = proto?.require;
  if (!proto || typeof original !== "function") return;
  Object.defineProperty(g, key, { value: true, enumerable: false, configurable: true });
  proto.require = function (this: unknown, ...args: unknown[]): unknown {
    // The require that opens the gate goes through the hook it installed (which calls this again).
    if (openRequireGate?.(this, args[0])) return (proto.require as (...a: unknown[]) => unknown).apply(this, args);
    requireDepth++;
    try {
      return original.apply(this, args);
    } finally {
      requireDepth--;
      if (requireDepth === 0 && afterRequireChain.length > 0) {
        for (const fn of afterRequireChain.splice(0)) fn();
      }
    }
  };
}

function whenRequireChainDone(fn: () => void): void {
  if (requireDepth === 0) fn();
  else afterRequireChain.push(fn);
}

/** The exports the app gets for a module a plugin cannot patch in place (`TraciumPlugin.replaceExports`). */
function replacedExports<T>(plugin: TraciumPlugin, exports: T): T {
  try {
    const out = typeof plugin.replaceExports === "function" ? plugin.replaceExports(exports) : exports;
    return out !== null && (typeof out === "object" || typeof out === "function") ? (out as T) : exports;
  } catch (err) {
    logger.once("error", `auto-replace:${plugin.name}`, `plugin "${plugin.name}" failed to wrap a module; it is left as it was`, err);
    return exports;
  }
}

/**
 * Whether `require(id)` from `parent` loads a file inside one of the packages (`/node_modules/<pkg>/`
 * in its resolved path): every file require-in-the-middle would match is one (it names a module
 * by the package its path is in), so a require that is not cannot need the hook.
 */
function requiresWatchedFile(internals: ModuleInternals, packageDirs: readonly string[], parent: unknown, id: unknown): boolean {
  if (typeof id !== "string" || internals.isBuiltin?.(id) || typeof internals._resolveFilename !== "function") return false;
  let file: string;
  try {
    file = internals._resolveFilename(id, parent, false);
  } catch {
    return false; // the require itself throws the same error
  }
  const normalised = file.split("\\").join("/");
  return packageDirs.some((dir) => normalised.includes(dir));
}

/**
 * Installs the require hook (CommonJS builds, every copy). Returns false when it could not.
 *
 * require-in-the-middle is loaded the first time the app requires a file inside a watched
 * package, not at start-up: it brings `debug` (with `tty` and `supports-color`), ~8–10 ms of
 * start-up on Node 20 that an app which never requires a watched module need not pay. From then
 * on every require goes through it, as when it was installed at start.
 */
export function installRequireHook(modules: readonly WatchedModule[]): boolean {
  const byName = new Map<string, WatchedModule[]>();
  const add = (name: string, m: WatchedModule) => byName.set(name, [...(byName.get(name) ?? []), m]);
  for (const m of modules) {
    add(m.name, m);
    for (const alias of requireAliases(m)) if (alias !== m.name) add(alias, m);
  }
  const internals = moduleInternals();
  if (byName.size === 0 || !internals) return false;
  const install = (): void => {
    try {
      const { Hook } = localRequire()("require-in-the-middle") as typeof import("require-in-the-middle");
      new Hook([...byName.keys()], { internals: false }, <T>(exports: T, name: string, basedir?: string): T => {
        let out = exports;
        for (const m of byName.get(name) ?? []) out = replacedExports(m.plugin, out);
        for (const m of byName.get(name) ?? []) whenRequireChainDone(() => patchModule(m.plugin, out, m.name, basedir ?? name, "require"));
        return out;
      });
    } catch (err) {
      autoStatus().cjs = false;
      logger.error("zero-code: could not install the require hook; CommonJS copies are not patched", err);
    }
  };
  const packageDirs = [...new Set(modules.map((m) => `/node_modules/${m.pkg}/`))];
  openRequireGate = (parent, id) => {
    if (!requiresWatchedFile(internals, packageDirs, parent, id)) return false;
    openRequireGate = undefined;
    install();
    return true;
  };
  trackRequireDepth();
  return true;
}

/**
 * Finds watched modules that are already in the CommonJS cache (loaded before Tracium), patches
 * them now and warns: calls made before were not traced, and copies loaded as ES modules before
 * Tracium cannot be reached at all.
 */
export function patchAlreadyLoaded(modules: readonly WatchedModule[]): string[] {
  const found: string[] = [];
  try {
    const cache = createRequire(join(process.cwd(), "noop.js")).cache as Record<string, { exports?: unknown } | undefined>;
    for (const file of Object.keys(cache)) {
      const normalised = file.split("\\").join("/");
      for (const m of modules) {
        if (!entryPattern(m).test(normalised)) continue;
        const entry = cache[file];
        if (!entry || entry.exports === undefined) continue;
        patchModule(m.plugin, entry.exports, m.name, file, "late");
        found.push(`${m.name} (${shortPath(file)})`);
      }
    }
  } catch (err) {
    logger.once("debug", "auto-late", "zero-code: could not inspect the require cache", err);
  }
  if (found.length > 0) {
    autoStatus().loadedBefore.push(...found);
    logger.warn(
      `${found.join(", ")} ${found.length === 1 ? "was" : "were"} loaded before Tracium started; patched now, but calls made earlier were not traced. ` +
        "Load Tracium first: node --import @tracium/sdk/auto (ESM) or node -r @tracium/sdk/auto (CommonJS).",
    );
  }
  return found;
}

const EXIT_KEY = Symbol.for("tracium.sdk.exit.v1");
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

function activeClient(): TraciumClient | undefined {
  try {
    return isInitialized() ? getClient() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * At exit, ends every trace still open and delivers what is queued through the client's exit drain
 * (one bounded attempt, no retries: the process exits at most ~2 s after its last call), without
 * changing how or when the app exits:
 * - `beforeExit` (the loop ran dry): open traces are ended, and drained when an exporter must send
 *   them (the file exporter writes at `exit`, so the app's own `beforeExit` handlers do not run
 *   again for it);
 * - `exit` (also after `process.exit()` or an uncaught error): open traces are ended
 *   synchronously, and the file exporter writes what is pending synchronously;
 * - SIGINT/SIGTERM: see {@link armSignalHandlers}.
 */
export function installExitHandlers(): void {
  const g = globalThis as Record<symbol, boolean | undefined>;
  if (g[EXIT_KEY]) return;
  Object.defineProperty(g, EXIT_KEY, { value: true, enumerable: false, configurable: true });

  process.on("beforeExit", () => {
    const client = activeClient();
    if (!client) return;
    endOpen(client);
    client.scheduleExitDrain();
  });
  process.on("exit", () => {
    const client = activeClient();
    if (client) endOpen(client);
  });
}

function endOpen(client: TraciumClient): boolean {
  try {
    if (client.stats().openTraces === 0) return false;
    client.endOpenTraces();
    return true;
  } catch (err) {
    logger.once("error", "auto-exit-end", "could not end the open traces at exit", err);
    return false;
  }
}

const SIGNAL_KEY = Symbol.for("tracium.sdk.signals.v1");

/**
 * SIGINT/SIGTERM, armed once a provider module has been patched (a process that never loads one,
 * npm or a build tool under the same NODE_OPTIONS, keeps Node's own handling: any listener would
 * delay the signal past synchronous work, or lose it when the loop then runs dry). Tracium listens
 * only while the app has no listener of its own for that signal: when the app adds one, Tracium's
 * goes, so the app (or a library such as signal-exit, which re-raises the signal only when its
 * listeners are the only ones) decides alone, as without Tracium; when the app's last one goes,
 * Tracium's comes back. Tracium's ends the open traces, drains, and raises the signal again, so
 * the process ends as it would have; a second signal ends it at once.
 */
export function armSignalHandlers(): void {
  const g = globalThis as Record<symbol, boolean | undefined>;
  if (g[SIGNAL_KEY] || !isMainThread) return;
  Object.defineProperty(g, SIGNAL_KEY, { value: true, enumerable: false, configurable: true });

  let flushing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    const reraise = (): void => {
      for (const s of SIGNALS) process.removeListener(s, onSignal);
      process.kill(process.pid, signal);
    };
    const client = activeClient();
    if (flushing || !client) return reraise();
    flushing = true;
    endOpen(client);
    client
      .drainForExit()
      .catch(() => undefined)
      .finally(reraise);
  };
  const appListens = (signal: string): boolean => process.listeners(signal as NodeJS.Signals).some((l) => l !== onSignal);
  const listen = (signal: NodeJS.Signals): void => {
    if (!appListens(signal) && !process.listeners(signal).includes(onSignal)) process.on(signal, onSignal);
  };
  // `newListener` comes before the app's listener is added. Tracium's goes once it is there: with
  // no listener left, even for a moment, Node would stop watching the signal (and the app's
  // listener, added right after, would never be called).
  process.on("newListener", (event: string | symbol, listener: unknown) => {
    if (listener !== onSignal && (event === "SIGINT" || event === "SIGTERM")) {
      queueMicrotask(() => {
        if (appListens(event)) process.removeListener(event, onSignal);
      });
    }
  });
  process.on("removeListener", (event: string | symbol, listener: unknown) => {
    if (listener !== onSignal && (event === "SIGINT" || event === "SIGTERM") && !flushing) listen(event);
  });
  for (const s of SIGNALS) listen(s);
}

/**
 * Whether this is Node's internal thread for module customization hooks (not a user worker).
 * Node 22.14+ says so (`isInternalThread`); on older versions that thread has `workerData === null`
 * where a user worker without data has `undefined`.
 */
export function isLoaderHooksThread(): boolean {
  const wt = workerThreads as { isInternalThread?: boolean; isMainThread: boolean; workerData: unknown };
  if (wt.isInternalThread === true) return true;
  return !wt.isMainThread && wt.workerData === null && process.argv[1] === undefined;
}

/**
 * Starts zero-code tracing: the require hook, late patching of copies already loaded, and the exit
 * handling (the client itself is created from the environment on the first traced call).
 * Idempotent; returns the watched modules.
 */
export function startAuto(_entry: "esm" | "cjs"): WatchedModule[] {
  if (isLoaderHooksThread()) return []; // Node runs -r preloads there too: nothing to trace in it
  const status = autoStatus();
  const modules = watchedModules();
  if (status.started) return modules.filter((m) => status.modules.includes(m.name)); // the other entry, again
  status.started = true;
  status.modules = [...new Set(modules.map((m) => m.name))];
  // The client is created from the environment on the first traced call (`getClient()`), not here:
  // a process that never loads a provider (npm itself, a build tool started with the same
  // NODE_OPTIONS) stays silent and writes nothing, and an app that calls `tracium.init()` itself
  // keeps its own options.
  const env = process.env;
  const level = env.TRACIUM_LOG_LEVEL?.trim().toLowerCase();
  if (level === "debug" || level === "info" || level === "warn" || level === "error" || level === "silent") logger.setLevel(level);
  if (/^(0|false|no|off)$/i.test(env.TRACIUM_ENABLED?.trim() ?? "")) {
    // TRACIUM_ENABLED=false: leave every module as it is.
    logger.debug("zero-code: tracing is disabled (TRACIUM_ENABLED); no module is patched");
    status.modules = [];
    return [];
  }
  if (installRequireHook(modules)) status.cjs = true;
  patchAlreadyLoaded(modules);
  installExitHandlers();
  logger.debug(`zero-code: watching ${status.modules.join(", ") || "no modules"}`);
  return modules;
}
