import "../util/disposable.js";
import { types } from "node:util";
import { runInStore } from "../context/store.js";
import { newId } from "../model/ids.js";
import { logger } from "../util/logger.js";
import { reportedCost, type ReportedCost } from "../model/cost/reported.js";
import type { SpanData, Status, TokenUsage } from "../model/records.js";
import { dataField, dataItems, dataRecord, isProxy } from "../util/plain-data.js";
import { errorMessage, errorStack, errorType, sanitizeTags, withMessage } from "../capture/sanitize.js";
import type { SpanOwner } from "./owners.js";
import type { SpanOptions } from "./span-options.js";
import { epochAt, monotonicNow } from "../util/clock.js";

export type { SpanOptions, SpanType } from "./span-options.js";

const TOKEN_KEYS: ReadonlyArray<keyof TokenUsage> = [
  "inputTokens",
  "outputTokens",
  "cachedInputTokens",
  "cacheCreationInputTokens",
  "reasoningTokens",
];

function startTime(value: Date | number | undefined): number | undefined {
  const ms = types.isDate(value) ? Date.prototype.getTime.call(value) : value;
  return typeof ms === "number" && Number.isFinite(ms) ? ms : undefined;
}

/**
 * A step of a trace. Every method is safe to call at any time: after `end()` writes are ignored
 * (and reported once), bad values are reported and replaced, nothing throws.
 */
export class Span {
  /** @internal The exported data; read it through the getters. */
  readonly data: SpanData;
  /** @internal */
  readonly owner: SpanOwner<Span>;
  private readonly perfStart: number;
  private failed = false;
  /** @internal The trace's list of open spans (see `Trace.openHead`). */
  openPrev: Span | undefined = undefined;
  /** @internal */
  openNext: Span | undefined = undefined;

  /** @internal Create spans with `trace.span()`, `span.span()` or `tracium.startSpan()`. */
  constructor(owner: SpanOwner<Span>, parent: Span | undefined, options: SpanOptions | undefined) {
    // Read in place (a copy costs every span); a Proxy is never entered, and options whose reading
    // throws are replaced by defaults in openSpan.
    const o: SpanOptions = options !== null && typeof options === "object" && !isProxy(options) ? options : badOptions(options);
    this.owner = owner;
    const explicitStart = o.startedAt === undefined ? undefined : startTime(o.startedAt);
    const monotonic = monotonicNow();
    const now = epochAt(monotonic);
    this.perfStart = explicitStart !== undefined ? monotonic - Math.max(0, now - explicitStart) : monotonic;
    const spanType = typeof o.spanType === "string" && o.spanType.trim() ? owner.maskText(o.spanType.trim()).slice(0, 128) : "custom";
    // The options' metadata becomes the span's record as cleaned (a fresh object), not copied into an empty one.
    const metadata = o.metadata !== undefined ? owner.cleanRecord(o.metadata, "span metadata") : {};
    this.data = {
      id: typeof o.spanId === "string" && o.spanId ? o.spanId.slice(0, 256) : newId(),
      traceId: owner.id,
      parentSpanId: typeof o.parentSpanId === "string" ? o.parentSpanId : parent?.id ?? owner.remoteParentSpanId,
      spanType,
      name: typeof o.name === "string" && o.name.trim() ? owner.maskText(o.name).slice(0, 512) : spanType,
      status: "in_progress",
      startedAt: explicitStart ?? now,
      endedAt: undefined,
      latencyMs: undefined,
      depth: parent ? parent.data.depth + 1 : owner.remoteDepth,
      modelId: typeof o.modelId === "string" ? owner.maskText(o.modelId).slice(0, 256) : undefined,
      input: undefined,
      output: undefined,
      tools: undefined,
      toolCalls: undefined,
      error: undefined,
      usage: {},
      metadata,
      tags: [],
    };
    if (o.input !== undefined) this.recordInput(o.input);
    if (o.metadata !== undefined) this.owner.events.metadataRecorded?.(this, metadata);
    if (o.tags !== undefined) this.addTags(o.tags);
  }

  get id(): string {
    return this.data.id;
  }
  get traceId(): string {
    return this.data.traceId;
  }
  get parentSpanId(): string | undefined {
    return this.data.parentSpanId;
  }
  get name(): string {
    return this.data.name;
  }
  get spanType(): string {
    return this.data.spanType;
  }
  get status(): Status {
    return this.data.status;
  }
  /** The trace this span belongs to. */
  get trace(): SpanOwner<Span> {
    return this.owner;
  }
  /** Whether prompts and outputs are recorded (`captureContent`); plugins keep text out of metadata when false. */
  get capturesContent(): boolean {
    return this.owner.capturesContent;
  }
  /** True once `end()` (or `fail()`) ran. */
  get isEnded(): boolean {
    return this.data.endedAt !== undefined;
  }

