/**
 * Loading a built-in plugin package synchronously, the first time something needs it, so that
 * importing `@tracium/sdk` costs the heap and start-up of `@tracium/core` alone and a process pays
 * only for the plugins of the SDKs it uses (`instrument(OpenAI)` loads `@tracium/openai` and
 * nothing else).
 *
 * `instrument()` is synchronous, so the load must be too. The CommonJS build `require()`s the
 * package. The ES module build loads the package's ES module file with `require(esm)` (Node ≥ 20.19
 * / ≥ 22.12, Bun, Deno), which gives the very instance `import` gives: one copy of each plugin and
 * of `@tracium/core`. Without `require(esm)` it falls back to the package's CommonJS build, which
 * shares the process-wide state (client, context, registry) with the ES module build of core.
 *
 * Bundlers never run this: the `module` export condition gives them the eager entry (`eager.ts`),
 * which imports every plugin statically so a bundle holds them all.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { logger } from "@tracium/core";
import { currentNodeFeatures } from "../cli/node-support.js";

declare const __TRACIUM_FORMAT__: string | undefined;

/** The module format of this build of `@tracium/sdk` (set by the build; source runs as ESM). */
const OWN_FORMAT: "esm" | "cjs" = typeof __TRACIUM_FORMAT__ === "string" && __TRACIUM_FORMAT__ === "cjs" ? "cjs" : "esm";

/** A package loaded the first time it is needed; `load()` is undefined when it cannot be loaded. */
export interface LazyPackage<M> {
  /** The package specifier, e.g. `@tracium/openai`. */
  readonly specifier: string;
  /** The package's exports, loaded on the first call; undefined (and one error line) when it cannot be. */
  load(): M | undefined;
  /** Whether the package has been loaded; never loads it. */
  readonly loaded: boolean;
}

let req: NodeRequire | undefined;
/** `require` as this build of `@tracium/sdk` has it (from its own directory). */
export function localRequire(): NodeRequire {
  req ??= OWN_FORMAT === "cjs" ? require : createRequire(import.meta.url);
  return req;
}

/** The ES module file of `specifier`, as `import` would resolve it from here; undefined when unknown. */
function esmFile(specifier: string): string | undefined {
  const resolve = (import.meta as { resolve?: (s: string) => string }).resolve;
  if (typeof resolve !== "function") return undefined;
  try {
    const url = resolve(specifier);
    return url.startsWith("file:") ? fileURLToPath(url) : undefined;
  } catch {
    return undefined;
  }
}

function loadNow(specifier: string): unknown {
  const r = localRequire();
  if (OWN_FORMAT === "esm" && currentNodeFeatures().requireModule) {
    const file = esmFile(specifier);
    if (file) return r(file);
  }
  return r(specifier);
}

/** A package of this SDK, loaded synchronously on first use (see the module comment). */
export function lazyPackage<M>(specifier: string): LazyPackage<M> {
  let state: "new" | "loaded" | "failed" = "new";
  let exports: M | undefined;
  return {
    specifier,
    get loaded(): boolean {
      return state === "loaded";
    },
    load(): M | undefined {
      if (state === "new") {
        try {
          exports = loadNow(specifier) as M;
          state = "loaded";
        } catch (err) {
          state = "failed";
          logger.error(`could not load ${specifier} (a dependency of @tracium/sdk): what it traces is not traced; reinstall @tracium/sdk`, err);
        }
      }
      return exports;
    },
  };
}
