/**
 * The active async context at the lowest level: untyped trace and span, so the layers below
 * `tracing/` (delivery timers) and the span and trace classes themselves can use it without
 * importing each other. Code above `tracing/context.ts` uses its typed versions.
 */
import { state, type ContextStore } from "./state.js";

/** The active context, if any. Read synchronously: this is the parent of whatever starts now. */
export function currentStore(): ContextStore | undefined {
  return state.als.getStore();
}

/** The context that makes `trace`/`span` active (sharing the scope of the active one in the same trace). */
export function storeFor<T extends object, S extends object>(trace: T, span: S | undefined): ContextStore<T, S> {
  const parent = state.als.getStore();
  const scope = parent && parent.trace === trace ? parent.scope : new Map<string, unknown>();
  return { trace, span, scope };
}

/** Runs `fn` with `trace`/`span` as the active context. */
export function runInStore<R>(trace: object, span: object | undefined, fn: () => R): R {
  return state.als.run(storeFor(trace, span), fn);
}

/** Runs `fn` with no active trace. */
export function runOutsideContext<R>(fn: () => R): R {
  // run(undefined) rather than exit(): Workers' AsyncLocalStorage implements run/getStore only reliably.
  return state.als.run(undefined as unknown as ContextStore, fn);
}
