/** The active async context with its types: the trace and the innermost span (see `context/store.ts`). */
import { currentStore, runInStore, storeFor, runOutsideContext } from "../context/store.js";
import type { ContextStore as Store } from "../context/state.js";
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
  return currentStore() as ContextStore | undefined;
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
