/**
 * Span times from one clock read: the monotonic clock (`performance.now()`, for latencies) with
 * the wall-clock offset re-read at most once a second, instead of reading both clocks for every
 * span (each read is a system call's worth of time on some machines: bench/). `node:perf_hooks`
 * is taken at the first read, not at import: ~70 KB of the idle heap of an app that does not
 * use `performance` itself.
 */
import { builtinNow } from "./builtin.js";

/** How long a wall-clock offset is used before it is read again (ms of monotonic time). */
const RESYNC_MS = 1000;

let clock: { now(): number } | undefined;
let offset = 0;
let syncedAt = -Infinity;

/** Monotonic milliseconds (`performance.now()`). */
export function monotonicNow(): number {
  // node:perf_hooks rather than the global first: a test's fake timers may replace the global.
  clock ??= builtinNow<{ performance: { now(): number } }>("node:perf_hooks")?.performance ?? globalThis.performance;
  return clock.now();
}

/** Epoch milliseconds (whole) of a monotonic reading taken just now. */
export function epochAt(monotonic: number): number {
  if (monotonic - syncedAt > RESYNC_MS || monotonic < syncedAt) {
    offset = Date.now() - monotonic;
    syncedAt = monotonic;
  }
  return Math.round(monotonic + offset);
}

/** Epoch milliseconds (whole), now. */
export function epochNow(): number {
  return epochAt(monotonicNow());
}
