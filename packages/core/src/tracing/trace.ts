import { currentStore, runInStore, storeFor } from "../context/store.js";
import { newTraceId } from "../model/ids.js";
import { logger } from "../util/logger.js";
import { observeResult, promiseThen, resultKind } from "../util/observe.js";
import { state } from "../context/state.js";
import type { Status, TraceData, TraceLink } from "../model/records.js";
import type { TraceParent } from "../context/carriers.js";
import type { SpanOwner, TraceHost } from "./owners.js";
import { SpanEvents } from "./span-events.js";
import { generatorKind, isSpanGenerator, spanOverGenerator } from "./generator-span.js";
import { errorMessage, errorStack, sanitizeAgentName, sanitizeTags, withMessage } from "../capture/sanitize.js";
import { epochNow } from "../util/clock.js";
import { plainOptions, Span, type SpanOptions } from "./span.js";
import { SummaryAccumulator } from "../model/summary.js";

/** Options for a new trace. */
export interface TraceOptions {
  /** Name of the agent; letters, digits, spaces, `-`, `_`, `.` (others are replaced). */
  agentName: string;
  modelId?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
  /** Use this id instead of a new UUID. */
  traceId?: string;
  /** The agent's version. */
  version?: string;
  /** Send nothing until the first span starts; a trace with no span sends nothing at all. */
  lazyStart?: boolean;
  workspaceId?: string;
  /**
   * Continue a trace from another process: its incoming HTTP headers (`traceparent`/`tracestate`),
   * what `tracium.extract(headers)` returned, or a `captureContext()` snapshot. See `inject()`.
   */
  parent?: TraceParent;
}

/** @internal How a trace came to be. */
export interface TraceKind {
  /** Created for a call made outside any trace; ends with its first root span. */
  implicit?: boolean;
  /** Continues a trace owned by another thread or process: no start or end records. */
  remoteParentSpanId?: string;
  remoteDepth?: number;
  remote?: boolean;
  /** The caller's sampling decision (a continued trace follows it). */
  sampled?: boolean;
  /** Where the trace sits in a W3C trace from elsewhere (`parent`). */
  otel?: TraceLink;
}

/** @internal The keys of {@link TraceOptions}. */
export const TRACE_OPTION_KEYS: ReadonlyArray<keyof TraceOptions> = ["agentName", "modelId", "tags", "metadata", "traceId", "version", "lazyStart", "workspaceId", "parent"];

/** The events of traces that are not recorded: nobody subscribes. */
const SILENT = new SpanEvents<Span, Trace>();

const TRACE_ID_RE = /^[a-zA-Z0-9\-_]{1,256}$/;

/**
 * One run of an agent. Methods never throw; after `end()` writes are ignored (reported once).
 */
export class Trace implements SpanOwner<Span> {
  /** @internal */
  readonly data: TraceData;
  /** @internal */
  readonly client: TraceHost<Trace, Span>;
  /** @internal Whether records are exported (sampled in, tracing enabled). */
  readonly recording: boolean;
  /** @internal */
  readonly implicit: boolean;
  /** @internal */
  readonly remote: boolean;
  /** @internal */
  readonly remoteParentSpanId: string | undefined;
  /** @internal */
  readonly remoteDepth: number;
  private started = false;
  /** `end()` is running: it ends the open spans (which still count in the summary) before `endedAt` is set. */
  private ending = false;
  private lazy: boolean;
  /** @internal The model id was set by the user (the summary does not fill it in). */
  userModelId: boolean;
  private failedReason: string | undefined;
  private readonly userSummary: Record<string, unknown> = {};
  /**
   * The newest open span; open spans are linked through `Span.openPrev`/`openNext`. Not a `Set`:
   * a long-lived trace sits in old space, and a collection it owns that young spans are written
   * into keeps them alive through minor GCs (bench/, long-lived trace shapes).
   */
  private openHead: Span | undefined;
  /** @internal Running totals of the trace's model calls (kept by the summary subscriber). */
  readonly totals = new SummaryAccumulator();
  /** @internal Where this trace's span events go: its client's, or nowhere when not recorded. */
  readonly events: SpanEvents<Span, Trace>;
  private implicitRoot: Span | undefined;

