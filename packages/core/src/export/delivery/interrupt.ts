/**
 * An abort signal that can fire many times: each {@link Interrupt.fire} aborts what listens now
 * (requests in flight, retry waits) and arms a fresh signal for what comes later. The exit drain
 * fires it at its deadline and the exporter keeps working for records that arrive afterwards.
 */
import { setMaxListeners } from "node:events";

export class Interrupt {
  /** Made on first use: `AbortController` is one of Node's lazily loaded internals (~1 ms of init). */
  private controller: AbortController | undefined;

  /** @param maxListeners how many waits may listen at once (Node's leak warning threshold). */
  constructor(private readonly maxListeners: number) {}

  /** The signal of the current round; aborted by the next {@link fire}. */
  get signal(): AbortSignal {
    this.controller ??= this.arm();
    return this.controller.signal;
  }

  /** Aborts everything listening now. */
  fire(): void {
    const fired = this.controller;
    // Nothing took the signal of this round: nothing listens, and the next round arms on demand.
    this.controller = undefined;
    fired?.abort();
  }

  private arm(): AbortController {
    const controller = new AbortController();
    setMaxListeners(this.maxListeners, controller.signal);
    return controller;
  }
}
