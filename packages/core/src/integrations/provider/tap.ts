/**
 * The provider-call tap shared by the provider plugins (openai, anthropic, any Stainless-generated
 * SDK). It observes one API call and ends its span at the right moment without changing what the
 * caller gets: the very `APIPromise` the SDK returned (`withResponse()`, `asResponse()`, `parse()`
 * and the SDK's own helpers keep working, and `promise === what the SDK made` holds), the same
 * `Stream` object (`for await`, `tee()`, `toReadableStream()`), errors as the same object.
 *
 * The technique (see reference/ecosystem.md §3):
 * - HTTP and connection errors: a side handler on `apiPromise.responsePromise` (consumes nothing);
 * - the result: the promise's own `parseResponse` field is wrapped in place, so the tap sees the
 *   parsed result (or the `Stream`) when, and only when, someone reads it (its `then`, `parse()`,
 *   `withResponse()`, or a promise an SDK helper derives with `_thenUnwrap`);
 * - `asResponse()` alone never parses: an own `asResponse` on the same promise ends the span with
 *   the HTTP status, leaving the body unread;
 * - streams: the `Stream`'s public `iterator` field is wrapped in place, so every way of reading the
 *   stream goes through one tap (one span); the span ends on done, early `return()`, abort, error.
 * Everything is feature-detected; when a shape is unexpected the call goes through untouched and
 * the span ends as well as it can.
 */
import { performance } from "node:perf_hooks";
import { getClient, startSpan } from "../../tracing/api.js";
import { logger } from "../../util/logger.js";
import type { Span } from "../../tracing/span.js";
import { safeGet } from "./reflect.js";
import { isProviderSpanSuppressed } from "../../context/suppress.js";
import type {
  HttpResponseInfo,
  ProviderCallHooks,
  ProviderCallPlan,
  ProviderCallPlanner,
  ProviderTapOptions,
  StreamEndReason,
} from "./types.js";

/** Default for `ProviderTapOptions.idleTimeoutMs`: 10 minutes (the openai/anthropic SDKs' request timeout). */
export const DEFAULT_PROVIDER_IDLE_TIMEOUT_MS = 600_000;

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type Hooks = ProviderCallHooks<unknown, unknown>;

interface AbortSignalLike {
  readonly aborted?: boolean;
  addEventListener?(type: string, listener: () => void, options?: unknown): void;
  removeEventListener?(type: string, listener: () => void): void;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}


/**
 * True for a Stainless `APIPromise` (openai 4–7, @anthropic-ai/sdk 0.x/1.x): a thenable with the
 * internal `_thenUnwrap` method.
 */
export function isApiPromiseLike(value: unknown): boolean {
  return isThenable(value) && typeof safeGet(value, "_thenUnwrap") === "function";
}

/**
 * True for a Stainless `Stream`: an object with a public `iterator` function field and
 * `[Symbol.asyncIterator]`.
 */
export function isProviderStream(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof safeGet(value, "iterator") === "function" &&
    typeof safeGet(value, Symbol.asyncIterator) === "function"
  );
}

/**
 * Whether this span keeps prompts and outputs (`captureContent`). Plugins use it to keep text out
 * of metadata (stop sequences, response format schemas…) when content capture is off.
 */
export function spanCapturesContent(span: Span): boolean {
  try {
    // A span from another build of core (older) may lack the getter: fall back to the client.
    const own: unknown = span.capturesContent;
    return typeof own === "boolean" ? own : getClient().config.captureContent !== false;
  } catch {
    return false;
  }
}

/** One traced call: the span, the hooks, and the state that decides when the span ends. */
class CallTap {
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chunks = 0;
  /** `performance.now()` of the first chunk; `time_to_first_token_ms` once a token chunk arrived. */
  private firstChunkAt: number | undefined;
  private firstTokenSeen = false;
  private isStream = false;
  /** The signal the abort listener is registered on (cleared when the span ends). */
  private signal: AbortSignalLike | undefined;
  /** The stream's controller signal, kept to tell `done` after an abort from a normal end. */
  private streamSignal: AbortSignalLike | undefined;
  private readonly onAbort = (): void => {
    // The SDK also aborts its controller when a read fails; let the error (or `done`) arrive first.
    const t = setImmediate(() => this.streamEnd("abort"));
    t.unref?.();
  };
  private readonly provider: string;
  private readonly startTime: number;
  private readonly idleTimeoutMs: number;