  /** @internal Create traces with `client.agentTrace()` or `client.startTrace()`. */
  constructor(client: TraceHost<Trace, Span>, options: TraceOptions, kind: TraceKind = {}) {
    const o = plainOptions<TraceOptions>(options, TRACE_OPTION_KEYS, "trace options");
    if (!options || typeof options !== "object") logger.once("warn", "trace-options", "trace options must be an object; using defaults");
    const cfg = client.config;
    this.client = client;
    this.implicit = kind.implicit === true;
    this.remote = kind.remote === true;
    this.remoteParentSpanId = kind.remoteParentSpanId;
    this.remoteDepth = kind.remoteDepth ?? 0;
    this.recording = kind.sampled === false ? false : client.shouldRecord();
    this.events = this.recording ? client.events : SILENT;
    this.lazy = o.lazyStart === true;
    let id: string | undefined;
    if (o.traceId !== undefined) {
      if (typeof o.traceId === "string" && TRACE_ID_RE.test(o.traceId)) id = o.traceId;
      else logger.once("warn", "bad-trace-id", "traceId must be 1-256 letters, digits, '-' or '_'; a new id was used");
    }
    id ??= newTraceId();
    this.userModelId = typeof o.modelId === "string" && o.modelId !== "";
    const secrets = client.secrets;
    this.data = {
      id,
      agentName: sanitizeAgentName(o.agentName, cfg.defaultAgentName, secrets),
      modelId: this.userModelId ? client.maskText(o.modelId as string).slice(0, 256) : undefined,
      version: client.maskText(typeof o.version === "string" ? o.version.slice(0, 128) : cfg.defaultVersion),
      workspaceId: client.maskText(typeof o.workspaceId === "string" ? o.workspaceId.slice(0, 256) : cfg.workspaceId),
      tags: sanitizeTags(o.tags, client.defaultTags(), secrets),
      metadata: { ...client.defaultMetadata(), ...this.cleanRecord(o.metadata, "trace metadata") },
      status: "in_progress",
      startedAt: epochNow(),
      endedAt: undefined,
      error: undefined,
      summary: {},
      systemPrompt: undefined,
      ...(kind.otel ? { otel: { ...kind.otel } } : {}),
    };
    if (!this.lazy) this.ensureStarted();
  }

  get id(): string {
    return this.data.id;
  }
  get agentName(): string {
    return this.data.agentName;
  }
  /** A copy of the trace's tags. */
  get tags(): string[] {
    return [...this.data.tags];
  }
  get status(): Status {
    return this.data.status;
  }
  /** The summary so far: auto-filled totals plus the keys you set. */
  get summary(): Record<string, unknown> {
    return { ...this.totals.toSummary(), ...this.userSummary };
  }
  get isEnded(): boolean {
    return this.data.endedAt !== undefined;
  }

  /** @internal */
  get capturesContent(): boolean {
    return this.client.config.captureContent;
  }

  /** @internal Sanitise a value with the client's redaction settings; skipped when not recording. */
  clean(value: unknown): unknown {
    return this.recording ? this.client.clean(value) : undefined;
  }

  /** @internal Strings masked wherever they appear (the API key). */
  get secrets(): readonly string[] {
    return this.client.secrets;
  }

  /** @internal A name or label with credentials masked (the API key, well-known formats). */
  maskText<T extends string | undefined>(text: T): T {
    return this.client.maskText(text);
  }

  /** @internal A string with secrets masked and its length bounded (error messages). */
  cleanText(text: string): string {
    const out = this.client.clean(text);
    return typeof out === "string" ? out : text;
  }

  /** @internal */
  cleanRecord(value: unknown, what: string): Record<string, unknown> {
    return this.client.cleanRecord(value, what);
  }

