/**
 * When a background exporter sends: after an interval, so records can gather into a batch, or on
 * the next turn of the event loop when a batch is already full or someone is flushing. Both are
 * detached from the caller's async context; neither keeps the process alive (the immediate holds
 * the loop for one turn).
 */
import { cancelNextTurn } from "../../util/runtime.js";
import { detachedImmediate, detachedTimeout } from "./timers.js";

export class BatchTimer {
  private timer: NodeJS.Timeout | undefined;
  private immediate: unknown;

  constructor(
    private readonly run: () => void,
    private readonly intervalMs: number,
  ) {}

  /** Runs at once when `full`, else after the interval unless a run is already pending. */
  schedule(full: boolean): void {
    if (full) this.now();
    else if (!this.timer && this.immediate === undefined) {
      this.timer = detachedTimeout(() => {
        this.timer = undefined;
        this.run();
      }, this.intervalMs);
    }
  }

  /** Runs on the next turn, replacing a pending interval. */
  now(): void {
    if (this.immediate !== undefined) return;
    this.cancelInterval();
    this.immediate = detachedImmediate(() => {
      this.immediate = undefined;
      this.run();
    });
  }

  /** Drops a pending interval (nothing left worth waiting for). */
  cancelInterval(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Drops every pending run. */
  cancel(): void {
    this.cancelInterval();
    if (this.immediate !== undefined) cancelNextTurn(this.immediate);
    this.immediate = undefined;
  }
}
