/**
 * Timers for background delivery. Two rules from the fail-safe contract meet here:
 * they never keep the process alive (`unref` where timers have it), and they never run inside the
 * user's async context.
 */
import * as asyncHooks from "node:async_hooks";
import { runOutsideContext } from "../../context/store.js";
import { unrefTimer, nextTurn } from "../../util/runtime.js";

type Root = { runInAsyncScope<T>(fn: () => T): T };
const ROOT_KEY = Symbol.for("tracium.delivery.root.v1");

// Created on first use (Workers forbid async work at module scope), normally before any trace
// exists. A timer scheduled from export(), which runs on the user's path, would otherwise inherit
// the caller's AsyncLocalStorage context: the exporter's own fetch calls would then look like
// calls made inside the user's trace to any instrumentation watching fetch.
function root(): Root | undefined {
  const g = globalThis as Record<symbol, Root | null | undefined>;
  let r = g[ROOT_KEY];
  if (r === undefined) {
    const Resource = (asyncHooks as { AsyncResource?: new (name: string) => Root }).AsyncResource;
    try {
      r = typeof Resource === "function" ? new Resource("tracium.delivery") : null;
    } catch {
      r = null;
    }
    Object.defineProperty(g, ROOT_KEY, { value: r, enumerable: false, configurable: true });
  }
  return r ?? undefined;
}

/** Runs `fn` in the SDK's root async context, outside any trace (outside Tracium's where no AsyncResource exists). */
export function runDetached<T>(fn: () => T): T {
  const r = root();
  if (!r) return runOutsideContext(fn);
  let entered = false;
  try {
    return r.runInAsyncScope(() => {
      entered = true;
      return fn();
    });
  } catch (err) {
    if (entered) throw err;
    // The runtime refused the scope: Workers bind an AsyncResource to the request that created it.
    // From then on only Tracium's own context is left.
    Object.defineProperty(globalThis, ROOT_KEY, { value: null, enumerable: false, configurable: true });
    return runOutsideContext(fn);
  }
}

/** A `setTimeout` that neither keeps the process alive nor captures the caller's context. */
export function detachedTimeout(fn: () => void, ms: number): NodeJS.Timeout {
  return runDetached(() => unrefTimer(setTimeout(fn, ms)));
}

/**
 * A `setImmediate` that does not capture the caller's context. It is ref'd: it holds the loop
 * for one turn only, and an unref'd immediate would not run until some other event woke the loop
 * (a pending unref'd batch timer, a second later), which delays a flush by that much.
 */
export function detachedImmediate(fn: () => void): unknown {
  return runDetached(() => nextTurn(fn));
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
    const timer = unrefTimer(setTimeout(done, Math.max(0, ms)));
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
