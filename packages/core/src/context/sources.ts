/**
 * Context from a framework's own tracing: a framework that keeps its current span in its own async
 * context (the OpenAI Agents SDK) registers a source here, and what starts inside that framework's
 * spans (a provider call, `tracium.span()`, a tool body) is parented on the Tracium span that
 * mirrors the framework's current span, with no patch of the framework. With no source registered
 * this costs one array-length check.
 */
import type { ContextStore } from "./state.js";

/** What a source says about the code running now. */
export interface ExternalContext<T extends object = object, S extends object = object> {
  /** The context to use instead of Tracium's own. */
  readonly store: ContextStore<T, S>;
  /** True when the framework records the provider call running now itself (provider plugins skip their span). */
  readonly suppressProviderSpans?: boolean;
}

/**
 * Called with Tracium's own active context (if any); returns the context to use instead, or
 * undefined to keep Tracium's own. Must be cheap and must not throw (a throw is treated as undefined).
 */
export type ContextSource<T extends object = object, S extends object = object> = (own: ContextStore<T, S> | undefined) => ExternalContext<T, S> | undefined;

const KEY = Symbol.for("tracium.contextSources.v1");

/** Shared by the ESM and the CJS build, like the rest of the global state. */
const sources: ContextSource[] = ((): ContextSource[] => {
  const g = globalThis as Record<symbol, ContextSource[] | undefined>;
  const existing = g[KEY];
  if (Array.isArray(existing)) return existing;
  const created: ContextSource[] = [];
  Object.defineProperty(g, KEY, { value: created, enumerable: false, configurable: true });
  return created;
})();

/** Registers a context source (once per function). Returns a function that removes it. */
export function registerContextSource(source: ContextSource): () => void {
  if (typeof source === "function" && !sources.includes(source)) sources.push(source);
  return () => {
    const i = sources.indexOf(source);
    if (i >= 0) sources.splice(i, 1);
  };
}

/** Whether the trace (a `Trace`: this layer does not know the class) has ended. */
function isEnded(trace: object): boolean {
  return (trace as { isEnded?: unknown }).isEnded === true;
}

/** The first external context a source gives for the code running now, if any. */
export function externalContext(own: ContextStore | undefined): ExternalContext | undefined {
  if (sources.length === 0) return undefined;
  for (const source of sources) {
    try {
      const found = source(own);
      if (found && found.store && !isEnded(found.store.trace)) return found;
    } catch {
      // a source that throws says nothing
    }
  }
  return undefined;
}