  private writable(method: string): boolean {
    if (this.data.endedAt === undefined) return true;
    logger.once("debug", `span-ended:${method}`, `span.${method}() called after the span ended; ignored`);
    return false;
  }

  /** Records the step's input (replaces any earlier one). Dropped when `captureContent` is off. */
  recordInput(input: unknown): void {
    if (!this.writable("recordInput")) return;
    const recorded = this.owner.events.inputRecorded;
    if (recorded !== undefined) recorded(this, input);
    if (this.owner.capturesContent) this.data.input = this.owner.clean(input);
  }

  /** Records the step's output (replaces any earlier one). Dropped when `captureContent` is off. */
  recordOutput(output: unknown): void {
    if (!this.writable("recordOutput")) return;
    const recorded = this.owner.events.outputRecorded;
    if (recorded !== undefined) recorded(this, output);
    if (this.owner.capturesContent) this.data.output = this.owner.clean(output);
  }

  /** Sets token counts, normalised as in DESIGN.md; unset fields keep their value. */
  setTokenUsage(usage: TokenUsage): void {
    if (!this.writable("setTokenUsage") || !usage || typeof usage !== "object") return;
    if (isProxy(usage)) {
      logger.once("warn", "token-usage-proxy", "setTokenUsage: a Proxy is not read; ignored");
      return;
    }
    for (const key of TOKEN_KEYS) {
      const v: unknown = dataField(usage, key);
      if (v === undefined || v === null) continue;
      const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
      if (Number.isFinite(n) && n >= 0) this.data.usage[key] = Math.round(n);
      else logger.once("warn", `bad-token:${key}`, `setTokenUsage: ${key} must be a non-negative number; ignored`);
    }
  }

  /** Records the cost the provider reported for this call (USD); it is kept instead of a table price. */
  setCost(cost: ReportedCost): void {
    if (!this.writable("setCost")) return;
    const value = reportedCost(cost);
    if (value) this.data.metadata.cost = value;
    else logger.once("warn", "bad-cost", "setCost: total must be a non-negative number of US dollars; ignored");
  }

  /** Sets the model id (e.g. the model the provider reports it actually used). */
  setModelId(modelId: string): void {
    if (this.writable("setModelId") && typeof modelId === "string" && modelId) this.data.modelId = this.owner.maskText(modelId).slice(0, 256);
  }

  /** Records the tools offered to the model. With `captureContent` off only their names are kept. */
  setTools(tools: unknown[]): void {
    if (!this.writable("setTools")) return;
    const clean = this.owner.clean(this.owner.capturesContent ? tools : toolNames(tools));
    this.data.tools = Array.isArray(clean) ? clean : undefined;
  }

  /** Records the tool calls the model asked for. Arguments are dropped when `captureContent` is off. */
  setToolCalls(toolCalls: unknown[]): void {
    if (!this.writable("setToolCalls")) return;
    const recorded = this.owner.events.toolCallsRecorded;
    if (recorded !== undefined) recorded(this, toolCalls);
    const value = this.owner.capturesContent ? toolCalls : stripArguments(toolCalls);
    const clean = this.owner.clean(value);
    this.data.toolCalls = Array.isArray(clean) ? clean : undefined;
  }

  /** Merges keys into the span's metadata. */
  setMetadata(metadata: Record<string, unknown>): void {
    if (!this.writable("setMetadata")) return;
    const clean = this.owner.cleanRecord(metadata, "span metadata");
    // The cleaned record is a fresh object: the first one becomes the span's metadata as it is.
    if (isEmpty(this.data.metadata)) this.data.metadata = clean;
    else Object.assign(this.data.metadata, clean);
    const recorded = this.owner.events.metadataRecorded;
    if (recorded !== undefined) recorded(this, clean);
  }

  addTags(tags: string[]): void {
    if (this.writable("addTags")) sanitizeTags(tags, this.data.tags, this.owner.secrets);
  }

