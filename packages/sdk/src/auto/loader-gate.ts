/**
 * The loader zero code registers where ES module hooks run on Node's loader-hooks thread
 * (`module.register`, Node 20 and older 22/24). It passes every module through untouched until the
 * app resolves one that the plugins watch, and only then loads import-in-the-middle's loader and
 * hands it every call from there on. That loader (with the parsers it brings) costs ~10–15 ms of
 * start-up on Node 20, paid by every process before; an app that never imports a watched module
 * now never loads it, and one that does pays it at that import.
 *
 * Nothing is wrapped before the gate opens, and what opens it is import-in-the-middle's own test
 * for the `include` list (the specifier or the resolved URL equals a name, or a pattern matches
 * the URL), so what is wrapped is exactly what import-in-the-middle alone would wrap. Runs on the
 * hooks thread, so it imports nothing until then: not even `@tracium/core`.
 */
import type { InitializeHook, LoadHook, ResolveHook } from "node:module";

/** What `registerEsmHooks` hands the loader: import-in-the-middle's options, and whether to log. */
export interface GateData {
  include: Array<string | RegExp>;
  /** The file URL of import-in-the-middle's loader (`hook.mjs`), resolved on the app's thread. */
  loader: string;
  /** False when the app's log level is `silent`. */
  logErrors?: boolean;
}

interface LoaderHooks {
  initialize?: InitializeHook;
  resolve: ResolveHook;
  load: LoadHook;
}

let data: GateData = { include: [], loader: "" };
let opening: Promise<LoaderHooks | undefined> | undefined;
let hooks: LoaderHooks | undefined;

export const initialize: InitializeHook<GateData> = (given) => {
  if (given && Array.isArray(given.include) && typeof given.loader === "string") data = given;
};

/** import-in-the-middle's default matcher, for the bare names and patterns zero code passes. */
function watched(url: string, specifier: string): boolean {
  for (const each of data.include) {
    if (typeof each === "string" ? each === specifier || each === url : each.test(url)) return true;
  }
  return false;
}

function open(): Promise<LoaderHooks | undefined> {
  opening ??= (import(data.loader) as Promise<LoaderHooks>).then(
    async (loaded: LoaderHooks) => {
      await loaded.initialize?.({ include: data.include });
      hooks = loaded;
      return loaded;
    },
    (err: unknown) => {
      // The app's import goes on unpatched rather than failing.
      if (data.logErrors !== false) {
        const why = err instanceof Error ? err.message : String(err);
        process.stderr.write(`[tracium] error: zero-code: could not load the ES module hook; ES module imports are not patched: ${why}\n`);
      }
      return undefined;
    },
  );
  return opening;
}

export const resolve: ResolveHook = async (specifier, context, next) => {
  if (hooks) return hooks.resolve(specifier, context, next);
  const result = await next(specifier, context);
  if (!watched(result.url, specifier)) return result;
  const opened = await open();
  // Resolved again through import-in-the-middle, which keeps `next` for its own later lookups.
  return opened ? opened.resolve(specifier, context, next) : result;
};

export const load: LoadHook = (url, context, next) => (hooks ? hooks.load(url, context, next) : next(url, context));
