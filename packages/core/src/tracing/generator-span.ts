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

/** How the iteration ended: the values it yielded (up to {@link MAX_KEPT}) and how many. */
type GeneratorEnd = (outcome: { error?: unknown; failed: boolean; stopped: boolean; yielded: unknown[]; count: number }) => void;

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
  const onEnd: GeneratorEnd = ({ error, failed, stopped, yielded, count }) => {
    try {
      if (onValues && !stopped) onValues(yielded);
      span.setMetadata(stopped ? { yielded: count, stream_end_reason: "break" } : { yielded: count });
      if (failed) span.markFailed(error);
      span.end();
    } catch {
      // span methods guard themselves; the caller's own values and errors are what pass on
    }
  };
  const wrapper = kind === "async" ? traceAsyncGenerator(gen as AnyAsyncGenerator, span, onEnd) : traceSyncGenerator(gen as AnyGenerator, span, onEnd);
  spanGenerators.add(wrapper);
  return wrapper;
}

/** A generator that iterates `gen` inside `span`'s context and reports the end to `onEnd`. */
function traceSyncGenerator(gen: AnyGenerator, span: Span, onEnd: GeneratorEnd): AnyGenerator {
  return (function* tracedGenerator(): AnyGenerator {
    const yielded: unknown[] = [];
    let count = 0;
    let finished = false;
    let mode: "next" | "throw" = "next";
    let input: unknown;
    try {
      for (;;) {
        let step: IteratorResult<unknown, unknown>;
        try {
          step = span.run(() => (mode === "next" ? gen.next(input) : gen.throw(input)));
        } catch (err) {
          finished = true;
          onEnd({ error: err, failed: true, stopped: false, yielded, count });
          throw err;
        }
        if (step.done) {
          finished = true;
          onEnd({ failed: false, stopped: false, yielded, count });
          return step.value;
        }
        count++;
        if (yielded.length < MAX_KEPT) yielded.push(step.value);
        try {
          input = yield step.value;
          mode = "next";
        } catch (err) {
          input = err;
          mode = "throw";
        }
      }
    } finally {
      // The consumer returned early (break, return()): the original's own cleanup runs too.
      if (!finished) {
        try {
          span.run(() => gen.return(undefined));
        } finally {
          onEnd({ failed: false, stopped: true, yielded, count });
        }
      }
    }
  })();
}

/** {@link traceSyncGenerator} for an async generator. */
function traceAsyncGenerator(gen: AnyAsyncGenerator, span: Span, onEnd: GeneratorEnd): AnyAsyncGenerator {
  return (async function* tracedAsyncGenerator(): AnyAsyncGenerator {
    const yielded: unknown[] = [];
    let count = 0;
    let finished = false;
    let mode: "next" | "throw" = "next";
    let input: unknown;
    try {
      for (;;) {
        let step: IteratorResult<unknown, unknown>;
        try {
          step = await span.run(() => (mode === "next" ? gen.next(input) : gen.throw(input)));
        } catch (err) {
          finished = true;
          onEnd({ error: err, failed: true, stopped: false, yielded, count });
          throw err;
        }
        if (step.done) {
          finished = true;
          onEnd({ failed: false, stopped: false, yielded, count });
          return step.value;
        }
        count++;
        if (yielded.length < MAX_KEPT) yielded.push(step.value);
        try {
          input = yield step.value;
          mode = "next";
        } catch (err) {
          input = err;
          mode = "throw";
        }
      }
    } finally {
      if (!finished) {
        try {
          await span.run(() => gen.return(undefined));
        } finally {
          onEnd({ failed: false, stopped: true, yielded, count });
        }
      }
    }
  })();
}