  constructor(
    private readonly span: Span,
    private readonly hooks: Hooks,
    options: ProviderTapOptions,
  ) {
    this.provider = typeof options.provider === "string" && options.provider ? options.provider : "provider";
    this.startTime = typeof options.startTime === "number" && Number.isFinite(options.startTime) ? options.startTime : performance.now();
    const idle = options.idleTimeoutMs;
    this.idleTimeoutMs = typeof idle === "number" && Number.isFinite(idle) && idle >= 0 ? idle : DEFAULT_PROVIDER_IDLE_TIMEOUT_MS;
  }

  /** True while this tap may still write to the span. */
  private get open(): boolean {
    return !this.closed && !this.span.isEnded;
  }

  private hook<K extends keyof Hooks>(name: K, ...args: Parameters<NonNullable<Hooks[K]>>): unknown {
    if (name !== "hideChunk" && !this.open) return undefined;
    const fn = this.hooks[name] as AnyFunction | undefined;
    if (typeof fn !== "function") return undefined;
    try {
      return Reflect.apply(fn, this.hooks, args);
    } catch (err) {
      logger.once("warn", `provider-hook:${this.provider}:${String(name)}`, `${this.provider}: the ${String(name)} extractor failed; the call is unaffected`, err);
      return undefined;
    }
  }

  private meta(values: Record<string, unknown>): void {
    if (!this.open) return;
    try {
      this.span.setMetadata(values);
    } catch {
      // Span methods never throw; belt and braces.
    }
  }

  private armIdle(): void {
    if (this.idleTimeoutMs <= 0 || !this.open) return;
    try {
      if (this.timer) {
        this.timer.refresh();
        return;
      }
      this.timer = setTimeout(() => this.idle(), this.idleTimeoutMs);
      this.timer.unref?.();
    } catch {
      // No timer, no safety net: the trace end still ends the span.
    }
  }

  private idle(): void {
    this.timer = undefined;
    if (this.closed) return;
    if (this.span.isEnded) {
      this.finish(); // ended elsewhere (its trace ended): just release the listener
      return;
    }
    this.meta({ ended_by_timeout: true });
    if (this.isStream) this.streamEnd("timeout");
    else this.finish();
  }

