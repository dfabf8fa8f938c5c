/** What the zero-code hooks saw and did, shared by every build loaded in the process. */

/** What the zero-code hooks saw and did: `tracium.zeroCodeStatus()`. */
export interface AutoStatus {
  started: boolean;
  esm: boolean;
  /**
   * Where the ES module hooks run: `in-thread` (synchronous hooks, Node >= 22.22.3 / 24.11.1) or
   * `loader-thread` (Node's loader-hooks thread); undefined when none is registered.
   */
  esmHooks?: "in-thread" | "loader-thread";
  cjs: boolean;
  /** Watched module names. */
  modules: string[];
  /** One entry per module copy patched: plugin, module, its version, where it was found and how. */
  patched: Array<{ plugin: string; module: string; version?: string; where: string; via: "import" | "require" | "late" }>;
  /** Module copies left unpatched because their shape did not match (a new major), and why. */
  skipped: Array<{ plugin: string; module: string; version?: string; where: string; via: "import" | "require" | "late"; reason: string }>;
  /** Modules that were already loaded when Tracium started. */
  loadedBefore: string[];
}

const STATUS_KEY = Symbol.for("tracium.sdk.auto.v1");

/** The process-wide status, shared by the ESM and CJS builds. */
export function autoStatus(): AutoStatus {
  const g = globalThis as Record<symbol, AutoStatus | undefined>;
  let s = g[STATUS_KEY];
  if (!s) {
    s = { started: false, esm: false, cjs: false, modules: [], patched: [], skipped: [], loadedBefore: [] };
    Object.defineProperty(g, STATUS_KEY, { value: s, enumerable: false, configurable: true });
  }
  return s;
}
