/** The active async context with its types: the trace and the innermost span (see `context/store.ts`). */
import { currentStore, runInStore, storeFor, runOutsideContext } from "../context/store.js";
import type { ContextStore as Store } from "../context/state.js";
import { externalContext, registerContextSource as registerSource, type ContextSource as Source, type ExternalContext as External } from "../context/sources.js";
import type { Span } from "./span.js";
import type { Trace } from "./trace.js";

/**
 * What the active async context holds: the trace and the innermost span. `scope` is a mutable bag
 * shared by everything running under this context (integrations use it for call-scoped flags).
 */
export type ContextStore = Store<Trace, Span>;

/** The active context, if any. Read synchronously: this is the parent of whatever starts now. */
export function activeContext(): ContextStore | undefined {
  // Only Trace and Span instances are ever stored (trace.ts, span.ts and this module write it).
  const own = currentStore() as ContextStore | undefined;
  return (externalContext(own)?.store as ContextStore | undefined) ?? own;
}

/** A framework's own current span as Tracium's context (see `context/sources.ts`). */
export type ContextSource = Source<Trace, Span>;
/** What a {@link ContextSource} answers. */
export type ExternalContext = External<Trace, Span>;

/**
 * Registers a context source: while it answers, its context is the active one (new spans nest
 * under its span) and it may say that provider plugins skip the call running now. Returns the
 * function that removes it.
 */
export function registerContextSource(source: ContextSource): () => void {
  return registerSource(source as unknown as Source);
}

/** The context that makes `trace`/`span` active (sharing the scope of the active one in the same trace). */
export function spanContext(trace: Trace, span: Span | undefined): ContextStore {
  return storeFor(trace, span);
}

/** Runs `fn` with `trace`/`span` as the active context. */
export function runInSpanContext<R>(trace: Trace, span: Span | undefined, fn: () => R): R {
  return runInStore(trace, span, fn);
}

export { runOutsideContext };