  /** Ends the span once and releases the timer and the abort listener. */
  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const signal = this.signal;
    this.signal = undefined;
    try {
      signal?.removeEventListener?.("abort", this.onAbort);
    } catch {
      // ignore
    }
    try {
      this.span.end();
    } catch {
      // Span.end never throws; belt and braces.
    }
  }

  /** The call failed before a result was read (HTTP status, connection, body parse). */
  fail(error: unknown): void {
    if (!this.open) return;
    const status = safeGet(error, "status");
    if (typeof status === "number") this.meta({ http_status: status });
    this.hook("onError", this.span, error);
    try {
      this.span.markFailed(error);
    } catch {
      // ignore
    }
    this.finish();
  }

  /** The response headers arrived. */
  httpResponse(props: unknown): void {
    if (!this.open) return;
    const response = safeGet(props, "response");
    const status = safeGet(response, "status");
    const info: HttpResponseInfo = { status: typeof status === "number" ? status : undefined, response };
    if (info.status !== undefined) this.meta({ http_status: info.status });
    this.hook("onHttpResponse", this.span, info);
    this.armIdle();
  }

  /** `asResponse()` resolved and nothing parses the body: end with the HTTP status. */
  rawResponse(response: unknown): void {
    if (!this.open) return;
    const status = safeGet(response, "status");
    if (typeof status === "number") this.meta({ http_status: status });
    this.meta({ response_body_unread: true });
    this.finish();
  }

  /** The parsed result (a value or a Stream). Returns it unchanged (a Stream is tapped in place). */
  result<T>(value: T): T {
    try {
      if (!this.open || this.isStream) return value;
      if (isProviderStream(value) || this.looksLikeAsyncIterable(value)) return this.tapStream(value);
      this.hook("onResult", this.span, value);
      this.finish();
    } catch (err) {
      logger.once("error", `provider-tap:${this.provider}:result`, `${this.provider}: internal error while recording a result`, err);
      this.finish();
    }
    return value;
  }

  private looksLikeAsyncIterable(value: unknown): boolean {
    return (
      value !== null &&
      typeof value === "object" &&
      typeof safeGet(value, Symbol.asyncIterator) === "function" &&
      typeof safeGet(value, "next") !== "function" // not a bare iterator
    );
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
        (result) => tap.onStep(result, primary, () => pull([])),
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

  private onStep(result: unknown, primary: boolean, again: () => Promise<unknown>): unknown {
    if (!this.closed && this.span.isEnded) this.finish(); // ended elsewhere: release timer and listener
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
        const now = performance.now();
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
    if (this.hook("hideChunk", chunk) === true) return again();
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
    if (reason === "error") {
      this.hook("onError", this.span, error);
      try {
        this.span.markFailed(error);
      } catch {
        // ignore
      }
    }
    this.finish();
  }

  /**
   * Attaches to the value a patched method returned and returns what the caller must get.
   */
  attach<P>(value: P): P {
    if (isApiPromiseLike(value)) return this.attachApiPromise(value);
    if (isThenable(value)) {
      if (value instanceof Promise && Object.getPrototypeOf(value) === Promise.prototype) {
        // A plain promise: chain it, so an unhandled rejection stays unhandled for the caller.
        return value.then(
          (v) => this.result(v),
          (err: unknown) => {
            this.fail(err);
            throw err;
          },
        ) as P;
      }
      // An unknown thenable: observe it from the side and return the same object.
      try {
        value.then(
          (v) => {
            this.result(v);
          },
          (err: unknown) => this.fail(err),
        );
      } catch (err) {
        this.fail(err);
      }
      return value;
    }
    return this.result(value);
  }

  /**
   * Observes an `APIPromise` in place and returns the very same object: the SDK's contract can be
   * identity (openai's `embeddings.create` with an explicit `encoding_format` returns what
   * `client.post()` made). The result is seen through the promise's own `parseResponse` field, the
   * step the SDK runs lazily when someone reads the result (`then`, `parse()`, `withResponse()`,
   * or an SDK helper's `_thenUnwrap`), so nothing is parsed that the caller would not parse.
   */
  private attachApiPromise<P>(p: P): P {
    const api = p as unknown as Record<string, unknown>;
    const responsePromise = safeGet(api, "responsePromise");
    if (isThenable(responsePromise)) {
      // Side handler: HTTP errors and connection errors end the span; nothing is consumed.
      responsePromise.then(
        (props) => this.httpResponse(props),
        (err: unknown) => this.fail(err),
      );
    }
    if (!this.observeParse(api)) {
      // Unknown internals: keep the object as it is and end the span with the HTTP status.
      logger.once("warn", `provider-tap:${this.provider}:parse`, `${this.provider}: unexpected SDK internals; spans end without the response`);
      if (isThenable(responsePromise)) responsePromise.then((props) => this.rawResponse(safeGet(props, "response")), () => undefined);
      else this.finish();
      return p;
    }
    this.observeAsResponse(api);
    return p;
  }

  /** Wraps the promise's own `parseResponse` field (same attributes). False when it has none. */
  private observeParse(api: Record<string, unknown>): boolean {
    const desc = Object.getOwnPropertyDescriptor(api, "parseResponse");
    if (!desc || typeof desc.value !== "function" || (!desc.writable && !desc.configurable)) return false;
    const original = desc.value as AnyFunction;
    const tap = this;
    const traced = function tracedParseResponse(this: unknown, ...args: unknown[]): unknown {
      let parsed: unknown;
      try {
        parsed = Reflect.apply(original, this, args);
      } catch (err) {
        tap.fail(err);
        throw err;
      }
      if (!isThenable(parsed)) return tap.result(parsed);
      // The SDK awaits this promise in its own parse chain: a rejection reaches whoever reads the result.
      return Promise.resolve(parsed).then(
        (value) => tap.result(value),
        (err: unknown) => {
          tap.fail(err);
          throw err;
        },
      );
    };
    Object.defineProperty(api, "parseResponse", { ...desc, value: traced });
    this.observeOwnUnwrap(api);
    return true;
  }

  /**
   * Some builds (openai 7) give the promise its own `_thenUnwrap` closure that parses without the
   * `parseResponse` field: a promise an SDK helper derives from it would bypass the tap. Its
   * transform is wrapped so the tap sees the result first, and the derived promise is observed
   * (for a failing parse). A `_thenUnwrap` from the prototype reads `parseResponse`: left alone.
   */
  private observeOwnUnwrap(api: Record<string, unknown>): void {
    const desc = Object.getOwnPropertyDescriptor(api, "_thenUnwrap");
    if (!desc || typeof desc.value !== "function" || (!desc.writable && !desc.configurable)) return;
    const original = desc.value as AnyFunction;
    const tap = this;
    const traced = function tracedThenUnwrap(this: unknown, transform: unknown, ...rest: unknown[]): unknown {
      const seen =
        typeof transform === "function"
          ? function tracedTransform(this: unknown, value: unknown, ...more: unknown[]): unknown {
              return Reflect.apply(transform as AnyFunction, this, [tap.result(value), ...more]);
            }
          : transform;
      const derived = Reflect.apply(original, this, [seen, ...rest]);
      try {
        if (isApiPromiseLike(derived)) tap.observeParse(derived as Record<string, unknown>);
      } catch {
        // The derived promise works as the SDK made it.
      }
      return derived;
    };
    Object.defineProperty(api, "_thenUnwrap", { ...desc, value: traced });
  }

  /**
   * `asResponse()` alone never parses the body: an own non-enumerable `asResponse` on the promise
   * ends the span with the HTTP status when no parse has started (`withResponse()` calls `parse()`
   * first, which sets `parsedPromise`).
   */
  private observeAsResponse(api: Record<string, unknown>): void {
    const asResponse = safeGet(api, "asResponse");
    if (typeof asResponse !== "function") return;
    const tap = this;
    define(api, "asResponse", function tracedAsResponse(this: unknown, ...args: unknown[]): unknown {
      const r = Reflect.apply(asResponse as AnyFunction, this, args);
      if (!isThenable(r)) return r;
      return r.then((response) => {
        if (safeGet(this, "parsedPromise") === undefined) tap.rawResponse(response);
        return response;
      });
    });
  }
}

