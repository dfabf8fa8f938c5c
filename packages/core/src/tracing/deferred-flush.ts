/**
 * Marks the calls whose traces a platform hook flushes after the response (`withTraceFlush`), so
 * the serverless per-trace flush (`forceSync`, the default on Workers and edge runtimes) does not
 * also hold the response for it. Elsewhere, a trace that ends is still flushed before its
 * `agentTrace` resolves: without the hook that is the only delivery a frozen isolate gets.
 */
import { createStorage, type ContextStorage } from "../util/runtime.js";

// Created on first use: nothing at module scope.
let storage: ContextStorage<boolean> | undefined;

/** Runs `fn` with the trace flush left to the platform's `waitUntil`. */
export function runWithDeferredFlush<R>(fn: () => R): R {
  storage ??= createStorage<boolean>();
  return storage.run(true, fn);
}

/** Whether the current call runs under {@link runWithDeferredFlush}. */
export function flushDeferred(): boolean {
  return storage?.getStore() === true;
}
