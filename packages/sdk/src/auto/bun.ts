/**
 * The ES module side of zero code under Bun (`bun --preload @tracium/sdk/auto app.ts`). Bun has
 * no `module.register`; its runtime plugins (`Bun.plugin`) see every module as it loads. For the
 * ES module entry of each watched package, the plugin appends a self-import that hands the
 * module's namespace to the same callback the Node loader uses, once the module has evaluated
 * and before the app's code can call it. CommonJS copies go through the require hook as on Node.
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { logger } from "@tracium/core";
import { autoStatus, entryPattern, onImported, type WatchedModule } from "./hooks.js";
import { mainIsEsm } from "./esm.js";

const BUN_KEY = Symbol.for("tracium.sdk.auto.bun.v1");

interface BunOnLoadArgs {
  readonly path: string;
}
interface BunPluginBuilder {
  onLoad(options: { filter: RegExp }, callback: (args: BunOnLoadArgs) => { contents: string; loader: "js" }): void;
}
interface BunRuntime {
  plugin(plugin: { name: string; setup(build: BunPluginBuilder): void }): void;
  resolveSync(specifier: string, from: string): string;
}

/** The Bun runtime object, when running under Bun. */
export function bunRuntime(): BunRuntime | undefined {
  const bun = (globalThis as { Bun?: Partial<BunRuntime> }).Bun;
  return bun && typeof bun.plugin === "function" && typeof bun.resolveSync === "function" ? (bun as BunRuntime) : undefined;
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Which files the plugin rewrites: `.mjs` entries of every copy, and the app's own copy's `.js`
 * entry when its package is an ES module package. Never a CommonJS file: Bun would run the
 * returned source as a new module and `require()` would get a different object.
 */
export function bunEsmFilter(modules: readonly WatchedModule[], cwd: string = process.cwd()): RegExp {
  const alternatives: string[] = [];
  for (const m of modules) {
    alternatives.push(entryPattern(m, cwd).source.replace(/\\\.\(\?:mjs\|cjs\|js\)\$$/, "\\.mjs$"));
    try {
      const file = bunRuntime()?.resolveSync(m.name, cwd);
      if (file && file.endsWith(".js") && mainIsEsm(file)) alternatives.push(`^${escapeRe(file)}$`);
    } catch {
      // not installed where the app runs
    }
  }
  return new RegExp(alternatives.map((a) => `(?:${a})`).join("|"));
}

/** Registers the Bun plugin (once per process). Returns false when not under Bun or it could not. */
export function registerBunHooks(modules: readonly WatchedModule[]): boolean {
  const bun = bunRuntime();
  if (!bun || modules.length === 0) return false;
  const g = globalThis as Record<symbol, unknown>;
  if (g[BUN_KEY]) return true;
  const hook = onImported(modules);
  const loaded = (path: string, namespace: unknown): void => hook(pathToFileURL(path).href, namespace);
  Object.defineProperty(g, BUN_KEY, { value: loaded, enumerable: false, configurable: true });
  try {
    const filter = bunEsmFilter(modules);
    bun.plugin({
      name: "tracium-auto",
      setup(build) {
        build.onLoad({ filter }, ({ path }) => {
          const source = readFileSync(path, "utf8");
          const self = JSON.stringify(path);
          const appendix = `\nimport * as __tracium_self from ${self};\nglobalThis[Symbol.for("tracium.sdk.auto.bun.v1")]?.(${self}, __tracium_self);\n`;
          return { contents: source + appendix, loader: "js" };
        });
      },
    });
    autoStatus().esm = true;
    return true;
  } catch (err) {
    logger.error("zero-code: could not register the Bun plugin; ES module imports are not patched", err);
    return false;
  }
}
