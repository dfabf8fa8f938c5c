/**
 * The stream tap: a provider `Stream` is tapped in place (its public `iterator` field, else its
 * `[Symbol.asyncIterator]`), so every way of reading it (`for await`, `tee()`,
 * `toReadableStream()`) goes through one tap and one span. Chunks reach the plugin's hooks; the
 * span ends on done, early `return()`, abort, error or the idle timeout, and the caller gets the
 * same object and the same chunks.
 */
import { monotonicNow } from "../../util/clock.js";
import { logger } from "../../util/logger.js";
import { nextTurn, unrefTimer } from "../../util/runtime.js";
import { safeGet } from "./reflect.js";
import { CallTap } from "./call-tap.js";
import type { AnyFunction } from "./shapes.js";
import type { StreamEndReason } from "./types.js";

interface AbortSignalLike {
  readonly aborted?: boolean;
  addEventListener?(type: string, listener: () => void, options?: unknown): void;
  removeEventListener?(type: string, listener: () => void): void;
}

export class StreamTap extends CallTap {
  private chunks = 0;
  /** `performance.now()` of the first chunk; `time_to_first_token_ms` once a token chunk arrived. */
  private firstChunkAt: number | undefined;
  private firstTokenSeen = false;
  protected isStream = false;
  /** The signal the abort listener is registered on (cleared when the span ends). */
  private signal: AbortSignalLike | undefined;
  /** The stream's controller signal, kept to tell `done` after an abort from a normal end. */
  private streamSignal: AbortSignalLike | undefined;
  private readonly onAbort = (): void => {
    // The SDK also aborts its controller when a read fails; let the error (or `done`) arrive first.
    // `nextTurn`: edge runtimes have no `setImmediate`.
    unrefTimer(nextTurn(() => this.streamEnd("abort")));
  };

  protected override timedOut(): void {
    if (this.isStream) this.streamEnd("timeout");
    else super.timedOut();
  }

  protected override release(): void {
    const signal = this.signal;
    this.signal = undefined;
    try {
      signal?.removeEventListener?.("abort", this.onAbort);
    } catch {
      // ignore
    }
  }

  /** Taps a Stream in place (its `iterator` field, else its `[Symbol.asyncIterator]`). */
  tapStream<T>(stream: T): T {
    if (!this.open) return stream;
    const s = stream as unknown as Record<PropertyKey, unknown>;
    let primaryTaken = false;
    const wrapFactory = (original: AnyFunction): AnyFunction => {
      const tap = this;
      return function tracedIterator(this: unknown, ...args: unknown[]): unknown {
        const it = Reflect.apply(original, this, args);
        const primary = !primaryTaken;
        primaryTaken = true;
        return tap.wrapIterator(it, primary);
      };
    };
    let tapped = false;
    try {
      const iterator = s.iterator;
      if (typeof iterator === "function") {
        s.iterator = wrapFactory(iterator as AnyFunction);
        tapped = s.iterator !== iterator;
      } else if (typeof s[Symbol.asyncIterator] === "function") {
        const original = s[Symbol.asyncIterator] as AnyFunction;
        Object.defineProperty(s, Symbol.asyncIterator, { value: wrapFactory(original), writable: true, configurable: true, enumerable: false });
        tapped = true;
      }
    } catch (err) {
      logger.once("warn", `provider-tap:${this.provider}:stream`, `${this.provider}: could not tap a stream; its span ends now`, err);
    }
    if (!tapped) {
      this.finish();
      return stream;
    }
    this.isStream = true;
    try {
      const signal = safeGet(safeGet(stream, "controller"), "signal") as AbortSignalLike | undefined;
      if (signal && typeof signal.addEventListener === "function") {
        this.streamSignal = signal;
        if (signal.aborted === true) {
          this.onAbort();
        } else {
          signal.addEventListener("abort", this.onAbort, { once: true });
          this.signal = signal;
        }
      }
    } catch {
      // No abort detection: done/return/error/timeout still end the span.
    }
    this.armIdle();
    return stream;
  }

  /**
   * The iterator the caller reads. Only the first one (`primary`) feeds the span; a second reader
   * (a `tee()` branch) passes through, so chunks are counted once.
   */
  private wrapIterator(it: unknown, primary: boolean): unknown {
    const next = safeGet(it, "next");
    if (typeof next !== "function") return it;
    const tap = this;
    const source = it as Record<string, unknown>;
    const pull = (args: unknown[]): Promise<unknown> => {
      let step: unknown;
      try {
        step = Reflect.apply(next as AnyFunction, source, args);
      } catch (err) {
        if (primary) tap.streamEnd("error", err);
        return Promise.reject(err);
      }
      return Promise.resolve(step).then(
        (result) => tap.onStep(result, primary, pull),
        (err: unknown) => {
          if (primary) tap.streamEnd("error", err);
          throw err;
        },
      );
    };
    const wrapped: Record<PropertyKey, unknown> = {
      next(...args: unknown[]): Promise<unknown> {
        return pull(args);
      },
      return(value?: unknown): unknown {
        if (primary) tap.streamEnd("break");
        const ret = safeGet(source, "return");
        if (typeof ret === "function") return Reflect.apply(ret as AnyFunction, source, [value]);
        return Promise.resolve({ done: true, value });
      },
      [Symbol.asyncIterator](): unknown {
        return this;
      },
    };
    const thr = safeGet(source, "throw");
    if (typeof thr === "function") {
      wrapped.throw = (err?: unknown): unknown => {
        if (primary) tap.streamEnd("error", err);
        return Reflect.apply(thr as AnyFunction, source, [err]);
      };
    }
    return wrapped;
  }

  private onStep(result: unknown, primary: boolean, pull: (args: unknown[]) => Promise<unknown>): unknown {
    if (!this.isClosed && this.span.isEnded) this.finish(); // ended elsewhere: leave the idle watch, release the listener
    if (result === null || typeof result !== "object") return result;
    let done = false;
    let chunk: unknown;
    try {
      done = (result as { done?: unknown }).done === true;
      chunk = (result as { value?: unknown }).value;
    } catch {
      return result;
    }
    if (done) {
      if (primary) this.streamEnd(this.streamSignal?.aborted === true ? "abort" : "done");
      return result;
    }
    if (primary && this.open) {
      this.chunks++;
      if (!this.firstTokenSeen) {
        const now = monotonicNow();
        this.firstChunkAt ??= now;
        // A throwing predicate counts the chunk (undefined !== false).
        if (typeof this.hooks.isTokenChunk !== "function" || this.hook("isTokenChunk", chunk) !== false) {
          this.firstTokenSeen = true;
          this.recordFirstToken(now);
        }
      }
      this.armIdle();
      this.hook("onChunk", this.span, chunk);
    }
    if (this.hook("hideChunk", chunk) === true) return pull([]);
    return result;
  }

  private recordFirstToken(at: number): void {
    this.meta({ time_to_first_token_ms: Math.round((at - this.startTime) * 1000) / 1000 });
  }

  /** A stream ended: let the plugin record what was accumulated, then end (or fail) the span. */
  streamEnd(reason: StreamEndReason, error?: unknown): void {
    if (!this.open) return;
    if (!this.firstTokenSeen && this.firstChunkAt !== undefined) this.recordFirstToken(this.firstChunkAt);
    this.meta({ stream_end_reason: reason });
    this.hook("onStreamEnd", this.span, { reason, error, chunks: this.chunks });
    if (reason === "error") this.markFailed(error);
    this.finish();
  }
}