  private writable(method: string): boolean {
    if (this.data.endedAt === undefined) return true;
    logger.once("debug", `trace-ended:${method}`, `trace.${method}() called after the trace ended; ignored`);
    return false;
  }

  addTags(tags: string[]): void {
    if (this.writable("addTags")) sanitizeTags(tags, this.data.tags, this.client.secrets);
  }

  /** Merges keys into the summary. Your keys win over the auto-filled ones. */
  setSummary(summary: Record<string, unknown>): void {
    if (!this.writable("setSummary")) return;
    Object.assign(this.userSummary, this.cleanRecord(summary, "summary"));
  }

  /** Merges keys into the trace metadata. */
  setMetadata(metadata: Record<string, unknown>): void {
    if (this.writable("setMetadata")) Object.assign(this.data.metadata, this.cleanRecord(metadata, "trace metadata"));
  }

  /** Sets the trace's model id (otherwise taken from its first `llm` span). */
  setModelId(modelId: string): void {
    if (this.writable("setModelId") && typeof modelId === "string" && modelId) {
      this.data.modelId = this.client.maskText(modelId).slice(0, 256);
      this.userModelId = true;
    }
  }

  /** The trace will end as failed with this reason, even if its callback returns normally. */
  markFailed(reason: unknown): void {
    if (this.writable("markFailed")) this.failedReason = this.cleanText(errorMessage(reason));
  }

  /**
   * Runs `fn` inside a new span, the child of the active span of this trace (or a root span).
   * A throw or rejection marks the span failed and reaches the caller unchanged.
   */
  span<R>(options: SpanOptions, fn: (span: Span) => R): R {
    return this.runSpan(this.activeSpan(), options, fn);
  }

  /** Starts a span you end yourself (`span.end()`, or `using`). Parent: the active span of this trace. */
  startSpan(options: SpanOptions): Span {
    return this.openSpan(this.activeSpan(), options);
  }

  /** Runs `fn` with this trace active (no span), so calls made inside join it. */
  run<R>(fn: () => R): R {
    return runInStore(this, undefined, fn);
  }

  /** The active span when this trace is the active one (the store holds only this trace's spans). */
  private activeSpan(): Span | undefined {
    const ctx = currentStore();
    return ctx?.trace === this ? (ctx.span as Span | undefined) : undefined;
  }

  /** @internal */
  runSpan<R>(parent: Span | undefined, options: SpanOptions, fn: (span: Span) => R): R {
    if (typeof fn !== "function") {
      logger.once("error", "span-fn", "span() needs a callback function");
      return undefined as R;
    }
    const span = this.openSpan(parent, options);
    // Called directly (not through runObserved and closures): each nesting level of spans costs
    // as few stack frames as possible, so deep synchronous recursion goes nearly as deep as untraced.
    let result: R;
    try {
      // A closure, not run()'s extra arguments: the context storages of edge runtimes take none.
      result = state.als.run(storeFor(this, span), () => fn(span));
    } catch (err) {
      endSpan(span, err, true);
      throw err;
    }
    if (result === null || (typeof result !== "object" && typeof result !== "function")) {
      endSpan(span, undefined, false);
      return result;
    }
    const kind = resultKind(result);
    if (kind === "promise") {
      // The common async callback: two reactions and nothing else per level (no settle closure).
      return promiseThen.call(
        result as unknown as Promise<unknown>,
        (value) => {
          endSpan(span, undefined, false);
          return value;
        },
        (err: unknown) => {
          endSpan(span, err, true);
          throw err;
        },
      ) as R;
    }
    if (kind === "value") {
      const generator = generatorKind(result);
      // Its work runs as it is iterated: the span ends with the iteration (generator-span.ts).
      if (generator !== undefined) return (isSpanGenerator(result) ? result : spanOverGenerator(result as object, generator, span)) as R;
    }
    // Its `then` may run work that only the caller's own await should start: not called.
    if (kind === "thenable") span.setMetadata({ unobserved_result: "thenable" });
    return observeResult(result, (err, failed) => endSpan(span, err, failed));
  }