  /** Marks the span failed with this error (message kept, stack in metadata); it ends as failed. */
  markFailed(error: unknown): void {
    if (!this.writable("markFailed")) return;
    this.failed = true;
    const message = errorMessage(error);
    const clean = this.owner.cleanText(message);
    this.data.error = clean;
    const type = errorType(error);
    if (type) this.data.metadata.error_type = this.owner.maskText(type);
    const stack = errorStack(error);
    // The stack repeats the message: it carries the cleaned message (a secret the message held as
    // JSON text is only recognised in the message alone).
    if (stack) this.data.metadata.error_stack = this.owner.cleanText(withMessage(stack, message, clean));
  }

  /** Sets the status the span will end with. */
  setStatus(status: Status | (string & {})): void {
    if (!this.writable("setStatus")) return;
    if (status === "failed") this.failed = true;
    else if (status === "completed") this.failed = false;
    else {
      const shown = typeof status === "string" ? JSON.stringify(status.slice(0, 40)) : `(${status === null ? "null" : typeof status})`;
      logger.once("warn", `bad-status:${shown}`, `setStatus: unknown status ${shown}; ignored`);
    }
  }

  /** Runs `fn` inside a child span; see `Trace.span`. */
  span<R>(options: SpanOptions, fn: (span: Span) => R): R {
    return this.owner.runSpan(this, options, fn);
  }

  /** Starts a child span that you end yourself. */
  startSpan(options: SpanOptions): Span {
    return this.owner.openSpan(this, options);
  }

  /** Runs `fn` with this span as the active span, so calls made inside become its children. */
  run<R>(fn: () => R): R {
    return runInStore(this.owner, this, fn);
  }

  /** Ends the span (idempotent). */
  end(): void {
    if (this.data.endedAt !== undefined) return;
    try {
      const latency = monotonicNow() - this.perfStart;
      this.data.latencyMs = Math.round(latency * 1000) / 1000;
      this.data.endedAt = this.data.startedAt + Math.round(latency);
      this.data.status = this.failed ? "failed" : "completed";
      this.owner.onSpanEnd(this);
    } catch (err) {
      logger.once("error", "span-end", "internal error while ending a span", err);
    }
  }

  /** Marks the span failed with `error` and ends it. */
  fail(error: unknown): void {
    this.markFailed(error);
    this.end();
  }

  /** `using span = trace.startSpan(...)` ends the span at scope exit. */
  [Symbol.dispose](): void {
    this.end();
  }

  /** `await using span = trace.startSpan(...)` ends the span at scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.end();
  }
}

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

function stripArguments(toolCalls: unknown): unknown[] {
  return dataItems(toolCalls).map((c) => {
    if (!dataRecord(c)) return c;
    const id = dataField(c, "id");
    const type = dataField(c, "type");
    const name = dataField(c, "name");
    const fn = dataField(c, "function");
    return {
      ...(id !== undefined ? { id } : {}),
      ...(type !== undefined ? { type } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(dataRecord(fn) ? { function: { name: dataField(fn, "name") } } : {}),
    };
  });
}

/** Tools reduced to what identifies them (type and name): no description, no JSON schema. */
function toolNames(tools: unknown): unknown[] {
  return dataItems(tools).map((t) => {
    if (!dataRecord(t)) return null;
    const type = dataField(t, "type");
    const name = dataField(t, "name");
    const fn = dataField(t, "function");
    const fnName = dataRecord(fn) ? dataField(fn, "name") : undefined;
    return {
      ...(typeof type === "string" ? { type } : {}),
      ...(typeof name === "string" ? { name } : {}),
      ...(typeof fnName === "string" ? { function: { name: fnName } } : {}),
    };
  });
}

function badOptions(value: unknown): SpanOptions {
  if (value !== undefined && value !== null) {
    logger.once("warn", "bad-options:span options", `span options must be a plain object; got ${isProxy(value) ? "a Proxy" : typeof value}, using defaults`);
  }
  return {};
}

/**
 * Options as a plain object holding the given keys. A Proxy, a non-object, or options whose
 * reading throws give `{}` (logged): a hostile argument never throws into the caller.
 */
export function plainOptions<T extends object>(value: unknown, keys: ReadonlyArray<keyof T & string>, what: string): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || isProxy(value)) {
    logger.once("warn", `bad-options:${what}`, `${what} must be a plain object; got ${isProxy(value) ? "a Proxy" : typeof value}, using defaults`);
    return {};
  }
  const out: Partial<T> = {};
  try {
    for (const key of keys) {
      const v = (value as T)[key];
      if (v !== undefined) out[key] = v;
    }
  } catch (err) {
    logger.once("warn", `bad-options-read:${what}`, `${what} could not be read; using defaults`, err);
    return {};
  }
  return out;
}
