/**
 * Higher-order wrappers and TypeScript 5 method decorators: the Python SDK's `@agent_trace` and
 * `@agent_span`. A wrapped function keeps its sync/async nature, `this`, result and errors.
 */
import { getClient, span as runSpan } from "./api.js";
import { runTraceCallback } from "./client.js";
import { plainOptions, type Span, type SpanOptions } from "./span.js";
import { SPAN_OPTION_KEYS } from "./span-options.js";
import { TRACE_OPTION_KEYS, type Trace, type TraceOptions } from "./trace.js";
import { dataField, isProxy } from "../util/plain-data.js";
import { logger } from "../util/logger.js";
import { flushDeferred } from "./deferred-flush.js";
import { observePromise, resultKind } from "../util/observe.js";
import { keepFunctionShape } from "../util/function-shape.js";
import { generatorKind, spanOverGenerator } from "./generator-span.js";

function ignore(): void {}

/** Options of `traceAgent` / `@AgentTrace`. `agentName` defaults to the function's name. */
export interface TraceAgentOptions extends Partial<TraceOptions> {
  /** Pass the trace handle as an extra last argument. */
  injectTrace?: boolean;
  /** Add the tag `@trace:<function name>`. Default true. */
  autoTag?: boolean;
}

/** Options of `traceSpan` / `@AgentSpan`. `name` defaults to the function's name. */
export interface TraceSpanOptions extends SpanOptions {
  /** Record the arguments as the span input. Default true. */
  captureArgs?: boolean;
  /** Record the return value as the span output. Default true. */
  captureReturn?: boolean;
  /** Pass the span handle as an extra last argument. */
  injectSpan?: boolean;
  /** Add the tag `@span:<name>`. Default true. */
  autoTag?: boolean;
}

type Fn<A extends unknown[], R> = (...args: A) => R;

const TRACE_AGENT_KEYS: ReadonlyArray<keyof TraceAgentOptions & string> = [...TRACE_OPTION_KEYS, "injectTrace", "autoTag"];
const TRACE_SPAN_KEYS: ReadonlyArray<keyof TraceSpanOptions & string> = [...SPAN_OPTION_KEYS, "captureArgs", "captureReturn", "injectSpan", "autoTag"];

/** Something that is no function, handed back as it is (calling it fails as it would untraced). */
function notAFunction<F>(what: string, target: unknown): F {
  logger.once("error", `${what}-fn`, `${what}() needs a function; got ${target === null ? "null" : typeof target}, returned as is`);
  return target as F;
}

/** The function's own name as plain data (a `static get name()` is not called), or `fallback`. */
function functionName(fn: unknown, fallback: string): string {
  const name = dataField(fn, "name");
  return typeof name === "string" && name ? name : fallback;
}

/** `tags` with the automatic tag added; tags that are not an array are left for the span to refuse. */
function withTag(tags: unknown, tag: string): string[] | undefined {
  if (tags === undefined || tags === null) return [tag];
  return Array.isArray(tags) && !isProxy(tags) ? [...(tags as string[]), tag] : (tags as string[]);
}

/**
 * Wraps `fn` so each call runs as one trace. With `injectTrace: true` the wrapped function
 * receives the trace as an extra last argument.
 */
