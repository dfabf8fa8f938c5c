/**
 * One request of the pipelined transport from `send()` until it settles, with its deadline and
 * its abort signal. Both are armed for every request on the exporter's path, so they are kept
 * cheap: the timer calls a shared function rather than a closure, and a signal gets one listener
 * for all the requests that use it ({@link AbortWatch}) instead of one `addEventListener` each.
 */
import { noResponse, type HttpOutcome } from "../http.js";
import type { Http1Connection, PipelinedRequest } from "./connection.js";

export class OutgoingRequest implements PipelinedRequest {
  done = false;
  /** Sent again once already (pipelined-transport.ts says when). */
  resent = false;
  connection: Http1Connection<OutgoingRequest> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private watchers: Set<OutgoingRequest> | undefined;

  constructor(
    readonly head: string | Uint8Array,
    readonly body: string | Uint8Array,
    private readonly resolve: (outcome: HttpOutcome) => void,
  ) {}

  /** Fails the request after `ms` unless it settles first. */
  deadline(ms: number): void {
    this.timer = setTimeout(timeOut, ms, this);
    this.timer.unref?.();
  }

  /** Fails the request when `signal` aborts, unless it settles first. */
  abortOn(signal: AbortSignal, watch: AbortWatch): void {
    if (signal.aborted) return this.abort(new Error("request aborted"), false);
    this.watchers = watch.add(signal, this);
  }

  settle(outcome: HttpOutcome): void {
    if (this.done) return;
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.watchers?.delete(this);
    this.resolve(outcome);
  }

  fail(error: unknown, timedOut = false): void {
    this.settle(noResponse(error, timedOut));
  }

  /**
   * Gives up on the request. One already written cannot be taken back: its connection goes, and
   * with it the requests behind it (they fail, and the exporter's retry policy decides).
   */
  abort(error: Error, timedOut: boolean): void {
    if (this.done) return;
    const connection = this.connection;
    this.fail(error, timedOut);
    if (connection?.wrote(this)) connection.destroy(error);
  }
}

function timeOut(request: OutgoingRequest): void {
  request.abort(new Error("request timed out"), true);
}

/** The requests listening on each abort signal, behind one listener per signal. */
export class AbortWatch {
  private readonly bySignal = new WeakMap<AbortSignal, Set<OutgoingRequest>>();

  /** Registers `request` with `signal`; returns the set to leave when it settles. */
  add(signal: AbortSignal, request: OutgoingRequest): Set<OutgoingRequest> {
    let requests = this.bySignal.get(signal);
    if (!requests) {
      const listening = new Set<OutgoingRequest>();
      requests = listening;
      this.bySignal.set(signal, listening);
      signal.addEventListener(
        "abort",
        () => {
          const error = new Error("request aborted");
          for (const r of [...listening]) r.abort(error, false);
        },
        { once: true },
      );
    }
    requests.add(request);
    return requests;
  }
}
