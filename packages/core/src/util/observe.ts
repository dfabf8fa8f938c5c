/**
 * Runs a user callback and reports how it settled, without changing what the caller gets back or
 * running any code of the result's:
 * - a value or a thrown error pass through as they are;
 * - a native promise is chained (so an unhandled rejection stays unhandled);
 * - a promise subclass that keeps the engine's `then` (a promise with extra methods) is returned as
 *   the same object and observed from the side;
 * - any other thenable is returned untouched and reported settled at once: its `then` may run
 *   work that only the caller's own `await` should start (a query builder would run twice;
 *   openai's APIPromise parses, and so consumes, the response body in it);
 * - a Proxy is never inspected (its traps are user code).
 */
import { types } from "node:util";
import { dataField } from "./plain-data.js";

export type Settle = (error: unknown, failed: boolean) => void;

/** What a callback returned, as far as observing it goes. */
export type ResultKind = "value" | "promise" | "promise-subclass" | "thenable";

/** The engine's own `then`: a promise's own `then` is never what observes it. */
export const promiseThen = Promise.prototype.then;

/** The kind of `result`, found without running any of its code (no getter, no Proxy trap). */
export function resultKind(result: unknown): ResultKind {
  if (result === null || (typeof result !== "object" && typeof result !== "function")) return "value";
  // A Proxy is no promise to the engine, and reading a real promise's prototype runs no trap.
  if (types.isPromise(result)) {
    if (Object.getPrototypeOf(result) === Promise.prototype) return "promise";
    // A subclass with a `then` of its own (openai's APIPromise) settles natively to a placeholder
    // and does its work in that `then`: only the caller may call it.
    return dataField(result, "then") === promiseThen ? "promise-subclass" : "thenable";
  }
  if (types.isProxy(result)) return "value";
  return typeof dataField(result, "then") === "function" ? "thenable" : "value";
}

/**
 * Calls `onValue` or `onError` when the native promise `promise` settles, through the engine's
 * `then` (not the object's own). The rejection counts as handled, as any side observer's does.
 */
export function observePromise(promise: Promise<unknown>, onValue: (value: unknown) => void, onError: (err: unknown) => void): void {
  try {
    promiseThen.call(promise, onValue, onError);
  } catch (err) {
    onError(err);
  }
}

function safeSettle(settle: Settle, error: unknown, failed: boolean): void {
  try {
    settle(error, failed);
  } catch {
    // settle callbacks guard themselves; this is the last line of the fail-safe contract.
  }
}

export function runObserved<R>(fn: () => R, settle: Settle): R {
  let result: R;
  try {
    result = fn();
  } catch (err) {
    safeSettle(settle, err, true);
    throw err;
  }
  return observeResult(result, settle);
}

/** The second half of {@link runObserved}, for callers that ran the callback themselves. */
export function observeResult<R>(result: R, settle: Settle): R {
  const kind = resultKind(result);
  if (kind === "promise") {
    return promiseThen.call(
      result as unknown as Promise<unknown>,
      (value) => {
        safeSettle(settle, undefined, false);
        return value;
      },
      (err: unknown) => {
        safeSettle(settle, err, true);
        throw err;
      },
    ) as R;
  }
  if (kind === "promise-subclass") {
    observePromise(
      result as unknown as Promise<unknown>,
      () => safeSettle(settle, undefined, false),
      (err) => safeSettle(settle, err, true),
    );
    return result;
  }
  safeSettle(settle, undefined, false);
  return result;
}
