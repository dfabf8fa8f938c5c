import type { ResolvedConfig } from "../config/config.js";
import { createExporters } from "../export/exporter-factory.js";
import { logger } from "../util/logger.js";
import { offProcessEvent, onProcessEvent } from "../util/runtime.js";
import { flushDeferred } from "./deferred-flush.js";
import type { ExportRecord, Exporter, ExporterStats, SpanData } from "../model/records.js";
import { runInSpanContext } from "./context.js";
import { runObserved } from "../util/observe.js";
import { Pricer } from "../model/cost/pricer.js";
import { isProxy } from "../util/plain-data.js";
import { sanitize, sanitizeRecord, sanitizeTags, type SanitizeOptions } from "../capture/sanitize.js";
import { maskSecrets } from "../util/secrets.js";
import { plainOptions, type Span } from "./span.js";
import { Trace, TRACE_OPTION_KEYS, type TraceKind, type TraceOptions } from "./trace.js";
import { traceFromParent } from "./w3c.js";
import { nextTurn } from "../util/runtime.js";
import type { TraceHost } from "./owners.js";
import { SpanEvents, type SpanEventHandlers } from "./span-events.js";
import { defaultSubscribers } from "./subscribers.js";

/** Delivery counters summed over the exporters (see {@link ExporterStats}), with each exporter's own. */
export interface ClientStats extends ExporterStats {
  /** Records that did not need sending: a live span copy, or a span start not written, that its `span_end` superseded. */
  superseded: number;
  /** Traces started and not yet ended. */
  openTraces: number;
  exporters: Record<string, ExporterStats>;
}

const MAX_TRACKED_TRACES = 10_000;

/**
 * The exit drain's budget: the process exits at most this long (plus teardown) after the app's
 * last call, whatever the API does (DESIGN.md, fail-safe contract: at most 2 s).
 */
export const EXIT_DRAIN_MS = 1_500;

/** How often {@link TraciumClient.flushUntilIdle} looks again while delivery is still busy. */
const IDLE_POLL_MS = 25;

/**
 * Owns the configuration and the exporters, and creates traces. Use `tracium.init()` to create the
 * global one; several clients may coexist (tests), each with its own exporters.
 */
export class TraciumClient implements TraceHost<Trace, Span> {
  /** The resolved configuration. */
  readonly config: ResolvedConfig;
  private readonly exporters: Exporter[];
  /** @internal Strings masked wherever they could be written (the API key). */
  readonly secrets: readonly string[];
  private readonly sanitizeOptions: SanitizeOptions;
  private readonly cleanDefaultMetadata: Record<string, unknown>;
  private readonly cleanDefaultTags: string[];
  private readonly openTraces = new Set<Trace>();
  private readonly pricer: Pricer | undefined;
  /** @internal The span lifecycle events of this client's recorded traces. */
  readonly events = new SpanEvents<Span, Trace>();
  private closed = false;
  /** Records emitted so far, and how many had been when the last exit drain started. */
  private emitted = 0;
  private drainedAt = 0;
  private exitDrain: Promise<void> | undefined;
  private exitDrainScheduled = false;
  private readonly onBeforeExit = (): void => this.scheduleExitDrain();

  constructor(config: ResolvedConfig, exporters?: Exporter[]) {
    this.config = config;
    this.exporters = exporters ?? createExporters(config);
    this.secrets = config.apiKey ? [config.apiKey] : [];
    this.sanitizeOptions = { redact: config.redact, secrets: this.secrets };
    this.cleanDefaultMetadata = sanitizeRecord(config.defaultMetadata, this.sanitizeOptions, "defaultMetadata");
    this.cleanDefaultTags = sanitizeTags(config.defaultTags, [], this.secrets);
    // Workers and edge runtimes have no process events (or no `process`): nothing to drain on exit there.
    onProcessEvent("beforeExit", this.onBeforeExit);
    this.pricer = config.cost && config.enabled ? new Pricer(config.prices, config.pricesUpdate) : undefined;
    const host = { priceSpan: (span: SpanData) => this.priceSpan(span), emit: (record: ExportRecord) => this.emit(record), prices: this.pricer !== undefined };
    for (const subscriber of defaultSubscribers(host)) this.events.subscribe(subscriber);
  }

