/**
 * The `otel` exporter: emits Tracium traces through the OpenTelemetry tracer provider the app has
 * registered (`trace.setGlobalTracerProvider(...)`, `NodeSDK.start()`, `provider.register()`), so
 * whatever span processors and exporters the app configured receive them, with the same GenAI
 * semantic-convention attributes as the `otlp` exporter.
 *
 * - A trace becomes an `invoke_agent {agent_name}` span started when the trace starts, as a child
 *   of the OpenTelemetry span active at that moment (a Tracium trace started inside an HTTP server
 *   span is part of that request's trace). Tracium spans become its descendants, started when they
 *   start (so samplers and `onStart` processors see them live) and completed when they end.
 * - Ids are the provider's (its IdGenerator picks them). `tracium.inject()` asks this exporter for
 *   the real ids, so headers written inside a bridged trace point at the bridged spans.
 * - No dependency on `@opentelemetry/api`: it reads the API's process-wide registry
 *   (`globalThis[Symbol.for("opentelemetry.js.api.1")]`, shared by every copy of the API 1.x) and
 *   uses only the stable `TracerProvider`/`Tracer`/`Span`/`Context` interfaces. With no provider
 *   registered (yet), spans are dropped and counted, with one warning.
 * - Tracium spans are not made the active OpenTelemetry span: other instrumentations' spans
 *   (HTTP clients…) made during a Tracium span stay children of whatever OTel span was active.
 */
import { logger } from "../../util/logger.js";
import type { ExportRecord, Exporter, ExporterStats, SpanData, TraceData } from "../../model/records.js";
import { withTimeout } from "../delivery/timers.js";
import { SDK_VERSION } from "../../util/version.js";
import { mapSpan, mapTrace } from "../otlp/mapping.js";
import type { AttrValue, KeyValue, OtlpSpan } from "../otlp/model.js";
import { registerW3CResolver } from "../../context/w3c-resolvers.js";

// ---------------------------------------------------------------- the parts of @opentelemetry/api we use

type OtelAttributeValue = string | number | boolean | string[];
type OtelAttributes = Record<string, OtelAttributeValue>;

interface OtelSpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
}

interface OtelSpan {
  spanContext(): OtelSpanContext;
  setAttributes(attributes: OtelAttributes): unknown;
  addEvent(name: string, attributes?: OtelAttributes, time?: number): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  updateName(name: string): unknown;
  end(endTime?: number): void;
  isRecording(): boolean;
}

interface OtelContext {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): OtelContext;
  deleteValue(key: symbol): OtelContext;
}

interface OtelTracer {
  startSpan(name: string, options?: { kind?: number; startTime?: number; attributes?: OtelAttributes }, context?: OtelContext): OtelSpan;
}

interface OtelTracerProvider {
  getTracer(name: string, version?: string): OtelTracer;
  getDelegate?(): unknown;
  forceFlush?(): Promise<void>;
}

interface OtelGlobal {
  version?: string;
  trace?: OtelTracerProvider;
  context?: { active(): OtelContext };
}

/** The key of the API's global registry (`@opentelemetry/api` 1.x, `src/internal/global-utils.ts`). */
const API_KEY = Symbol.for("opentelemetry.js.api.1");
/** The context key of the active span (`createContextKey('OpenTelemetry Context Key SPAN')`). */
const SPAN_KEY = Symbol.for("OpenTelemetry Context Key SPAN");

/** The registered API globals when a tracer provider is registered by a compatible (1.x) API. */
function otelGlobal(): OtelGlobal | undefined {
  const g = (globalThis as Record<symbol, OtelGlobal | undefined>)[API_KEY];
  if (!g || typeof g !== "object" || typeof g.trace?.getTracer !== "function") return undefined;
  if (typeof g.version === "string" && !g.version.startsWith("1.")) return undefined;
  return g;
}

/** An immutable context, as the API's `BaseContext` (used when no context manager is registered). */
class RootContext implements OtelContext {
  constructor(private readonly values: ReadonlyMap<symbol, unknown> = new Map()) {}
  getValue(key: symbol): unknown {
    return this.values.get(key);
  }
  setValue(key: symbol, value: unknown): OtelContext {
    return new RootContext(new Map(this.values).set(key, value));
  }
  deleteValue(key: symbol): OtelContext {
    const next = new Map(this.values);
    next.delete(key);
    return new RootContext(next);
  }
}

const ROOT = new RootContext();

