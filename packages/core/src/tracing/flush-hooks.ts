/**
 * Delivery where the platform freezes the function once the response is sent (Cloudflare
 * Workers, Vercel functions and edge, Next.js route handlers): the flush is handed to the
 * platform's `waitUntil`, so the response is not delayed and the traces still leave.
 */
import { flushUntilIdle } from "./api.js";
import { runWithDeferredFlush } from "./deferred-flush.js";
import { logger } from "../util/logger.js";

/** The part of a Workers `ExecutionContext` (or Vercel's request context) used here. */
export interface WaitUntilContext {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * Hands a flush to `ctx.waitUntil` (or, without one, to `globalThis`'s request context that
 * Vercel exposes); returns the flush promise, which never rejects.
 *
 * The flush lasts until delivery is idle, not only until this request's records are sent: on
 * Workers, I/O and timers belong to the request that started them and are cancelled when it ends,
 * and the delivery this request started may be carrying the records of requests running alongside.
 */
export function flushInBackground(ctx?: WaitUntilContext | null): Promise<void> {
  const done = flushUntilIdle().catch(() => undefined);
  try {
    const waitUntil = ctx?.waitUntil ?? vercelWaitUntil();
    if (typeof waitUntil === "function") waitUntil.call(ctx, done);
  } catch (err) {
    logger.once("warn", "flush:waitUntil", "waitUntil refused the trace flush; traces may be lost if the platform freezes now", err);
  }
  return done;
}

type VercelRequestContext = { get?: () => { waitUntil?: (p: Promise<unknown>) => void } | undefined };

/** `waitUntil` from Vercel's request context (what `@vercel/functions` reads), when there is one. */
function vercelWaitUntil(): ((p: Promise<unknown>) => void) | undefined {
  try {
    const holder = (globalThis as Record<symbol, VercelRequestContext | undefined>)[Symbol.for("@vercel/request-context")];
    const fn = holder?.get?.()?.waitUntil;
    return typeof fn === "function" ? fn : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wraps a fetch-style handler (`(request, env, ctx)` on Workers, `(request, context)` in Next.js
 * route handlers) so that every trace it produced is flushed after it returns, through
 * `ctx.waitUntil` where the platform gives one. The handler's result and errors pass through
 * unchanged.
 */
export function withTraceFlush<A extends unknown[], R>(handler: (...args: A) => R): (...args: A) => R {
  return function (this: unknown, ...args: A): R {
    const ctx = args.find(isWaitUntilContext);
    let result: R;
    try {
      // Where the platform gives a waitUntil, the traces' flush goes there (below): the serverless
      // per-trace flush would only hold the response. Without one, that flush is all there is.
      result = ctx || vercelWaitUntil() ? runWithDeferredFlush(() => handler.apply(this, args)) : handler.apply(this, args);
    } catch (err) {
      flushInBackground(ctx);
      throw err;
    }
    if (result instanceof Promise) {
      // Not `finally(() => flushInBackground(ctx))`: `finally` waits for a promise its callback
      // returns, which would hold the response until the flush ends.
      return result.finally(() => {
        flushInBackground(ctx);
      }) as R;
    }
    flushInBackground(ctx);
    return result;
  };
}

function isWaitUntilContext(value: unknown): value is WaitUntilContext {
  try {
    // Never the request: Next.js's edge request has a `waitUntil` that only throws (a deprecated API).
    if (typeof Request === "function" && value instanceof Request) return false;
    return typeof value === "object" && value !== null && typeof (value as { waitUntil?: unknown }).waitUntil === "function";
  } catch {
    return false;
  }
}
