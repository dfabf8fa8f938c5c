/**
 * A counting semaphore for concurrent requests. Waiters (requests coming back from a retry wait)
 * get a freed slot before new work, so a retried trace is not starved by fresh ones.
 */
export class Slots {
  private waiters: Array<() => void> = [];
  private open = true;

  constructor(private free: number) {}

  /** Takes a slot if one is free, without waiting. */
  tryAcquire(): boolean {
    if (this.free <= 0) return false;
    this.free--;
    return true;
  }

  /** Waits for a slot. After {@link close} it resolves at once (the holder then just exits). */
  acquire(): Promise<void> {
    if (!this.open || this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Gives a slot back: to the oldest waiter if any, else to the pool.
   * @returns whether the slot went back to the pool (new work may start).
   */
  release(): boolean {
    const next = this.waiters.shift();
    if (next) {
      next();
      return false;
    }
    this.free++;
    return true;
  }

  /** Wakes every waiter; later acquires resolve at once. */
  close(): void {
    this.open = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
