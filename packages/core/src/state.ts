import type { AsyncLocalStorage } from "node:async_hooks";
import type { ContextStore } from "./context.js";
import type { TraciumClient } from "./client.js";
import type { TraciumPlugin } from "./plugins.js";
import { createStorage } from "./runtime.js";

/**
 * Process-wide state. It hangs off `globalThis` under a registered symbol so that the ESM and the
 * CJS build of this package (both may be loaded: an ESM app, a CJS plugin) share one context,
 * one client and one plugin registry.
 */
export interface GlobalState {
  readonly als: AsyncLocalStorage<ContextStore>;
  client: TraciumClient | undefined;
  readonly plugins: Map<string, TraciumPlugin>;
  /** Set inside calls an integration already traces (a LangChain model run), so provider plugins skip theirs. */
  readonly suppress: AsyncLocalStorage<boolean>;
}

const KEY = Symbol.for("tracium.state.v1");

export const state: GlobalState = ((): GlobalState => {
  const g = globalThis as Record<symbol, GlobalState | undefined>;
  const existing = g[KEY];
  if (existing) return existing;
  const created: GlobalState = {
    // Typed as Node's class for the Node-only helpers (diagnostics_channel binding); on the hot
    // path only `run`/`getStore` are used, the subset Workers and edge runtimes implement.
    als: createStorage<ContextStore>() as AsyncLocalStorage<ContextStore>,
    client: undefined,
    plugins: new Map(),
    suppress: createStorage<boolean>() as AsyncLocalStorage<boolean>,
  };
  Object.defineProperty(g, KEY, { value: created, enumerable: false, configurable: true });
  return created;
})();
