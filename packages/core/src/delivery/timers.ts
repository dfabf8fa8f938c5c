/**
 * Timers for background delivery. Two rules from the fail-safe contract meet here:
 * they never keep the process alive (`unref`), and they never run inside the user's async context.
 */
import { AsyncResource } from "node:async_hooks";

// Created when the module loads, normally before any trace exists. A timer scheduled from
// export(), which runs on the user's path, would otherwise inherit the caller's
// AsyncLocalStorage context: the exporter's own fetch calls would then look like calls made
// inside the user's trace to any instrumentation watching fetch.
const ROOT = new AsyncResource("tracium.delivery");

/** Runs `fn` in the SDK's root async context, outside any trace. */
export function runDetached<T>(fn: () => T): T {
  return ROOT.runInAsyncScope(fn);
}

/** A `setTimeout` that neither keeps the process alive nor captures the caller's context. */
export function detachedTimeout(fn: () => void, ms: number): NodeJS.Timeout {
  return runDetached(() => setTimeout(fn, ms).unref());
}

/**
 * A `setImmediate` that does not capture the caller's context. It is ref'd: it holds the loop
 * for one turn only, and an unref'd immediate would not run until some other event woke the loop
 * (a pending unref'd batch timer, a second later), which delays a flush by that much.
 */
export function detachedImmediate(fn: () => void): NodeJS.Immediate {
  return runDetached(() => setImmediate(fn));
}

/**
 * Waits `ms` (unref'd); resolves early when `signal` aborts. Never rejects.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms)).unref();
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Resolves when `promise` settles or after `ms`, whichever is first: `true` when the promise
 * settled first. Never rejects.
 * This timer is not unref'd on purpose: it backs a wait that must get its bounded time (a
 * `flush()`/`shutdown()` the user awaits, often as the last thing a script does, or the exit
 * drain), while the delivery it waits for never holds the process by itself.
 */
export async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise.then(yes, yes), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function yes(): boolean {
  return true;
}
