import type { Span } from "./span.js";
import type { Trace } from "./trace.js";
import { state } from "./state.js";

/**
 * What the active async context holds: the trace and the innermost span. `scope` is a mutable bag
 * shared by everything running under this context (integrations use it for call-scoped flags).
 */
export interface ContextStore {
  readonly trace: Trace;
  readonly span: Span | undefined;
  readonly scope: Map<string, unknown>;
}

/** The active context, if any. Read synchronously: this is the parent of whatever starts now. */
export function activeContext(): ContextStore | undefined {
  return state.als.getStore();
}

/** The context that makes `trace`/`span` active (sharing the scope of the active one in the same trace). */
export function spanContext(trace: Trace, span: Span | undefined): ContextStore {
  const parent = state.als.getStore();
  const scope = parent && parent.trace === trace ? parent.scope : new Map<string, unknown>();
  return { trace, span, scope };
}

/** Runs `fn` with `trace`/`span` as the active context. */
export function runInSpanContext<R>(trace: Trace, span: Span | undefined, fn: () => R): R {
  return state.als.run(spanContext(trace, span), fn);
}

/** Runs `fn` with no active trace. */
export function runOutsideContext<R>(fn: () => R): R {
  // run(undefined) rather than exit(): Workers' AsyncLocalStorage implements run/getStore only reliably.
  return state.als.run(undefined as unknown as ContextStore, fn);
}