  /**
   * Subscribes to the span lifecycle events of this client's recorded traces (span started, input,
   * output, tool calls and metadata recorded, span ended, trace started and ended), after the
   * built-in subscribers (tool linking, cost, summary, exporters). Handlers run synchronously on
   * the traced code's path: keep them cheap; one that throws is logged once and skipped. Returns
   * the function that unsubscribes.
   */
  subscribe(handlers: SpanEventHandlers<Span, Trace>): () => void {
    return this.events.subscribe(handlers);
  }

  /**
   * Runs `fn` as one trace of an agent and returns its result. A throw or rejection fails the
   * trace (message and stack kept) and reaches the caller as the same object. In serverless mode
   * the trace's records are delivered before this resolves.
   */
  async agentTrace<R>(options: TraceOptions, fn: (trace: Trace) => R): Promise<Awaited<R>> {
    const trace = this.startTrace(options);
    try {
      return await awaitTraceCallback(trace, fn);
    } finally {
      if (this.config.forceSync && !flushDeferred()) await this.flushTrace();
    }
  }

  /**
   * @internal The serverless flush at the end of a trace: bounded by `syncBudgetMs`, one attempt
   * on the caller's path (retries continue in the background), ~0 ms while the API is failing.
   */
  async flushTrace(): Promise<void> {
    const budget = this.config.syncBudgetMs;
    await Promise.all(this.exporters.map((e) => settleWithin(() => e.flush(budget, { failFast: true }), budget, `flush:${e.name}`)));
  }

  /** Starts a trace you end yourself: `trace.end()`, `trace.fail(err)`, or `await using`. */
  startTrace(options: TraceOptions): Trace {
    const o = plainOptions<TraceOptions>(options, TRACE_OPTION_KEYS, "trace options") as TraceOptions;
    const parent = parentOf(o.parent);
    if (!parent) return this.createTrace(o, {});
    return this.createTrace({ ...o, traceId: parent.traceId ?? o.traceId }, parent.kind);
  }

  /** @internal */
  createTrace(options: TraceOptions, kind: TraceKind): Trace {
    const trace = new Trace(this, options, kind);
    if (this.openTraces.size < MAX_TRACKED_TRACES) this.openTraces.add(trace);
    return trace;
  }

  /** @internal */
  onTraceEnd(trace: Trace): void {
    this.openTraces.delete(trace);
    // Serverless: a call made outside any trace (zero code's usual case) has no agentTrace whose
    // end could wait for delivery, and the platform may freeze the process once the handler
    // returns. Its records are sent now rather than with the next batch; nothing waits for it.
    if (trace.implicit && this.config.forceSync && !this.closed && !flushDeferred()) void this.flushTrace();
  }

  /** @internal Whether a new trace is recorded (enabled and sampled in). */
  shouldRecord(): boolean {
    if (!this.config.enabled || this.closed) return false;
    return this.config.sampleRate >= 1 || Math.random() < this.config.sampleRate;
  }

  /** @internal */
  clean(value: unknown): unknown {
    return sanitize(value, this.sanitizeOptions);
  }

  /** @internal */
  cleanRecord(value: unknown, what: string): Record<string, unknown> {
    return sanitizeRecord(value, this.sanitizeOptions, what);
  }

  /** @internal Adds `metadata.cost` to an ended model-call span, unless it has one (a provider-reported cost). */
  priceSpan(span: SpanData): void {
    if (!this.pricer || span.metadata.cost !== undefined) return;
    try {
      const cost = this.pricer.price(span);
      if (cost) span.metadata.cost = cost;
    } catch (err) {
      logger.once("error", "cost", "internal error while pricing a span; it has no cost", err);
    }
  }

