/**
 * Tracing a method that resolves to an async generator of chunks (`generateContentStreamInternal`)
 * with the core's provider tap, which taps async iterables but treats a bare iterator (a
 * generator) as a plain result.
 *
 * The tap is handed a holder: an async iterable whose iterator reads the generator through its
 * original `next`/`return`/`throw`, with the request's abort signal as `controller.signal`. Once
 * the tap has wrapped the holder, the generator's own `next`, `return` and `throw` are pointed at
 * the tap's iterator, so the caller gets **the same generator object** (same kind, same identity:
 * in 1.x it is what `generateContentStream` returns) and every way of reading it — `for await`,
 * `next()`, an early `break`/`return()` — goes through the one tap (one span). A call that is not
 * traced gets the generator untouched.
 */
type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type Verb = "next" | "return" | "throw";
const VERBS: readonly Verb[] = ["next", "return", "throw"];

/** The holder the tap sees in place of the generator. */
class GeneratorHolder {
  /** Reads the generator through the methods it had before tracing. */
  private readonly source: Partial<Record<Verb, AnyFunction>> = {};

  constructor(
    readonly generator: object,
    readonly controller: { signal: AbortSignal } | undefined,
  ) {
    for (const verb of VERBS) {
      const original = (generator as Record<Verb, unknown>)[verb];
      if (typeof original === "function") this.source[verb] = (...args: unknown[]) => Reflect.apply(original as AnyFunction, generator, args);
    }
  }

  [Symbol.asyncIterator](): object {
    return this.source;
  }
}

/** Was the holder tapped (the tap replaces `[Symbol.asyncIterator]` with an own property)? */
function isTapped(holder: GeneratorHolder): boolean {
  return Object.prototype.hasOwnProperty.call(holder, Symbol.asyncIterator);
}

/** Points the generator's `next`/`return`/`throw` at the tap's iterator; returns the generator. */
function unwrap(value: unknown): unknown {
  if (!(value instanceof GeneratorHolder)) return value;
  const generator = value.generator as Record<Verb, unknown>;
  if (!isTapped(value)) return generator;
  try {
    const tapped = (value as unknown as AsyncIterable<unknown>)[Symbol.asyncIterator]() as unknown as Record<Verb, unknown>;
    for (const verb of VERBS) {
      const via = tapped[verb];
      if (typeof via !== "function" || typeof generator[verb] !== "function") continue;
      const own = Object.getOwnPropertyDescriptor(generator, verb);
      Object.defineProperty(generator, verb, {
        value: (...args: unknown[]) => Reflect.apply(via as AnyFunction, tapped, args),
        writable: true,
        configurable: true,
        enumerable: own ? own.enumerable === true : false,
      });
    }
  } catch {
    // The generator keeps its own methods; the span ends by its idle timeout or its trace's end.
  }
  return generator;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
}

function isIterator(value: unknown): value is object {
  return value !== null && typeof value === "object" && typeof (value as { next?: unknown }).next === "function";
}

/**
 * Wraps `original` (a method resolving to an async generator) so that `trace` — a method wrapper
 * such as `(fn) => wrapProviderMethod(fn, planner)` — sees an async iterable it can tap.
 * `signalOf(args)` gives the request's abort signal (so an abort ends the span as such).
 */
export function wrapGeneratorMethod(
  original: AnyFunction,
  trace: (inner: AnyFunction) => AnyFunction,
  signalOf: (args: readonly unknown[]) => AbortSignal | undefined,
): AnyFunction {
  const inner = function holdGenerator(this: unknown, ...args: unknown[]): unknown {
    const result = Reflect.apply(original, this, args);
    if (!isPromise(result)) return result;
    return result.then((generator) => {
      if (!isIterator(generator)) return generator;
      let signal: AbortSignal | undefined;
      try {
        signal = signalOf(args);
      } catch {
        signal = undefined;
      }
      return new GeneratorHolder(generator, signal ? { signal } : undefined);
    });
  };
  const traced = trace(inner);
  return function tracedGeneratorMethod(this: unknown, ...args: unknown[]): unknown {
    const result = Reflect.apply(traced, this, args);
    return isPromise(result) ? result.then(unwrap) : result;
  };
}
