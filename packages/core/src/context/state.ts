import type { AsyncLocalStorage } from "node:async_hooks";
import { createStorage } from "../util/runtime.js";

/**
 * What the active async context holds: a trace, its innermost span, and `scope`, a mutable bag
 * shared by everything running under this context (integrations use it for call-scoped flags).
 * The trace and span are opaque at this layer; `tracing/context.ts` gives them their types.
 */
export interface ContextStore<T extends object = object, S extends object = object> {
  readonly trace: T;
  readonly span: S | undefined;
  readonly scope: Map<string, unknown>;
}

/**
 * Process-wide state. It hangs off `globalThis` under a registered symbol so that the ESM and the
 * CJS build of this package (both may be loaded: an ESM app, a CJS plugin) share one context,
 * one client and one plugin registry. The slots are opaque here: the module that owns each one
 * (`tracing/api.ts` the client, `integrations/plugins.ts` the plugins) reads it with its type.
 */
export interface GlobalState {
  readonly als: AsyncLocalStorage<ContextStore>;
  /** The global client, a `TraciumClient` (see `tracing/api.ts`). */
  client: object | undefined;
  /** Registered plugins by name, each a `TraciumPlugin` (see `integrations/plugins.ts`). */
  readonly plugins: Map<string, object>;
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