  /** @internal A name or label with credentials masked (the API key, well-known formats). */
  maskText<T extends string | undefined>(text: T): T {
    return (typeof text === "string" ? maskSecrets(text, this.secrets) : text) as T;
  }

  /** @internal A copy of the sanitised `defaultMetadata`. */
  defaultMetadata(): Record<string, unknown> {
    return { ...this.cleanDefaultMetadata };
  }

  /** @internal A copy of the sanitised `defaultTags`. */
  defaultTags(): string[] {
    return [...this.cleanDefaultTags];
  }

  /** @internal Hands a record to every exporter; an exporter failure is logged, never thrown. */
  emit(record: ExportRecord): void {
    this.emitted++;
    for (const exporter of this.exporters) {
      try {
        exporter.export(record);
      } catch (err) {
        logger.once("error", `export:${exporter.name}`, `exporter "${exporter.name}" failed`, err);
      }
    }
  }

  /** Delivers everything queued. Resolves (never rejects) within `timeoutMs` (default: `timeoutMs` option). */
  async flush(timeoutMs: number = this.config.timeoutMs): Promise<void> {
    await Promise.all(this.exporters.map((e) => settleWithin(() => e.flush(timeoutMs), timeoutMs, `flush:${e.name}`)));
  }

  /**
   * @internal Flushes until nothing is queued or in flight, within `timeoutMs`; for platforms that
   * bind I/O to the request that started it (Cloudflare Workers). A request's `waitUntil` holds
   * this, so delivery it started for records of requests running alongside it is not cancelled
   * when it ends. Resolves (never rejects).
   */
  async flushUntilIdle(timeoutMs: number = this.config.timeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await this.flush(left);
      if (this.pending() === 0 || Date.now() >= deadline) return;
      // Retries are waiting, or records came in meanwhile: look again shortly, not in a busy loop.
      await new Promise((resolve) => setTimeout(resolve, Math.min(IDLE_POLL_MS, Math.max(0, deadline - Date.now()))));
    }
  }

  /**
   * Ends every open trace, delivers what is queued and releases timers. Later traces are not
   * recorded. Resolves (never rejects) within `timeoutMs`.
   */
  async shutdown(timeoutMs: number = this.config.timeoutMs): Promise<void> {
    if (this.closed) return;
    this.endOpenTraces();
    this.closed = true;
    offProcessEvent("beforeExit", this.onBeforeExit);
    await Promise.all(this.exporters.map((e) => settleWithin(() => e.shutdown(timeoutMs), timeoutMs, `shutdown:${e.name}`)));
  }

  /**
   * @internal The `beforeExit` drain: when records wait in an exporter that has no synchronous
   * exit path (the HTTP and OTLP exporters; the file exporter writes at `exit`), the drain starts
   * on the next turn, once every `beforeExit` listener has run (zero code's ends the open traces
   * first). That work keeps the loop alive, so Node emits `beforeExit` again and the app's own
   * handlers run once more: unavoidable when something must be sent, so it is done only then.
   */
  scheduleExitDrain(): void {
    if (this.closed || this.exitDrainScheduled || this.emitted === this.drainedAt || this.pending(true) === 0) return;
    this.exitDrainScheduled = true;
    nextTurn(() => {
      this.exitDrainScheduled = false;
      void this.drainForExit();
    });
  }

  /**
   * @internal The exit drain: one bounded last delivery of what is queued, with no retries; what
   * is still in flight at the deadline is aborted and counted as dropped. Runs at most once per
   * burst of activity (again only when records were emitted since the last drain), so it cannot
   * keep an exiting process alive. Never rejects.
   */
  drainForExit(): Promise<void> {
    if (this.exitDrain) return this.exitDrain;
    if (this.closed || this.emitted === this.drainedAt) return Promise.resolve();
    this.drainedAt = this.emitted;
    if (this.pending() === 0) return Promise.resolve();
    const budget = Math.min(this.config.timeoutMs, EXIT_DRAIN_MS);
    const drain = (e: Exporter): Promise<void> => (typeof e.drain === "function" ? e.drain(budget) : e.flush(budget));
    const run = Promise.all(this.exporters.map((e) => settleWithin(() => drain(e), budget, `drain:${e.name}`))).then(() => {
      this.exitDrain = undefined;
    });
    this.exitDrain = run;
    return run;
  }

  /** Ends every trace still open (at exit, at shutdown); their open spans end with them. */
  endOpenTraces(): void {
    for (const trace of [...this.openTraces]) trace.end();
  }

  /** Delivery counters: records queued, sent, failed and dropped, summed and per exporter. */
  stats(): ClientStats {
    const out: ClientStats = { queued: 0, sent: 0, failed: 0, dropped: 0, superseded: 0, openTraces: this.openTraces.size, exporters: {} };
    for (const e of this.exporters) {
      try {
        const s = e.stats();
        out.exporters[e.name] = s;
        out.queued += s.queued;
        out.sent += s.sent;
        out.failed += s.failed;
        out.dropped += s.dropped;
        out.superseded += s.superseded ?? 0;
      } catch (err) {
        logger.once("error", `stats:${e.name}`, `exporter "${e.name}" failed to report stats`, err);
      }
    }
    return out;
  }

  /** Records queued in the exporters (with `asyncOnly`, in those that do not write at exit). */
  private pending(asyncOnly = false): number {
    let n = 0;
    for (const e of this.exporters) {
      try {
        if (asyncOnly && e.writesAtExit === true) continue;
        n += e.stats().queued;
      } catch {
        // counted as nothing pending
      }
    }
    return n;
  }
}

