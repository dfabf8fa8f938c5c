/**
 * A circuit breaker for the serverless flush (`forceSync`): once a delivery attempt has failed,
 * a flush on the caller's path stops waiting (it costs ~0 ms) until a request succeeds again. The
 * background delivery keeps trying and is the probe; after a cool-down one flush waits again
 * (bounded by its budget), for platforms that freeze the process between invocations so that
 * background requests rarely get to finish.
 */

/** Default time a failing endpoint is left alone by the caller's path. */
export const DEFAULT_COOL_DOWN_MS = 30_000;

export class CircuitBreaker {
  private failing = false;
  private openedAt = 0;
  private listeners = new Set<() => void>();

  constructor(
    private readonly coolDownMs: number = DEFAULT_COOL_DOWN_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the last attempt failed (and no request has succeeded since). */
  get isOpen(): boolean {
    return this.failing;
  }

  /**
   * Whether a flush on the caller's path should wait for delivery now: yes while healthy, and
   * once per cool-down while failing (that flush is the later attempt).
   */
  allowWait(): boolean {
    if (!this.failing) return true;
    const now = this.now();
    if (now - this.openedAt < this.coolDownMs) return false;
    this.openedAt = now;
    return true;
  }

  /** A request got an answer the endpoint means (2xx). */
  success(): void {
    this.failing = false;
  }

  /** A request failed in a way that says the endpoint is down, overloaded or too slow. */
  failure(): void {
    if (!this.failing) {
      this.failing = true;
      this.openedAt = this.now();
    }
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const l of listeners) l();
  }

  /** Resolves at the next {@link failure}; `cancel` forgets the waiter. */
  nextFailure(): { promise: Promise<void>; cancel: () => void } {
    let listener: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => {
      listener = resolve;
      this.listeners.add(listener);
    });
    return { promise, cancel: () => this.listeners.delete(listener) };
  }
}
