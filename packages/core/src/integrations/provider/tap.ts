/**
 * The provider-call tap shared by the provider plugins (openai, anthropic, any Stainless-generated
 * SDK): the functions plugins call. It observes one API call and ends its span at the right moment
 * without changing what the caller gets: the very `APIPromise` the SDK returned, the same `Stream`
 * object, errors as the same object (see reference/ecosystem.md §3). The work is done by three
 * classes, one concern each: `CallTap` (call-tap.ts: hooks, idle timer, ending the span once),
 * `StreamTap` (stream-tap.ts: a stream tapped in place) and `PromiseTap` (promise-tap.ts: the
 * returned promise observed in place). Everything is feature-detected; when a shape is unexpected
 * the call goes through untouched and the span ends as well as it can.
 */
import { monotonicNow } from "../../util/clock.js";
import { getClient, startSpan } from "../../tracing/api.js";
import { logger } from "../../util/logger.js";
import type { Span } from "../../tracing/span.js";
import { isProviderSpanSuppressed } from "../../context/suppress.js";
import type { Hooks } from "./call-tap.js";
import { PromiseTap } from "./promise-tap.js";
import type { AnyFunction } from "./shapes.js";
import type { ProviderCallHooks, ProviderCallPlan, ProviderCallPlanner, ProviderTapOptions } from "./types.js";

export { DEFAULT_PROVIDER_IDLE_TIMEOUT_MS } from "./call-tap.js";
export { isApiPromiseLike, isProviderStream } from "./shapes.js";

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

function makeTap(span: Span, hooks: ProviderCallHooks<any, any> | undefined, options: ProviderTapOptions | undefined): PromiseTap {
  return new PromiseTap(span, (hooks ?? {}) as Hooks, options ?? {});
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
 * Calls `original` and traces what it returns with `tap`: a synchronous throw fails the span and is
 * rethrown as is; a failure to attach ends the span and returns the result untouched.
 */
function callThroughTap(tap: PromiseTap, span: Span, provider: string | undefined, original: AnyFunction, thisArg: unknown, args: unknown[]): unknown {
  let result: unknown;
  try {
    result = Reflect.apply(original, thisArg, args);
  } catch (err) {
    try {
      tap.fail(err);
    } catch {
      // ignore
    }
    throw err;
  }
  try {
    return tap.attach(result);
  } catch (err) {
    endQuietly(span, err, provider);
    return result;
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
  let tap: PromiseTap;
  let provider: string | undefined;
  try {
    provider = options?.provider;
    tap = makeTap(span, hooks, { ...options, startTime: options?.startTime ?? monotonicNow() });
  } catch (err) {
    endQuietly(span, err, provider);
    return call();
  }
  return callThroughTap(tap, span, provider, call, undefined, []) as R;
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
    const startTime = monotonicNow();
    const hooks = plan.hooks ?? {};
    if (typeof hooks.onStart === "function") {
      try {
        hooks.onStart(span);
      } catch (err) {
        logger.once("warn", `provider-hook:${plan.options?.provider ?? "provider"}:onStart`, "a provider plugin failed to record a request; the call is unaffected", err);
      }
    }
    const callArgs = Array.isArray(plan.args) ? plan.args : args;
    // As traceProviderCall, without its closure and its copies of the options per call.
    const o = plan.options;
    const tap = new PromiseTap(span, hooks as Hooks, { provider: o?.provider, idleTimeoutMs: o?.idleTimeoutMs, startTime });
    return callThroughTap(tap, span, o?.provider, original, this, callArgs);
  };
}
