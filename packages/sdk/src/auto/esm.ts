/**
 * The ES module side of zero code: the import-in-the-middle loader, limited to the watched
 * modules, and the hook that patches them as they are imported.
 */
import { existsSync, readFileSync } from "node:fs";
// A namespace import: a named import of `register` is a SyntaxError before Node 20.6, which would
// crash the app at start instead of leaving ES modules unpatched with a clear line.
import * as nodeModule from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { addHook } from "import-in-the-middle";
import { logger } from "@tracium/core";
import { autoStatus, esmIncludeList, onImported, type WatchedModule } from "./hooks.js";
import type { GateData } from "./loader-gate.js";
import { esmHooksRunInThread } from "./sync-hooks.js";

const ESM_KEY = Symbol.for("tracium.sdk.auto.esm.v1");

/**
 * Registers the loader (once per thread), found from `parentURL` (the entry that calls this): on
 * this thread where Node can run it there (`registerInThread`), else on Node's loader-hooks thread
 * (`module.register`), behind a gate that loads it at the first watched import. Returns false when
 * it could not.
 */
export function registerEsmHooks(modules: readonly WatchedModule[], parentURL: string): boolean {
  const g = globalThis as Record<symbol, boolean | undefined>;
  if (g[ESM_KEY]) return true;
  if (modules.length === 0) return false;
  Object.defineProperty(g, ESM_KEY, { value: true, enumerable: false, configurable: true });
  const include = esmIncludeList(modules);
  if (registerInThread(include, parentURL)) {
    addHook(onImported(modules));
    autoStatus().esm = true;
    autoStatus().esmHooks = "in-thread";
    return true;
  }
  const register = (nodeModule as { register?: typeof nodeModule.register }).register;
  if (typeof register !== "function") {
    logger.error(`zero-code: Node.js ${process.version} has no module.register (Node 20.6 or later): ES module imports are not patched`);
    return false;
  }
  try {
    // The gate loads import-in-the-middle's loader on that thread only when a watched module is
    // resolved (./loader-gate.ts); it is built next to the entries that register it. The loader is
    // found here, where the app's resolution (a Yarn PnP runtime, say) applies, and handed over
    // by URL: a missing one fails now, with the line below, not at the app's first import.
    const loader = pathToFileURL(nodeModule.createRequire(parentURL).resolve("import-in-the-middle/hook.mjs")).href;
    const data: GateData = { include, loader, logErrors: logger.getLevel() !== "silent" };
    register(new URL("./auto-loader.js", parentURL).href, { data });
    addHook(onImported(modules));
    autoStatus().esm = true;
    autoStatus().esmHooks = "loader-thread";
    return true;
  } catch (err) {
    logger.error("zero-code: could not register the ES module hook; ES module imports are not patched", err);
    return false;
  }
}

/**
 * import-in-the-middle's loader as synchronous hooks on this thread (`module.registerHooks`): no
 * loader-hooks thread to start (most of zero code's start-up on Node 20) and no message to it per
 * resolved module. Only where import-in-the-middle says Node runs them correctly (Node >= 22.22.3,
 * >= 24.11.1, >= 25.1): its synchronous loader (and the parser it brings) is loaded only then.
 * False: use the loader thread.
 */
function registerInThread(include: ReadonlyArray<string | RegExp>, parentURL: string): boolean {
  if (!esmHooksRunInThread(parentURL)) return false;
  try {
    const load = nodeModule.createRequire(parentURL);
    const { register } = load("import-in-the-middle/register-hooks.mjs") as { register(options: { include: Array<string | RegExp> }): void };
    register({ include: [...include] });
    return true;
  } catch (err) {
    logger.debug("zero-code: in-thread ES module hooks are not available here; using the loader thread", err);
    return false;
  }
}

/**
 * Whether Tracium was loaded before the app's modules: by a preload flag (--import, -r, --loader,
 * Bun's --preload), or from a Next.js `instrumentation` `register()`, which runs before any route.
 */
export function loadedByPreloadFlag(): boolean {
  if (process.env.NEXT_RUNTIME === "nodejs") return true;
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  return args.some((a) => /^(--import|--require|-r|--loader|--experimental-loader|--preload)(=|$)/.test(a));
}

/** Whether the main script will be loaded as an ES module (.mjs, or .js in a "type": "module" package). */
export function mainIsEsm(script: string | undefined = process.argv[1]): boolean {
  if (!script) return false;
  const file = resolve(script);
  const ext = extname(file);
  if (ext === ".mjs" || ext === ".mts") return true;
  if (ext === ".cjs" || ext === ".cts") return false;
  let dir = dirname(file);
  for (let i = 0; i < 32; i++) {
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      try {
        return (JSON.parse(readFileSync(pj, "utf8")) as { type?: string }).type === "module";
      } catch {
        return false;
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return false;
}