/** Replaces a property keeping its enumerability (own data property). */
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  const desc = Object.getOwnPropertyDescriptor(obj, key);
  Object.defineProperty(obj, key, {
    value,
    writable: true,
    configurable: true,
    enumerable: desc ? desc.enumerable === true : false,
  });
}

function makeTap(span: Span, hooks: ProviderCallHooks<any, any> | undefined, options: ProviderTapOptions | undefined): CallTap {
  return new CallTap(span, (hooks ?? {}) as Hooks, options ?? {});
}

function endQuietly(span: Span, err: unknown, provider: string | undefined): void {
  logger.once("error", `provider-tap:${provider ?? "provider"}:attach`, `${provider ?? "provider"}: internal error while tracing a call; the call is unaffected`, err);
  try {
    span.end();
  } catch {
    // ignore
  }
}

/**
 * Observes the value returned by a provider SDK call and ends `span` when the call completes.
 * Returns what the caller must get:
 * - an `APIPromise` (anything with `_thenUnwrap`): the same object, observed in place (its
 *   `parseResponse` field and an own `asResponse`), so `.withResponse()`, `.asResponse()`,
 *   `.parse()`, SDK helpers and identity checks keep working;
 * - a plain `Promise`: a chained plain promise; another thenable: the same object, observed;
 * - any other value: the same value (a `Stream` is tapped in place).
 *
 * The span ends exactly once: with the parsed result (`onResult`), when a stream ends
 * (`onStreamEnd`: done, early `return()`, abort, error, idle timeout), with the HTTP status when
 * only `asResponse()` is used (body left unread), or failed on HTTP/connection/parse errors
 * (`onError`; the caller gets the same error object). `metadata.http_status`,
 * `metadata.time_to_first_token_ms` (streams: first chunk `hooks.isTokenChunk` accepts, from
 * `options.startTime`) and
 * `metadata.stream_end_reason` are filled in. Never throws: on an unexpected shape the original
 * value is returned and the span ends.
 *
 * @example
 * ```ts
 * const span = startSpan({ spanType: "llm", name: "acme.generate" });
 * return traceApiPromise(span, original.apply(this, args), {
 *   onResult: (s, r) => s.recordOutput(r.text),
 *   onChunk: (s, c) => acc.add(c),
 *   onStreamEnd: (s) => s.recordOutput(acc.text),
 * }, { provider: "acme" });
 * ```
 */