  /** @internal */
  openSpan(parent: Span | undefined, options: SpanOptions): Span {
    let span: Span;
    try {
      span = new Span(this, parent, options);
    } catch (err) {
      // options whose getters throw: the span starts with defaults
      logger.once("warn", "span-options-read", "span options could not be read; using defaults", err);
      span = new Span(this, parent, {});
    }
    if (this.data.endedAt !== undefined) {
      logger.once("debug", "span-after-trace-end", "a span started after its trace ended; it is still exported");
    }
    if (this.implicit && !this.implicitRoot) this.implicitRoot = span;
    if (this.recording) {
      this.ensureStarted();
      const head = this.openHead;
      if (head !== undefined) head.openPrev = span;
      span.openNext = head;
      this.openHead = span;
      const started = this.events.spanStarted;
      if (started !== undefined) started(span, this);
    }
    return span;
  }

  /** @internal */
  onSpanEnd(span: Span): void {
    if (this.recording) {
      this.unlinkOpen(span);
      const ended = this.events.spanEnded;
      if (ended !== undefined) ended(span, this); // cost, summary, records (tracing/subscribers.ts)
    }
    if (span === this.implicitRoot) {
      if (span.status === "failed") this.failedReason = span.data.error ?? "failed";
      this.end();
    }
  }

  private unlinkOpen(span: Span): void {
    const prev = span.openPrev;
    const next = span.openNext;
    if (prev !== undefined) prev.openNext = next;
    else if (this.openHead === span) this.openHead = next;
    else return; // not linked
    if (next !== undefined) next.openPrev = prev;
    span.openPrev = undefined;
    span.openNext = undefined;
  }

  /** @internal Emits the start record once (a lazy trace does so at its first span). */
  ensureStarted(): void {
    if (this.started || this.remote || !this.recording) return;
    this.started = true;
    this.events.traceStarted?.(this);
  }

  /** Ends the trace (idempotent): open spans are ended, the summary filled, the end record sent. */
  end(): void {
    if (this.data.endedAt !== undefined || this.ending) return;
    this.ending = true;
    try {
      const endedAt = epochNow();
      const open: Span[] = [];
      for (let s = this.openHead; s !== undefined; s = s.openNext) open.push(s);
      // Oldest first, as a Set iterated them.
      for (let i = open.length - 1; i >= 0; i--) {
        const span = open[i]!;
        span.setMetadata({ ended_with_trace: true });
        span.end();
      }
      // Set after the open spans ended: an llm span still open at the end is part of the summary.
      this.data.endedAt = endedAt;
      this.data.status = this.failedReason !== undefined ? "failed" : "completed";
      this.data.error = this.failedReason;
      if (!this.data.modelId && this.client.config.defaultModelId) this.data.modelId = this.client.config.defaultModelId;
      this.data.summary = { ...this.totals.toSummary(), ...this.userSummary };
      if (this.started) this.events.traceEnded?.(this);
    } catch (err) {
      logger.once("error", "trace-end", "internal error while ending a trace", err);
      this.data.endedAt ??= epochNow();
    } finally {
      this.client.onTraceEnd(this);
    }
  }

  /** Marks the trace failed with `error` (its stack kept) and ends it. */
  fail(error: unknown): void {
    if (!this.writable("fail")) return;
    const message = errorMessage(error);
    const stack = errorStack(error);
    this.failedReason = this.cleanText(stack ? withMessage(stack, message, this.cleanText(message)) : message);
    this.end();
  }

  /** `using trace = client.startTrace(...)` ends the trace at scope exit. */
  [Symbol.dispose](): void {
    this.end();
  }

  /** `await using trace = client.startTrace(...)` ends the trace at scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.end();
  }
}

function endSpan(span: Span, err: unknown, failed: boolean): void {
  try {
    if (failed) span.markFailed(err);
    span.end();
  } catch {
    // span methods guard themselves; this keeps the caller's own error the one that surfaces
  }
}
