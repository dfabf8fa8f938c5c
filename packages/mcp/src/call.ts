/**
 * One call of a patched `Client` method → one span, started synchronously in the caller's context
 * (so it joins the active trace and span), with the original method run inside it (an in-process
 * server's own traced work nests under it). The caller gets what the original returns — the same
 * value, or for the SDK's native promises a chained native promise — and the very error object it
 * throws or rejects with. If tracing fails at any point, the call runs untraced.
 */
import { activeContext, currentTrace, linkToolSpan, logger, startSpan, type Span } from "@tracium/core";
import type { PatchedMethod } from "./targets.js";
import { planCall } from "./request.js";
import { recordError, recordResult } from "./response.js";

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Spans this plugin started, by method: a patched method called from another patched one (a subclass calling `super`) is not traced twice. */
const ours = new WeakMap<Span, { readonly method: string; readonly client: unknown }>();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";
}

function guard(what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    logger.once("warn", `mcp:${what}`, `mcp: could not record ${what}; the call is unaffected`, err);
  }
}

/** Starts the span for one call, or returns undefined to run it untraced. */
function begin(entry: PatchedMethod, self: unknown, args: unknown[]): Span | undefined {
  const parent = activeContext()?.span;
  // The same method of the same client already in a span of ours: a subclass calling
  // super.callTool(), one call. Another client's call made inside it (a gateway's tool handler
  // calling a backend server) is a call of its own.
  const outer = parent ? ours.get(parent) : undefined;
  if (outer && outer.method === entry.method && outer.client === self && !parent!.isEnded) return undefined;
  if (entry.light) {
    const trace = currentTrace();
    if (!trace || trace.isEnded) return undefined;
  }
  const plan = planCall(entry, self, args);
  const span = startSpan(plan.span);
  ours.set(span, { method: entry.method, client: self });
  guard("the request", () => {
    if (plan.input !== undefined) span.recordInput(plan.input);
  });
  if (entry.operation === "tools/call") linkToolSpan(span, { toolName: plan.toolName, arguments: plan.toolArguments, parent });
  return span;
}

function succeed(entry: PatchedMethod, span: Span, result: unknown): void {
  guard("the result", () => recordResult(entry, span, result));
  span.end();
}

function fail(span: Span, error: unknown): void {
  guard("the error", () => recordError(span, error));
  span.fail(error);
}

/** The replacement of one `Client` method (use with `wrapMethod`). */
export function wrapClientMethod(original: AnyFunction, entry: PatchedMethod): AnyFunction {
  return function tracedMcpMethod(this: unknown, ...args: unknown[]): unknown {
    let span: Span | undefined;
    try {
      span = begin(entry, this, args);
    } catch (err) {
      logger.once("warn", `mcp:plan:${entry.method}`, `mcp: could not trace ${entry.method}(); it runs untraced`, err);
      try {
        span?.end();
      } catch {
        // ignore
      }
      span = undefined;
    }
    if (!span) return Reflect.apply(original, this, args);
    const s = span;
    let result: unknown;
    try {
      result = s.run(() => Reflect.apply(original, this, args));
    } catch (err) {
      fail(s, err);
      throw err;
    }
    if (!isThenable(result)) {
      succeed(entry, s, result);
      return result;
    }
    if (result instanceof Promise && Object.getPrototypeOf(result) === Promise.prototype) {
      return result.then(
        (value) => {
          succeed(entry, s, value);
          return value;
        },
        (err: unknown) => {
          fail(s, err);
          throw err;
        },
      );
    }
    try {
      result.then(
        (value) => succeed(entry, s, value),
        (err: unknown) => fail(s, err),
      );
    } catch (err) {
      fail(s, err);
    }
    return result;
  };
}
