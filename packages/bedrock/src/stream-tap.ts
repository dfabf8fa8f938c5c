/**
 * Tracing a command whose output carries an event stream (`ConverseStream`: `output.stream`,
 * `InvokeModelWithResponseStream`: `output.body`) with the core's provider tap, keeping the output
 * and the stream the very same objects.
 *
 * The tap is handed a holder (an async iterable that reads the stream through its original
 * `[Symbol.asyncIterator]`, with the request's abort signal as `controller.signal`). Once the tap
 * has wrapped the holder, the stream's own `[Symbol.asyncIterator]` is pointed at it, so reading
 * the stream in any way goes through the one tap (one span), and the caller gets the output object
 * the SDK returned. A call that is not traced gets the output untouched.
 */
type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

class StreamHolder {
  private readonly iterate: AnyFunction;

  constructor(
    readonly output: object,
    readonly stream: object,
    readonly controller: { signal: AbortSignal } | undefined,
  ) {
    this.iterate = (stream as Record<symbol, AnyFunction>)[Symbol.asyncIterator]!;
  }

  [Symbol.asyncIterator](): unknown {
    return Reflect.apply(this.iterate, this.stream, []);
  }
}

function unwrap(value: unknown): unknown {
  if (!(value instanceof StreamHolder)) return value;
  if (Object.prototype.hasOwnProperty.call(value, Symbol.asyncIterator)) {
    const holder = value as unknown as AsyncIterable<unknown>;
    try {
      Object.defineProperty(value.stream, Symbol.asyncIterator, {
        value: () => holder[Symbol.asyncIterator](),
        writable: true,
        configurable: true,
        enumerable: false,
      });
    } catch {
      // A frozen stream stays as it was; its span ends by idle timeout or with its trace.
    }
  }
  return value.output;
}

/** The async iterable `output[key]`, when there is one. */
function streamOf(output: unknown, keys: readonly string[]): object | undefined {
  if (output === null || typeof output !== "object") return undefined;
  for (const key of keys) {
    try {
      const s = (output as Record<string, unknown>)[key];
      if (s !== null && typeof s === "object" && typeof (s as Record<symbol, unknown>)[Symbol.asyncIterator] === "function") return s;
    } catch {
      // not readable: not a stream output
    }
  }
  return undefined;
}

/**
 * Wraps `original` (a `send` resolving to an output that may hold an event stream under one of
 * `keys`) so that `trace` — e.g. `(fn) => wrapProviderMethod(fn, planner)` — sees an async
 * iterable it can tap when there is a stream, and the output itself otherwise.
 */
export function wrapStreamingSend(
  original: AnyFunction,
  trace: (inner: AnyFunction) => AnyFunction,
  keys: readonly string[],
  signalOf: (args: readonly unknown[]) => AbortSignal | undefined,
): AnyFunction {
  const inner = function holdStream(this: unknown, ...args: unknown[]): unknown {
    const result = Reflect.apply(original, this, args);
    if (!(result instanceof Promise)) return result;
    return result.then((output: unknown) => {
      const stream = streamOf(output, keys);
      if (!stream) return output;
      let signal: AbortSignal | undefined;
      try {
        signal = signalOf(args);
      } catch {
        signal = undefined;
      }
      return new StreamHolder(output as object, stream, signal ? { signal } : undefined);
    });
  };
  const traced = trace(inner);
  return function tracedSend(this: unknown, ...args: unknown[]): unknown {
    const result = Reflect.apply(traced, this, args);
    return result instanceof Promise ? result.then(unwrap) : result;
  };
}
