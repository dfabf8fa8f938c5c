/**
 * Finding `@langchain/core`'s modules without importing them statically (so that importing this
 * package never fails when `@langchain/core` is absent, e.g. through `@tracium/sdk`).
 *
 * `@langchain/core` is a dual package: its CJS and ESM builds are separate module instances with
 * separate classes (`CallbackManager`, `BaseChatModel`, …), and patching one leaves the other
 * untouched. Which build an app uses follows how it loads LangChain, and that is how it loaded this
 * package: our ESM build patches the ESM build of `@langchain/core` (loaded synchronously with
 * `require(esm)`, which returns the very instance `import` gives; Node ≥ 20.19 / 22.12, else with an
 * asynchronous `import()`), our CJS build patches the CJS build. The other build is patched too when
 * it is already loaded (a CJS copy in `require.cache`). Nothing else is loaded.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { logger } from "@tracium/core";

declare const __TRACIUM_FORMAT__: string | undefined;

/** The module format of this build of `@tracium/langchain`. */
export const OWN_FORMAT: "esm" | "cjs" =
  typeof __TRACIUM_FORMAT__ === "string" && __TRACIUM_FORMAT__ === "cjs" ? "cjs" : "esm";

/** Subpaths of `@langchain/core` this integration uses. */
export const SUBPATHS = {
  base: "callbacks/base",
  manager: "callbacks/manager",
  chatModels: "language_models/chat_models",
  llms: "language_models/llms",
  tools: "tools",
  singletons: "singletons",
} as const;

const PACKAGE = "@langchain/core";

let req: NodeRequire | undefined;
function localRequire(): NodeRequire {
  req ??= createRequire(import.meta.url);
  return req;
}

/** Whether `require()` can load an ES module synchronously (Node ≥ 20.19 / ≥ 22.12). */
export function canRequireEsm(): boolean {
  return (process.features as { require_module?: boolean }).require_module === true;
}

/** The CJS build of `@langchain/core/<subpath>`; with `onlyIfLoaded`, only when something already required it. */
export function loadCjs(subpath: string, onlyIfLoaded = false): Record<string, unknown> | undefined {
  try {
    const r = localRequire();
    const spec = `${PACKAGE}/${subpath}`;
    if (onlyIfLoaded && !r.cache[r.resolve(spec)]) return undefined;
    return r(spec) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function pickImport(entry: unknown): string | undefined {
  if (typeof entry === "string") return entry;
  if (!entry || typeof entry !== "object") return undefined;
  const e = entry as Record<string, unknown>;
  const target = e.import ?? e.node ?? e.default;
  if (typeof target === "string") return target;
  if (target && typeof target === "object") {
    const t = target as Record<string, unknown>;
    const v = t.default ?? t.node;
    return typeof v === "string" ? v : undefined;
  }
  return undefined;
}

const esmPaths = new Map<string, string | undefined>();

/** Absolute path of the ESM file of `@langchain/core/<subpath>`, from the package's `exports`. */
export function esmPath(subpath: string): string | undefined {
  if (esmPaths.has(subpath)) return esmPaths.get(subpath);
  let out: string | undefined;
  try {
    const r = localRequire();
    const cjsFile = r.resolve(`${PACKAGE}/${subpath}`);
    let dir = dirname(cjsFile);
    for (let i = 0; i < 8 && out === undefined; i++) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; exports?: Record<string, unknown> };
        if (pkg.name === PACKAGE) {
          const rel = pickImport(pkg.exports?.[`./${subpath}`]);
          out = rel ? join(dir, rel) : cjsFile.replace(/\.cjs$/, ".js");
          break;
        }
      } catch {
        // no package.json here: keep walking up
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  } catch {
    out = undefined;
  }
  esmPaths.set(subpath, out);
  return out;
}

/** The ESM build of `@langchain/core/<subpath>`, loaded synchronously; undefined when not possible. */
export function loadEsmSync(subpath: string): Record<string, unknown> | undefined {
  if (!canRequireEsm()) return undefined;
  const file = esmPath(subpath);
  if (!file) return undefined;
  try {
    return localRequire()(file) as Record<string, unknown>;
  } catch (err) {
    logger.once("debug", `lc-esm-require:${subpath}`, `could not load the ESM build of ${PACKAGE}/${subpath} synchronously`, err);
    return undefined;
  }
}

/** The ESM build of `@langchain/core/<subpath>`, loaded with `import()`. */
export async function loadEsmAsync(subpath: string): Promise<Record<string, unknown> | undefined> {
  const file = esmPath(subpath);
  if (!file) return undefined;
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Calls `fn` with every build of `@langchain/core/<subpath>` this process uses (see the module
 * comment). Returns a promise when a build could only be loaded asynchronously, else undefined.
 */
export function forEachBuild(subpath: string, fn: (mod: Record<string, unknown>) => void): Promise<void> | undefined {
  const run = (mod: Record<string, unknown> | undefined): void => {
    if (!mod) return;
    try {
      fn(mod);
    } catch (err) {
      logger.once("error", `lc-patch:${subpath}`, `patching ${PACKAGE}/${subpath} failed; it is left as it was`, err);
    }
  };
  if (OWN_FORMAT === "cjs") {
    run(loadCjs(subpath));
    return undefined;
  }
  run(loadCjs(subpath, true));
  if (!esmPath(subpath)) return undefined;
  const esm = loadEsmSync(subpath);
  if (esm) {
    run(esm);
    return undefined;
  }
  return loadEsmAsync(subpath).then(run);
}