export function traceAgent<A extends unknown[], R>(fn: (...args: [...A, Trace]) => R, options: TraceAgentOptions & { injectTrace: true }): Fn<A, R>;
export function traceAgent<A extends unknown[], R>(fn: Fn<A, R>, options?: TraceAgentOptions): Fn<A, R>;
export function traceAgent<A extends unknown[], R>(target: (...args: never[]) => R, options: TraceAgentOptions = {}): Fn<A, R> {
  if (typeof target !== "function") return notAFunction("traceAgent", target);
  const fn = target as (...args: unknown[]) => R;
  const fnName = functionName(fn, "agent");
  const { injectTrace, autoTag, ...traceOptions } = plainOptions<TraceAgentOptions>(options, TRACE_AGENT_KEYS, "traceAgent options");
  const tags = autoTag === false ? traceOptions.tags : withTag(traceOptions.tags, `@trace:${fnName}`);
  return keepFunctionShape(function (this: unknown, ...args: A): R {
    const client = getClient();
    const trace = client.startTrace({ ...traceOptions, agentName: traceOptions.agentName ?? fnName, tags });
    const result = runTraceCallback(trace, (t) => fn.apply(this, injectTrace ? [...args, t] : args));
    if (client.config.forceSync && resultKind(result) === "promise" && !flushDeferred()) {
      return (result as Promise<unknown>).then(
        async (value: unknown) => {
          await client.flushTrace();
          return value;
        },
        async (err: unknown) => {
          await client.flushTrace();
          throw err;
        },
      ) as R;
    }
    return result;
  }, fn);
}

/**
 * Wraps `fn` so each call runs in a span of the active trace (an implicit trace outside one).
 * Arguments and the return value are recorded unless turned off.
 */
export function traceSpan<A extends unknown[], R>(fn: (...args: [...A, Span]) => R, options: TraceSpanOptions & { injectSpan: true }): Fn<A, R>;
export function traceSpan<A extends unknown[], R>(fn: Fn<A, R>, options?: TraceSpanOptions): Fn<A, R>;
export function traceSpan<A extends unknown[], R>(target: (...args: never[]) => R, options: TraceSpanOptions = {}): Fn<A, R> {
  if (typeof target !== "function") return notAFunction("traceSpan", target);
  const fn = target as (...args: unknown[]) => R;
  const { captureArgs, captureReturn, injectSpan, autoTag, ...spanOptions } = plainOptions<TraceSpanOptions>(options, TRACE_SPAN_KEYS, "traceSpan options");
  const name = typeof spanOptions.name === "string" && spanOptions.name ? spanOptions.name : functionName(fn, "span");
  const tags = autoTag === false ? spanOptions.tags : withTag(spanOptions.tags, `@span:${name}`);
  return keepFunctionShape(function (this: unknown, ...args: A): R {
    return runSpan({ ...spanOptions, name, tags }, (span) => {
      if (captureArgs !== false && spanOptions.input === undefined) span.recordInput(args.length === 1 ? args[0] : args);
      const result = fn.apply(this, injectSpan ? [...args, span] : args);
      if (captureReturn === false) return result;
      const generator = generatorKind(result);
      // The yielded values are its output, recorded when the iteration ends (with the span).
      if (generator !== undefined) return spanOverGenerator(result as object, generator, span, (values) => span.recordOutput(values)) as R;
      switch (resultKind(result)) {
        case "promise":
          return (result as Promise<unknown>).then((value: unknown) => {
            span.recordOutput(value);
            return value;
          }) as R;
        case "promise-subclass":
          // The same object back, with its own methods (an SDK's promise): its value is read from the side.
          observePromise(result as Promise<unknown>, (value) => span.recordOutput(value), ignore);
          return result;
        case "thenable":
          // Awaiting it is the caller's to do (it may run a query): no output.
          return result;
        default:
          span.recordOutput(result);
          return result;
      }
    });
  }, fn);
}

/** Class-method decorator: each call of the method runs as one trace (`traceAgent`). */
export function AgentTrace(options: TraceAgentOptions = {}) {
  return function <This, A extends unknown[], R>(method: (this: This, ...args: A) => R, context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>): (this: This, ...args: A) => R {
    return traceAgent(method as Fn<A, R>, { agentName: String(context.name), ...options }) as (this: This, ...args: A) => R;
  };
}

/** Class-method decorator: each call of the method runs in a span (`traceSpan`). */
export function AgentSpan(options: TraceSpanOptions = {}) {
  return function <This, A extends unknown[], R>(method: (this: This, ...args: A) => R, context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>): (this: This, ...args: A) => R {
    return traceSpan(method as Fn<A, R>, { name: String(context.name), ...options }) as (this: This, ...args: A) => R;
  };
}
