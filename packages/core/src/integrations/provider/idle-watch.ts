/**
 * One timer for the idle safety net of every provider call in flight, instead of a timer per call
 * refreshed at every stream chunk. A call shows a sign of life by bumping its `activity` counter
 * (one field write, no clock read); the watch ticks at a quarter of the shortest idle timeout
 * watched (at most once a minute), and a call whose counter has not moved for its whole timeout is
 * told it is idle. So a call is never ended early, and at most about 1.5× its timeout late. The
 * timer is unref'd, and is not re-armed by a tick that finds nothing watched: calls made one after
 * another cost no timer operation at all, and an idle process keeps none after the next tick.
 */
import { monotonicNow } from "../../util/clock.js";

/** What the watch needs from a call; the links make the list intrusive (no Set, no Map). */
export interface IdleWatched {
  /** Bumped by the call on each sign of life. */
  activity: number;
  readonly idleTimeoutMs: number;
  /** The idle timeout elapsed with no sign of life. The call is no longer watched. */
  onIdle(): void;
  /** @internal */ watchSeen: number;
  /** @internal */ watchQuietSince: number;
  /** @internal */ watchPrev: IdleWatched | undefined;
  /** @internal */ watchNext: IdleWatched | undefined;
  /** @internal */ watched: boolean;
}

const MAX_TICK_MS = 60_000;

function tickFor(idleTimeoutMs: number): number {
  return Math.min(MAX_TICK_MS, Math.max(1, Math.floor(idleTimeoutMs / 4)));
}

export class IdleWatch {
  private head: IdleWatched | undefined;
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private tickMs = Infinity;

  /** How many calls are watched (tests). */
  get size(): number {
    return this.count;
  }

  /** Whether the watch holds a timer now (tests: one at most, none after a tick that found nothing watched). */
  get ticking(): boolean {
    return this.timer !== undefined;
  }

  add(w: IdleWatched): void {
    if (w.watched) return;
    w.watched = true;
    w.watchSeen = w.activity;
    w.watchQuietSince = monotonicNow();
    w.watchPrev = undefined;
    w.watchNext = this.head;
    if (this.head) this.head.watchPrev = w;
    this.head = w;
    this.count++;
    const tick = tickFor(w.idleTimeoutMs);
    if (tick < this.tickMs) this.schedule(tick);
  }

  delete(w: IdleWatched): void {
    if (!w.watched) return;
    w.watched = false;
    if (w.watchPrev) w.watchPrev.watchNext = w.watchNext;
    else this.head = w.watchNext;
    if (w.watchNext) w.watchNext.watchPrev = w.watchPrev;
    w.watchPrev = undefined;
    w.watchNext = undefined;
    this.count--;
    // The timer is left to run out (no clearTimeout here): the next call would only set it again.
  }

  private schedule(tickMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.tickMs = tickMs;
    try {
      this.timer = setTimeout(() => this.tick(), tickMs);
      this.timer.unref?.();
    } catch {
      // No timer, no safety net: a trace's end still ends its spans.
      this.timer = undefined;
      this.tickMs = Infinity;
    }
  }

  private tick(): void {
    this.timer = undefined;
    this.tickMs = Infinity;
    const now = monotonicNow();
    const idle: IdleWatched[] = [];
    let next = Infinity;
    for (let w = this.head; w; w = w.watchNext) {
      if (w.activity !== w.watchSeen) {
        w.watchSeen = w.activity;
        w.watchQuietSince = now;
      } else if (now - w.watchQuietSince >= w.idleTimeoutMs) {
        idle.push(w);
        continue;
      }
      next = Math.min(next, tickFor(w.idleTimeoutMs));
    }
    for (const w of idle) {
      this.delete(w);
      try {
        w.onIdle();
      } catch {
        // A call's idle handling never throws; belt and braces.
      }
    }
    // Calls added by an onIdle scheduled their own tick; keep the shortest one.
    if (this.count > 0 && next < this.tickMs) this.schedule(next);
  }
}

/** The process-wide watch every provider call uses. */
export const idleWatch = new IdleWatch();
