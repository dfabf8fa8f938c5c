/**
 * Carrying the active context where AsyncLocalStorage does not reach: event-emitter listeners,
 * callback pools, and worker threads (a serialisable snapshot re-entered on the other side).
 */
import { keepFunctionShape } from "../util/function-shape.js";
import { getClient } from "./api.js";
import { runTraceCallback } from "./client.js";
import { activeContext } from "./context.js";
import { logger } from "../util/logger.js";
import { plainRecord } from "../util/plain-data.js";
import { state } from "../context/state.js";
import { clampDepth } from "./w3c.js";
import type { CapturedContext, ExtractedContext } from "../context/carriers.js";

export type { CapturedContext } from "../context/carriers.js";

function isExtracted(value: unknown): value is ExtractedContext {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "w3c";
}

/** A snapshot of the active trace and span, or undefined outside any trace. */
export function captureContext(): CapturedContext | undefined {
  const ctx = activeContext();
  if (!ctx) return undefined;
  return {
    tracium: 1,
    traceId: ctx.trace.id,
    spanId: ctx.span?.id,
    agentName: ctx.trace.agentName,
    depth: ctx.span ? ctx.span.data.depth : -1,
  };
}

function isCaptured(value: unknown): value is CapturedContext {
  const v = value as Partial<CapturedContext> | null;
  return typeof v === "object" && v !== null && v.tracium === 1 && typeof v.traceId === "string" && typeof v.agentName === "string";
}

/**
 * Runs `fn` inside a captured context, e.g. in a worker thread: spans created there join the
 * original trace under the captured span (they are exported by this thread's client). Also takes
 * what `extract(headers)` returned (see `agentTrace({ parent })`). An invalid snapshot is reported
 * and `fn` runs untraced.
 */
export function runInContext<R>(context: CapturedContext | ExtractedContext | undefined, fn: () => R): R {
  // The snapshot's own data properties only: a getter or a Proxy's traps never run (a Proxy reads as invalid).
  const captured = context === undefined ? undefined : ((plainRecord(context) ?? {}) as unknown as CapturedContext | ExtractedContext);
  if (isExtracted(captured)) {
    // From incoming W3C headers (`extract()`): as `agentTrace({ parent })` with the default agent name.
    const client = getClient();
    return runTraceCallback(client.startTrace({ agentName: client.config.defaultAgentName, parent: captured }), () => fn());
  }
  if (!isCaptured(captured)) {
    if (captured !== undefined) logger.once("warn", "bad-context", "runInContext: not a captured Tracium context; running untraced");
    return fn();
  }
  const trace = getClient().createTrace(
    { agentName: captured.agentName, traceId: captured.traceId },
    { remote: true, remoteParentSpanId: captured.spanId, remoteDepth: clampDepth(captured.depth) + 1 },
  );
  // The remote trace sends no start or end records (its owner does); ending it releases it here.
  return runTraceCallback(trace, () => fn());
}

/** Wraps `fn` so it always runs in the context active now (for listeners and callback pools). */
export function bindContext<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const store = state.als.getStore();
  if (!store || typeof fn !== "function") return fn;
  return keepFunctionShape(function (this: unknown, ...args: A): R {
    return state.als.run(store, () => fn.apply(this, args));
  }, fn);
}