/** A span from another process, as the API's `NonRecordingSpan` (what `trace.wrapSpanContext` returns). */
class RemoteSpan implements OtelSpan {
  constructor(private readonly ctx: OtelSpanContext) {}
  spanContext(): OtelSpanContext {
    return this.ctx;
  }
  setAttributes(): this {
    return this;
  }
  setAttribute(): this {
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(): this {
    return this;
  }
  updateName(): this {
    return this;
  }
  recordException(): void {}
  end(): void {}
  isRecording(): boolean {
    return false;
  }
}

function activeContext(g: OtelGlobal): OtelContext {
  try {
    const ctx = g.context?.active();
    if (ctx && typeof ctx.getValue === "function" && typeof ctx.setValue === "function") return ctx;
  } catch {
    // fall through
  }
  return ROOT;
}

function spanIn(ctx: OtelContext): OtelSpan | undefined {
  const span = ctx.getValue(SPAN_KEY) as OtelSpan | undefined;
  return span && typeof span.spanContext === "function" ? span : undefined;
}

function toOtelValue(v: AttrValue): OtelAttributeValue {
  if (v.type !== "array") return v.value;
  const items = v.value;
  if (items.every((i) => i.type === "string")) return items.map((i) => i.value as string);
  return JSON.stringify(items.map((i) => i.value));
}

function toOtelAttributes(list: readonly KeyValue[]): OtelAttributes {
  const out: OtelAttributes = {};
  for (const kv of list) out[kv.key] = toOtelValue(kv.value);
  return out;
}

/** OTLP `SpanKind` (1 = internal) → API `SpanKind` (0 = internal). */
function apiKind(otlpKind: number): number {
  return Math.max(0, otlpKind - 1);
}

function nsToMs(ns: bigint): number {
  return Number(ns / 1000n) / 1000;
}

// ---------------------------------------------------------------- the exporter

/** Options of {@link OtelBridgeExporter}. */
export interface OtelBridgeExporterOptions {
  /** Write prompts and outputs as `gen_ai.*.messages` attributes. Default true. */
  captureContent?: boolean;
  /** Instrumentation scope name of the tracer. Default "tracium". */
  tracerName?: string;
}

const MAX_OPEN = 10_000;

/** Emits Tracium spans through the app's registered OpenTelemetry tracer provider. */
export class OtelBridgeExporter implements Exporter {
  readonly name = "otel";
  private readonly captureContent: boolean;
  private readonly tracerName: string;
  /** Root `invoke_agent` span of each open trace, by Tracium trace id. */
  private readonly roots = new Map<string, OtelSpan>();
  /** Open spans, by Tracium span id. */
  private readonly open = new Map<string, OtelSpan>();
  private readonly unregister: () => void;
  private sent = 0;
  private dropped = 0;
  private closed = false;

  constructor(options: OtelBridgeExporterOptions = {}) {
    this.captureContent = options?.captureContent !== false;
    this.tracerName = typeof options?.tracerName === "string" && options.tracerName ? options.tracerName : "tracium";
    this.unregister = registerW3CResolver((trace, span) => {
      const s = span ? this.open.get(span.id) : this.roots.get(trace.id);
      const sc = s?.spanContext();
      return sc ? { traceId: sc.traceId, spanId: sc.spanId } : undefined;
    });
  }

  export(record: ExportRecord): void {
    if (this.closed) {
      if (record.kind === "span_end" || record.kind === "trace_end") this.dropped++;
      return;
    }
    try {
      const g = otelGlobal();
      if (!g) {
        if (record.kind === "span_end" || record.kind === "trace_end") this.dropped++;
        logger.once(
          "warn",
          "otel-bridge:no-provider",
          'exporter "otel": no OpenTelemetry tracer provider is registered (register one, e.g. NodeSDK.start() or trace.setGlobalTracerProvider(), before tracing starts); Tracium spans are dropped until then',
        );
        return;
      }
      const tracer = g.trace!.getTracer(this.tracerName, SDK_VERSION);
      switch (record.kind) {
        case "trace_start":
          this.startRoot(g, tracer, record.trace);
          break;
        case "span_start":
          this.startSpan(g, tracer, record.span, record.trace);
          break;
        case "span_end":
          this.endSpan(g, tracer, record.span, record.trace);
          break;
        case "trace_end":
          this.endRoot(record.trace);
          break;
      }
    } catch (err) {
      if (record.kind === "span_end" || record.kind === "trace_end") this.dropped++;
      logger.once("error", "otel-bridge:export", 'exporter "otel" failed to emit a span', err);
    }
  }

