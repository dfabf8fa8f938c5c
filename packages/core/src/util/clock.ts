/**
 * Span times from one clock read: the monotonic clock (`performance.now()`, for latencies) with
 * the wall-clock offset re-read at most once a second, instead of reading both clocks for every
 * span (each read is a system call's worth of time on some machines: bench/).
 */
import { performance } from "node:perf_hooks";

/** How long a wall-clock offset is used before it is read again (ms of monotonic time). */
const RESYNC_MS = 1000;

let offset = 0;
let syncedAt = -Infinity;

/** Monotonic milliseconds (`performance.now()`). */
export function monotonicNow(): number {
  return performance.now();
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
  return epochAt(performance.now());
}