/** Runs a trace's callback inside its context, ending the trace as the callback settles. */
export function runTraceCallback<R>(trace: Trace, fn: (trace: Trace) => R): R {
  if (typeof fn !== "function") {
    logger.once("error", "trace-fn", "agentTrace() needs a callback function");
    trace.end();
    return undefined as R;
  }
  return runObserved(
    () => runInSpanContext(trace, undefined, () => fn(trace)),
    (err, failed) => (failed ? trace.fail(err) : trace.end()),
  );
}

/**
 * `agentTrace`'s own form of {@link runTraceCallback}: it awaits the callback's result (once, as
 * its promise promises), then ends the trace. A thenable that is no native promise is awaited
 * here and only here: its `then` may run work (a query builder's) that must run once.
 */
async function awaitTraceCallback<R>(trace: Trace, fn: (trace: Trace) => R): Promise<Awaited<R>> {
  if (typeof fn !== "function") return (await runTraceCallback(trace, fn)) as Awaited<R>;
  let value: Awaited<R>;
  try {
    value = await runInSpanContext(trace, undefined, () => fn(trace));
  } catch (err) {
    settleTrace(trace, err, true);
    throw err;
  }
  settleTrace(trace, undefined, false);
  return value;
}

function settleTrace(trace: Trace, err: unknown, failed: boolean): void {
  try {
    if (failed) trace.fail(err);
    else trace.end();
  } catch {
    // trace methods guard themselves; the caller's own result or error is what surfaces
  }
}

function parentOf(parent: unknown): ReturnType<typeof traceFromParent> {
  if (parent === undefined || parent === null) return undefined;
  if (isProxy(parent)) {
    logger.once("warn", "parent-proxy", "agentTrace: `parent` is a Proxy and was not read; a new trace was started");
    return undefined;
  }
  try {
    return traceFromParent(parent);
  } catch (err) {
    logger.once("warn", "parent-read", "agentTrace: `parent` could not be read; a new trace was started", err);
    return undefined;
  }
}

/**
 * Runs an exporter's flush/shutdown/drain and settles by `timeoutMs` (plus a little) whatever the
 * exporter does. The timer is ref'd on purpose: the caller awaits this promise (often as the last
 * thing a script does), and it must settle rather than leave an unsettled await behind (exit 13).
 */
async function settleWithin(fn: () => Promise<void>, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(fn),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs + 50);
      }),
    ]);
  } catch (err) {
    logger.once("error", what, `${what} failed`, err);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