  private startRoot(g: OtelGlobal, tracer: OtelTracer, trace: TraceData): void {
    if (this.roots.has(trace.id)) return;
    if (this.roots.size >= MAX_OPEN) return;
    let ctx = activeContext(g);
    const link = trace.otel;
    // Continuing a caller's span from headers: under it, unless the active span is already in
    // that trace (an instrumented HTTP server span, itself the caller's child: better still).
    if (link && spanIn(ctx)?.spanContext().traceId !== link.traceId) {
      ctx = ctx.setValue(SPAN_KEY, new RemoteSpan({ traceId: link.traceId, spanId: link.parentSpanId, traceFlags: 1, isRemote: true }));
    }
    const root = mapTrace(trace);
    const span = tracer.startSpan(root.name, { kind: apiKind(root.kind), startTime: trace.startedAt, attributes: toOtelAttributes(root.attributes) }, ctx);
    this.roots.set(trace.id, span);
  }

  /** The context a span starts in: under its Tracium parent, the trace's root, or the caller's span. */
  private parentContext(g: OtelGlobal, span: SpanData, trace: TraceData): OtelContext {
    const active = activeContext(g);
    const parent = span.parentSpanId !== undefined ? this.open.get(span.parentSpanId) : undefined;
    if (parent) return active.setValue(SPAN_KEY, parent);
    const link = trace.otel;
    const underCaller = link && (span.parentSpanId === undefined ? link.continued : span.parentSpanId === link.parentTraciumSpanId);
    if (link && underCaller) {
      if (spanIn(active)?.spanContext().traceId === link.traceId) return active;
      return active.setValue(SPAN_KEY, new RemoteSpan({ traceId: link.traceId, spanId: link.parentSpanId, traceFlags: 1, isRemote: true }));
    }
    const root = this.roots.get(trace.id);
    return root ? active.setValue(SPAN_KEY, root) : active;
  }

  private begin(g: OtelGlobal, tracer: OtelTracer, span: SpanData, trace: TraceData, mapped: OtlpSpan): OtelSpan | undefined {
    if (this.open.size >= MAX_OPEN) {
      logger.once("warn", "otel-bridge:full", 'exporter "otel": too many open spans; new spans are dropped until some end');
      return undefined;
    }
    const otelSpan = tracer.startSpan(
      mapped.name,
      { kind: apiKind(mapped.kind), startTime: span.startedAt, attributes: toOtelAttributes(mapped.attributes) },
      this.parentContext(g, span, trace),
    );
    this.open.set(span.id, otelSpan);
    return otelSpan;
  }

  private startSpan(g: OtelGlobal, tracer: OtelTracer, span: SpanData, trace: TraceData): void {
    if (this.open.has(span.id) || span.endedAt !== undefined) return;
    this.begin(g, tracer, span, trace, mapSpan(span, trace, { captureContent: false }));
  }

  private endSpan(g: OtelGlobal, tracer: OtelTracer, span: SpanData, trace: TraceData): void {
    const mapped = mapSpan(span, trace, { captureContent: this.captureContent });
    const otelSpan = this.open.get(span.id) ?? this.begin(g, tracer, span, trace, mapped);
    this.open.delete(span.id);
    if (!otelSpan) {
      this.dropped++;
      return;
    }
    finish(otelSpan, mapped);
    this.sent++;
  }

  private endRoot(trace: TraceData): void {
    const root = this.roots.get(trace.id);
    if (!root) return;
    this.roots.delete(trace.id);
    finish(root, mapTrace(trace));
    this.sent++;
  }

  /** Asks the app's provider to flush (`forceFlush`), within `timeoutMs`. Never rejects. */
  async flush(timeoutMs: number): Promise<void> {
    try {
      const provider = otelGlobal()?.trace;
      const delegate = (provider?.getDelegate?.() ?? provider) as OtelTracerProvider | undefined;
      if (typeof delegate?.forceFlush === "function") await withTimeout(Promise.resolve(delegate.forceFlush()), timeoutMs);
    } catch (err) {
      logger.once("warn", "otel-bridge:flush", 'exporter "otel": the tracer provider failed to flush', err);
    }
  }

  /** Flushes the app's provider (it is the app's: it is not shut down) and stops emitting. */
  async shutdown(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    await this.flush(timeoutMs);
    this.closed = true;
    this.unregister();
    this.dropped += this.open.size;
    this.open.clear();
    this.roots.clear();
  }

  /** `sent`: spans handed to the provider (which owns their delivery from then on: `queued` is 0). */
  stats(): ExporterStats {
    return { queued: 0, sent: this.sent, failed: 0, dropped: this.dropped };
  }
}

function finish(span: OtelSpan, mapped: OtlpSpan): void {
  span.updateName(mapped.name);
  span.setAttributes(toOtelAttributes(mapped.attributes));
  for (const e of mapped.events) span.addEvent(e.name, toOtelAttributes(e.attributes), nsToMs(e.timeNs));
  if (mapped.status.code !== 0) span.setStatus({ code: mapped.status.code, ...(mapped.status.message ? { message: mapped.status.message } : {}) });
  span.end(nsToMs(mapped.endNs));
}
