/**
 * A span over a generator's iteration. A callback that returns a generator (a `function*` or an
 * `async function*` given to `span()` or `traceSpan()`) does its work as it is iterated, not when
 * it returns, so its span is given a generator of the same kind that drives the original step by
 * step: each step runs in the span's context (spans the body opens nest beneath it), the values,
 * `next(value)` arguments, `throw()` and `return()` pass through unchanged, and the span ends when
 * the iteration does: completed when the body returns, failed (the same error thrown on) when it
 * throws, and completed with `stream_end_reason: "break"` when the consumer stops early.
 */
import { types } from "node:util";
import { dataField } from "../util/plain-data.js";
import type { Span } from "./span.js";

/** Generators made here: a span that already iterates one does not wrap it again. */
const spanGenerators = new WeakSet<object>();

/** At most this many yielded values are kept for the span's output. */
const MAX_KEPT = 1000;

type AnyGenerator = Generator<unknown, unknown, unknown>;
type AnyAsyncGenerator = AsyncGenerator<unknown, unknown, unknown>;

/** "sync" or "async" for a native generator object (found without running its code), else undefined. */
export function generatorKind(value: unknown): "sync" | "async" | undefined {
  if (value === null || typeof value !== "object" || !types.isGeneratorObject(value)) return undefined;
  return typeof dataField(value, Symbol.asyncIterator as unknown as string) === "function" ? "async" : "sync";
}

/** Whether `value` is a generator made by {@link spanOverGenerator} (it ends its span itself). */
export function isSpanGenerator(value: unknown): boolean {
  return value !== null && typeof value === "object" && spanGenerators.has(value);
}

/**
 * The generator the caller gets instead of `gen`: it iterates `gen` in `span`'s context and ends
 * the span when the iteration ends. `onValues`, if given, gets the yielded values (up to 1,000)
 * first, when the body completes or fails.
 */
export function spanOverGenerator(gen: object, kind: "sync" | "async", span: Span, onValues?: (yielded: unknown[]) => void): object {
  const it = new Iteration(span, onValues);
  const wrapper = kind === "async" ? traceAsyncGenerator(gen as AnyAsyncGenerator, it) : traceSyncGenerator(gen as AnyGenerator, it);
  spanGenerators.add(wrapper);
  return wrapper;
}

/** What both kinds of wrapper share: the step to take next, the values yielded, and the span's end. */
class Iteration {
  /** The next call on the original: `next(input)`, or `throw(input)` for what the consumer threw in. */
  mode: "next" | "throw" = "next";
  input: unknown;
  finished = false;
  private readonly yielded: unknown[] = [];
  private count = 0;

  constructor(
    readonly span: Span,
    private readonly onValues: ((yielded: unknown[]) => void) | undefined,
  ) {}

  /** The original's next step, in the span's context. */
  step<T>(gen: { next(v: unknown): T; throw(e: unknown): T }): T {
    return this.span.run(() => (this.mode === "next" ? gen.next(this.input) : gen.throw(this.input)));
  }

  /** A value on its way to the consumer. */
  yield(value: unknown): void {
    this.count++;
    if (this.yielded.length < MAX_KEPT) this.yielded.push(value);
  }

  /** What the consumer sent back at the yield: a value, or (`threw`) an error to throw in. */
  resume(value: unknown, threw: boolean): void {
    this.input = value;
    this.mode = threw ? "throw" : "next";
  }

  /** The iteration ended: the body returned or threw, or (`stopped`) the consumer stopped early. */
  end(failed: boolean, error: unknown, stopped = false): void {
    this.finished = true;
    try {
      if (this.onValues && !stopped) this.onValues(this.yielded);
      this.span.setMetadata(stopped ? { yielded: this.count, stream_end_reason: "break" } : { yielded: this.count });
      if (failed) this.span.markFailed(error);
      this.span.end();
    } catch {
      // span methods guard themselves; the caller's own values and errors are what pass on
    }
  }
}

/** A generator that iterates `gen` inside the span's context and ends the span with the iteration. */
function traceSyncGenerator(gen: AnyGenerator, it: Iteration): AnyGenerator {
  return (function* tracedGenerator(): AnyGenerator {
    try {
      for (;;) {
        let step: IteratorResult<unknown, unknown>;
        try {
          step = it.step(gen);
        } catch (err) {
          it.end(true, err);
          throw err;
        }
        if (step.done) {
          it.end(false, undefined);
          return step.value;
        }
        it.yield(step.value);
        try {
          it.resume(yield step.value, false);
        } catch (err) {
          it.resume(err, true);
        }
      }
    } finally {
      // The consumer returned early (break, return()): the original's own cleanup runs too.
      if (!it.finished) {
        try {
          it.span.run(() => gen.return(undefined));
        } finally {
          it.end(false, undefined, true);
        }
      }
    }
  })();
}

/** {@link traceSyncGenerator} for an async generator. */
function traceAsyncGenerator(gen: AnyAsyncGenerator, it: Iteration): AnyAsyncGenerator {
  return (async function* tracedAsyncGenerator(): AnyAsyncGenerator {
    try {
      for (;;) {
        let step: IteratorResult<unknown, unknown>;
        try {
          step = await it.step(gen);
        } catch (err) {
          it.end(true, err);
          throw err;
        }
        if (step.done) {
          it.end(false, undefined);
          return step.value;
        }
        it.yield(step.value);
        try {
          it.resume(yield step.value, false);
        } catch (err) {
          it.resume(err, true);
        }
      }
    } finally {
      if (!it.finished) {
        try {
          await it.span.run(() => gen.return(undefined));
        } finally {
          it.end(false, undefined, true);
        }
      }
    }
  })();
}
