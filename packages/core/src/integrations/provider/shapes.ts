/** Shape tests for what a provider SDK method returns. Read through `safeGet`: no user code runs. */
import { safeGet } from "./reflect.js";

export type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** A promise of this realm whose `then` is the intrinsic one: chaining or observing it runs no user code. */
export function isNativePromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise && Object.getPrototypeOf(value) === Promise.prototype && !Object.prototype.hasOwnProperty.call(value, "then");
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

/** An async iterable that is not a bare iterator (a stream object of an SDK without `iterator`). */
export function isAsyncIterableObject(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof safeGet(value, Symbol.asyncIterator) === "function" &&
    typeof safeGet(value, "next") !== "function"
  );
}