export function traceApiPromise<P>(span: Span, apiPromise: P, hooks?: ProviderCallHooks<any, any>, options?: ProviderTapOptions): P {
  try {
    return makeTap(span, hooks, options).attach(apiPromise);
  } catch (err) {
    endQuietly(span, err, options?.provider);
    return apiPromise;
  }
}

/**
 * Runs `call` (the original SDK method) and traces its result with {@link traceApiPromise}.
 * A synchronous throw fails the span and is rethrown as is. `options.startTime` defaults to now.
 */
export function traceProviderCall<R>(span: Span, call: () => R, hooks?: ProviderCallHooks<any, any>, options?: ProviderTapOptions): R {
  const startTime = options?.startTime ?? performance.now();
  let result: R;
  try {
    result = call();
  } catch (err) {
    try {
      makeTap(span, hooks, options).fail(err);
    } catch {
      // ignore
    }
    throw err;
  }
  return traceApiPromise(span, result, hooks, { ...options, startTime });
}

/**
 * Taps an already-obtained provider `Stream` in place (its `iterator` field) and ends `span` when
 * the stream ends, as {@link traceApiPromise} does for streamed results. Returns the same object.
 */
export function tapProviderStream<S>(span: Span, stream: S, hooks?: ProviderCallHooks<any, any>, options?: ProviderTapOptions): S {
  try {
    return makeTap(span, hooks, options).tapStream(stream);
  } catch (err) {
    endQuietly(span, err, options?.provider);
    return stream;
  }
}

/**
 * Builds the replacement for a provider SDK method (use with `wrapMethod`):
 *
 * ```ts
 * wrapMethod(Messages.prototype, "create", (original) => wrapProviderMethod(original, planner));
 * ```
 *
 * For each call: when `isProviderSpanSuppressed()` the original is called as is; otherwise
 * `planner(this, args)` describes the span (or returns undefined: untraced), the span is started
 * synchronously (parented on the active context *now*), `hooks.onStart` runs, and the original is
 * called (with `plan.args` when given) and traced with {@link traceProviderCall}. Any failure of
 * the planner or the tracing calls the original untraced; the original runs exactly once.
 */
export function wrapProviderMethod(original: AnyFunction, planner: ProviderCallPlanner): AnyFunction {
  return function tracedProviderMethod(this: unknown, ...args: unknown[]): unknown {
    let plan: ProviderCallPlan<unknown, unknown> | undefined;
    let span: Span | undefined;
    try {
      if (!isProviderSpanSuppressed()) {
        plan = planner(this, args);
        if (plan) span = startSpan(plan.span);
      }
    } catch (err) {
      logger.once("warn", "provider-plan", "a provider plugin failed to describe a call; it runs untraced", err);
      plan = undefined;
      span = undefined;
    }
    if (!plan || !span) return Reflect.apply(original, this, args);
    const startTime = performance.now();
    const hooks = plan.hooks ?? {};
    if (typeof hooks.onStart === "function") {
      try {
        hooks.onStart(span);
      } catch (err) {
        logger.once("warn", `provider-hook:${plan.options?.provider ?? "provider"}:onStart`, "a provider plugin failed to record a request; the call is unaffected", err);
      }
    }
    const callArgs = Array.isArray(plan.args) ? plan.args : args;
    return traceProviderCall(span, () => Reflect.apply(original, this, callArgs), hooks, { ...plan.options, startTime });
  };
}
