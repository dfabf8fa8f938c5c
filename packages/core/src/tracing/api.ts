/** The module-level API: `tracium.init()`, `tracium.span()`, `tracium.currentTrace()`, … */
import { TraciumClient, type ClientStats } from "./client.js";
import { resolveConfig, type TraciumOptions } from "../config/config.js";
import { activeContext } from "./context.js";
import { logger } from "../util/logger.js";
import type { Span, SpanOptions } from "./span.js";
import { state } from "../context/state.js";
import type { Trace, TraceOptions } from "./trace.js";

/** The global client in the process-wide state; only `init()` sets it. */
function globalClient(): TraciumClient | undefined {
  return state.client as TraciumClient | undefined;
}

/**
 * Creates the global client from `options` and the `TRACIUM_*` environment variables, and returns
 * it. Calling it again replaces the client (the old one is flushed and shut down in the
 * background). Never throws: bad options are logged and replaced by defaults.
 */
export function init(options?: TraciumOptions): TraciumClient {
  const previous = globalClient();
  let client: TraciumClient;
  try {
    client = new TraciumClient(resolveConfig(options));
  } catch (err) {
    logger.error("init failed; tracing is off", err);
    client = new TraciumClient(resolveConfig({ exporter: "none", enabled: false }));
  }
  state.client = client;
  if (previous && previous !== client) previous.shutdown().catch(() => undefined);
  return client;
}

/** The global client, created from the environment on first use when `init()` was not called. */
export function getClient(): TraciumClient {
  return globalClient() ?? init();
}

/** Whether `init()` ran (or a client was created on first use). */
export function isInitialized(): boolean {
  return state.client !== undefined;
}

/** `getClient().agentTrace(...)`: runs `fn` as one trace of an agent. */
export function agentTrace<R>(options: TraceOptions, fn: (trace: Trace) => R): Promise<Awaited<R>> {
  return getClient().agentTrace(options, fn);
}

/** `getClient().startTrace(...)`: a trace you end yourself. */
export function startTrace(options: TraceOptions): Trace {
  return getClient().startTrace(options);
}

/**
 * The active trace, or a new implicit one: a lazy trace with the default agent name that ends
 * when its first root span ends. This is how a call made outside any trace still gets traced.
 */
function traceForNewSpan(): { trace: Trace; parent: Span | undefined } {
  const ctx = activeContext();
  if (ctx && !ctx.trace.isEnded) return { trace: ctx.trace, parent: ctx.span };
  const client = getClient();
  const trace = client.createTrace({ agentName: client.config.defaultAgentName, lazyStart: true }, { implicit: true });
  return { trace, parent: undefined };
}

/**
 * Runs `fn` inside a new span of the active trace (child of the active span). Outside any trace
 * the span gets an implicit trace of its own. Errors mark the span failed and are rethrown as is.
 */
export function span<R>(options: SpanOptions, fn: (span: Span) => R): R {
  const { trace, parent } = traceForNewSpan();
  return trace.runSpan(parent, options, fn);
}

/**
 * Starts a span you end yourself, parented on the context active *now* (read synchronously).
 * Plugins use this for provider calls whose result settles later.
 */
export function startSpan(options: SpanOptions): Span {
  const { trace, parent } = traceForNewSpan();
  return trace.openSpan(parent, options);
}

/** The active trace, if any. */
export function currentTrace(): Trace | undefined {
  return activeContext()?.trace;
}

/** The active span, if any. */
export function currentSpan(): Span | undefined {
  return activeContext()?.span;
}

/** Delivers everything queued by the global client; never rejects. */
export async function flush(timeoutMs?: number): Promise<void> {
  await globalClient()?.flush(timeoutMs);
}

/** @internal Flushes the global client until its delivery is idle (see `TraciumClient.flushUntilIdle`). */
export async function flushUntilIdle(timeoutMs?: number): Promise<void> {
  await globalClient()?.flushUntilIdle(timeoutMs);
}

/** Ends open traces, delivers what is queued and stops the global client; never rejects. */
export async function shutdown(timeoutMs?: number): Promise<void> {
  await globalClient()?.shutdown(timeoutMs);
}

/** Delivery counters of the global client. */
export function stats(): ClientStats {
  return getClient().stats();
}
