/**
 * An abort signal that can fire many times: each {@link Interrupt.fire} aborts what listens now
 * (requests in flight, retry waits) and arms a fresh signal for what comes later. The exit drain
 * fires it at its deadline and the exporter keeps working for records that arrive afterwards.
 */
import { setMaxListeners } from "node:events";

export class Interrupt {
  private controller: AbortController;

  /** @param maxListeners how many waits may listen at once (Node's leak warning threshold). */
  constructor(private readonly maxListeners: number) {
    this.controller = this.arm();
  }

  /** The signal of the current round; aborted by the next {@link fire}. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts everything listening now. */
  fire(): void {
    const fired = this.controller;
    this.controller = this.arm();
    fired.abort();
  }

  private arm(): AbortController {
    const controller = new AbortController();
    setMaxListeners(this.maxListeners, controller.signal);
    return controller;
  }
}
