/**
 * Runs a user callback and reports how it settled, without changing what the caller gets back:
 * a value or a thrown error pass through as they are; a native promise is chained (so an
 * unhandled rejection stays unhandled); any other thenable (an SDK's promise subclass with extra
 * methods) is returned as the same object and observed from the side.
 */
export type Settle = (error: unknown, failed: boolean) => void;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
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
  if (!isThenable(result)) {
    safeSettle(settle, undefined, false);
    return result;
  }
  if (Object.getPrototypeOf(result) === Promise.prototype) {
    return (result as unknown as Promise<unknown>).then(
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
  try {
    result.then(
      () => safeSettle(settle, undefined, false),
      (err: unknown) => safeSettle(settle, err, true),
    );
  } catch (err) {
    safeSettle(settle, err, true);
  }
  return result;
}
