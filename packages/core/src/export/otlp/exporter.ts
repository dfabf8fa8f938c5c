/**
 * The `otlp` exporter: sends Tracium traces to any OpenTelemetry backend (a Collector, Jaeger,
 * Tempo, Honeycomb, Langfuse, Phoenix…) over OTLP/HTTP, protobuf or JSON, optionally gzipped.
 *
 * Each `span_end` record becomes one span (see `mapping.ts`), each `trace_end` the trace's
 * `invoke_agent` root span; start records are not needed (OTLP carries finished spans only).
 * `export()` only queues (O(1), synchronous, never throws); a background pump sends batches of up
 * to `maxBatchSize` spans every `flushIntervalMs` (at once when a batch is full), one request at a
 * time, retrying what the OTLP specification calls retryable (network errors, timeouts, 429, 502,
 * 503, 504) with exponential backoff and jitter, honouring `Retry-After`. The queue is bounded in
 * spans and bytes; what cannot be kept is dropped and counted. `stats()` counts spans.
 */
import type * as zlib from "node:zlib";
import { loadBuiltin } from "../../util/builtin.js";
import { logger } from "../../util/logger.js";
import type { ExportRecord, ExporterStats } from "../../model/records.js";
import { BatchingExporter, describeOutcome, excerpt } from "../delivery/batching-exporter.js";
import { isLoopbackHost } from "../delivery/endpoint.js";
import type { HttpOutcome } from "../delivery/http.js";
import { intOption } from "../delivery/options.js";
import { backoffDelay } from "../delivery/retry.js";
import { estimateRecordBytes } from "../delivery/size.js";
import { sleep } from "../delivery/timers.js";
import { SDK_VERSION } from "../../util/version.js";
import { DEFAULT_OTLP_ENDPOINT, type OtlpCompression, type OtlpProtocol } from "../../config/otlp.js";
import { encodeJson, encodeProtobuf } from "./encode.js";
import { mapSpan, mapTrace } from "./mapping.js";
import { Attributes, type KeyValue, type OtlpBatch, type OtlpSpan } from "./model.js";
import { readPartialSuccess } from "./protobuf.js";
import { shrinkOtlpSpan } from "./shrink.js";
import { ATTR } from "./semconv.js";

/** Options of {@link OtlpHttpExporter}. */
export interface OtlpHttpExporterOptions {
  /** Full URL of the traces endpoint. Default `http://localhost:4318/v1/traces`. */
  endpoint?: string;
  /** Extra request headers (authentication). Never logged. */
  headers?: Record<string, string>;
  /** `http/protobuf` (default) or `http/json`. */
  protocol?: OtlpProtocol;
  /** `gzip` or `none` (default). */
  compression?: OtlpCompression;
  /** The resource's `service.name`. Default `unknown_service:node`. */
  serviceName?: string;
  /** More resource attributes. */
  resourceAttributes?: Record<string, string | number | boolean>;
  /** Write prompts and outputs as `gen_ai.*.messages` attributes. Default true (the spans only carry content when `captureContent` is on anyway). */
  captureContent?: boolean;
  /** Sends through this `fetch` (tests, proxies) instead of the built-in transport (pipelined HTTP/1.1 over `node:net`/`node:tls`). */
  fetch?: typeof fetch;
  /** Per-request timeout, ms. Default 10000. */
  timeoutMs?: number;
  /** Spans queued at most (including those in flight). Default 10000. */
  maxQueueSize?: number;
  /** Estimated bytes queued at most. Default 50 MB. */
  maxQueueBytes?: number;
  /** Spans per request. Default 512. */
  maxBatchSize?: number;
  /** How long spans may wait to be batched, ms. Default 1000. */
  flushIntervalMs?: number;
  /** Retries of a request after the first attempt. Default 5. */
  maxRetries?: number;
  /** Base of the exponential backoff, ms. Default 500. */
  retryBaseMs?: number;
  /** Longest backoff, ms. Default 30000. */
  retryMaxMs?: number;
  /** Allow plain `http://` to a host that is not this machine. Default false. */
  allowInsecureHttp?: boolean;
}

type Item = { record: Extract<ExportRecord, { kind: "span_end" | "trace_end" }>; bytes: number };

/** Statuses the OTLP/HTTP specification says to retry (plus 0: no response). */
function retryable(status: number): boolean {
  return status === 0 || status === 429 || status === 502 || status === 503 || status === 504;
}

/** `node:zlib` is loaded at the first gzipped request only (util/builtin.ts). */
async function gzipAsync(data: Uint8Array): Promise<Uint8Array> {
  const { gzip } = await loadBuiltin<Pick<typeof zlib, "gzip">>("node:zlib");
  return new Promise((resolve, reject) => gzip(data, (err, out) => (err ? reject(err) : resolve(out))));
}

/**
 * Sends Tracium traces over OTLP/HTTP. The queue model: one FIFO of finished spans, one request
 * at a time; the lifecycle (flush, drain, shutdown, halt) is the shared {@link BatchingExporter}'s.
 */
export class OtlpHttpExporter extends BatchingExporter {
  readonly name = "otlp";

  private readonly endpoint: string;
  private readonly headers: Record<string, string>;
  private readonly protocol: OtlpProtocol;
  private readonly compression: OtlpCompression;
  private readonly resource: KeyValue[];
  private readonly captureContent: boolean;
  private readonly timeoutMs: number;
  private readonly maxQueueSize: number;
  private readonly maxQueueBytes: number;
  private readonly maxBatchSize: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  private queue: Item[] = [];
  private queueBytes = 0;
  private inflight = 0;
  /** Items ever queued / settled (sent, failed or dropped), for flush(). Settling is FIFO. */
  private enqueued = 0;
  private settled = 0;
  private waiters: Array<{ target: number; resolve: () => void }> = [];
  private sending: Promise<void> | undefined;

  constructor(options: OtlpHttpExporterOptions = {}) {
    const o = options && typeof options === "object" ? options : {};
    const fetchFn = o.fetch;
    super({
      logKey: "otlp",
      label: "OTLP ",
      queueFullMessage: "OTLP export queue is full; dropping spans until it drains (is the collector reachable? see stats().dropped)",
      exportFailureMessage: "could not queue a span for OTLP export",
      flushIntervalMs: intOption("otlp flushIntervalMs", o.flushIntervalMs, 1_000, 0),
      fetch: typeof fetchFn === "function" ? fetchFn : undefined,
      concurrency: 1,
      maxRequests: 8,
      maxWaits: 8,
    });
    this.endpoint = typeof o.endpoint === "string" && o.endpoint ? o.endpoint : DEFAULT_OTLP_ENDPOINT;
    this.protocol = o.protocol === "http/json" ? "http/json" : "http/protobuf";
    this.compression = o.compression === "gzip" ? "gzip" : "none";
    this.captureContent = o.captureContent !== false;
    this.timeoutMs = intOption("otlp timeoutMs", o.timeoutMs, 10_000, 1);
    this.maxQueueSize = intOption("otlp maxQueueSize", o.maxQueueSize, 10_000, 1);
    this.maxQueueBytes = intOption("otlp maxQueueBytes", o.maxQueueBytes, 50 * 1024 * 1024, 1024);
    this.maxBatchSize = intOption("otlp maxBatchSize", o.maxBatchSize, 512, 1, 10_000);
    this.maxRetries = intOption("otlp maxRetries", o.maxRetries, 5, 0, 100);
    this.retryBaseMs = intOption("otlp retryBaseMs", o.retryBaseMs, 500, 0);
    this.retryMaxMs = intOption("otlp retryMaxMs", o.retryMaxMs, 30_000, 0);

    const userHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) {
      if (typeof v !== "string") continue;
      logger.addSecret(v);
      userHeaders[k] = v;
    }
    this.headers = {
      ...userHeaders,
      "Content-Type": this.protocol === "http/json" ? "application/json" : "application/x-protobuf",
      "User-Agent": `tracium-js/${SDK_VERSION}`,
      ...(this.compression === "gzip" ? { "Content-Encoding": "gzip" } : {}),
    };

    const resource = new Attributes();
    resource.str(ATTR.SERVICE_NAME, typeof o.serviceName === "string" && o.serviceName ? o.serviceName : "unknown_service:node");
    resource.str(ATTR.TELEMETRY_SDK_NAME, "tracium");
    resource.str(ATTR.TELEMETRY_SDK_LANGUAGE, "nodejs");
    resource.str(ATTR.TELEMETRY_SDK_VERSION, SDK_VERSION);
    for (const [k, v] of Object.entries(o.resourceAttributes ?? {})) resource.any(k, v);
    this.resource = resource.list;

    const problem = fetchFn !== undefined && typeof fetchFn !== "function" ? "the fetch option is not a function" : this.checkEndpoint(o.allowInsecureHttp === true, Object.keys(userHeaders).length > 0);
    if (problem) this.halt(`OTLP exporter disabled: ${problem}; spans will not be sent`);
  }

  private checkEndpoint(allowInsecureHttp: boolean, hasHeaders: boolean): string | undefined {
    let url: URL;
    try {
      url = new URL(this.endpoint);
    } catch {
      return `the endpoint ${JSON.stringify(this.endpoint)} is not a valid URL`;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return `the endpoint must use http:// or https:// (got ${url.protocol}//)`;
    if (url.protocol === "http:" && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
      return `refusing plain http:// to ${url.host}: ${hasHeaders ? "its headers and " : ""}the trace content would travel unencrypted (use https://, or set allowInsecureHttp / TRACIUM_ALLOW_INSECURE_HTTP=true, e.g. for a collector inside your cluster)`;
    }
    return undefined;
  }

  /** Span counters: queued (including in flight), sent, failed, dropped. */
  stats(): ExporterStats {
    return { queued: this.queue.length + this.inflight, sent: this.sent, failed: this.failed, dropped: this.dropped };
  }

  // ---- the queue model: one FIFO of finished spans, settled in order ----

  /** OTLP carries finished spans only: start records are not needed. */
  protected override carries(record: ExportRecord): boolean {
    return record.kind === "span_end" || record.kind === "trace_end";
  }

  protected enqueue(record: ExportRecord): boolean {
    const bytes = estimateRecordBytes(record);
    if (record.kind !== "span_end" && record.kind !== "trace_end") return true; // not reached: carries() said no first
    if (this.queue.length + this.inflight >= this.maxQueueSize || this.queueBytes + bytes > this.maxQueueBytes) return false;
    this.queue.push({ record, bytes });
    this.queueBytes += bytes;
    this.enqueued++;
    return true;
  }

  protected idle(): boolean {
    return this.settled >= this.enqueued;
  }

  /** Resolves once every span queued now has settled. */
  protected whenSettled(): Promise<void> {
    const target = this.enqueued;
    return new Promise<void>((resolve) => this.waiters.push({ target, resolve }));
  }

  protected batchFull(): boolean {
    return this.queue.length >= this.maxBatchSize;
  }

  protected onBatchDue(): void {
    this.pump();
  }

  protected dropQueued(): void {
    const n = this.queue.length;
    this.queue = [];
    this.queueBytes = 0;
    this.dropped += n;
    this.settle(n);
  }

  protected inFlight(): Promise<unknown> | undefined {
    return this.sending;
  }

  protected closeQueue(): void {
    this.dropQueued();
  }

  protected override afterClose(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }

  private settle(n: number): void {
    this.settled += n;
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((w) => {
      if (this.settled < w.target) return true;
      w.resolve();
      return false;
    });
  }

  /** Sends the next batch unless one is in flight. */
  private pump(): void {
    if (this.sending || this.closed || this.halted !== undefined || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatchSize);
    for (const item of batch) this.queueBytes -= item.bytes;
    if (this.queue.length === 0) this.queueBytes = 0;
    this.inflight = batch.length;
    this.sending = this.sendBatch(batch).finally(() => {
      this.inflight = 0;
      this.sending = undefined;
      this.settle(batch.length);
      if (this.queue.length === 0) return;
      // More to send: at once when a batch is full or someone is flushing, else after the interval.
      if (this.queue.length >= this.maxBatchSize || this.waiters.length > 0) this.kick();
      else this.schedule();
    });
  }

  /** Maps, encodes and delivers one batch; counts every span in it exactly once. Never rejects. */
  private async sendBatch(batch: Item[]): Promise<void> {
    const pending = { count: 0 };
    try {
      await this.sendSpans(batch, pending);
    } catch (err) {
      this.failed += pending.count;
      logger.once("error", "otlp:deliver", "OTLP delivery failed unexpectedly", err);
    }
  }

  /** Maps the batch and sends it; `pending.count` is what is not counted yet (for sendBatch's catch). */
  private async sendSpans(batch: Item[], pending: { count: number }): Promise<void> {
    const spans: OtlpSpan[] = [];
    for (const { record } of batch) {
      try {
        spans.push(record.kind === "span_end" ? mapSpan(record.span, record.trace, { captureContent: this.captureContent }) : mapTrace(record.trace));
      } catch (err) {
        this.failed++;
        logger.once("warn", "otlp:map", "a span could not be converted to OTLP and was not sent", err);
      }
    }
    pending.count = spans.length;
    if (spans.length > 0) await this.sendMapped(spans, pending);
  }

  /**
   * Encodes and delivers spans, counting each once. A request the collector refuses as too large
   * (413) is split in halves down to single spans; a single span is sent once more without its
   * long attributes, and counted failed if that is refused too.
   */
  private async sendMapped(spans: OtlpSpan[], pending: { count: number }, reduced = false): Promise<void> {
    const otlp: OtlpBatch = { resource: this.resource, scope: { name: "tracium", version: SDK_VERSION }, spans };
    let body = this.protocol === "http/json" ? encodeJson(otlp) : encodeProtobuf(otlp);
    if (this.compression === "gzip") body = await gzipAsync(body);
    const result = await this.deliver(body, spans.length);
    if (result.outcome === "too_large" && spans.length > 1) {
      const half = Math.ceil(spans.length / 2);
      await this.sendMapped(spans.slice(0, half), pending);
      await this.sendMapped(spans.slice(half), pending);
      return;
    }
    if (result.outcome === "too_large" && !reduced) {
      const smaller = spans[0] && shrinkOtlpSpan(spans[0]);
      if (smaller) return this.sendMapped([smaller], pending, true);
    }
    pending.count -= spans.length;
    if (result.outcome === "too_large") {
      this.failed += spans.length;
      logger.once("warn", "otlp:413", "the OTLP endpoint refused a single span as too large (HTTP 413), even without its long attributes; counted as failed in stats()");
      return;
    }
    this[result.outcome] += result.count;
    if (result.outcome === "sent" && result.rejected > 0) this.failed += result.rejected;
  }

  private async deliver(body: Uint8Array, n: number): Promise<{ outcome: "sent" | "failed" | "dropped" | "too_large"; count: number; rejected: number }> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) return { outcome: "dropped", count: n, rejected: 0 };
      const cut = this.requests.signal;
      const out = await this.transport.send(this.endpoint, this.headers, body, this.timeoutMs, cut);
      // Aborted by shutdown or by the exit drain's deadline.
      if (out.status === 0 && (cut.aborted || this.closed)) return { outcome: "dropped", count: n, rejected: 0 };
      if (out.status >= 200 && out.status < 300) {
        this.breaker.success();
        const rejected = Math.min(n, this.rejectedIn(out));
        return { outcome: "sent", count: n - rejected, rejected };
      }
      if (out.status === 413) return { outcome: "too_large", count: n, rejected: 0 };
      if (retryable(out.status)) {
        this.breaker.failure();
        if (this.draining) return { outcome: "dropped", count: n, rejected: 0 };
      }
      if (!retryable(out.status)) {
        logger.once("warn", `otlp:reject:${out.status}`, `the OTLP endpoint rejected ${n} span(s) with HTTP ${out.status}: ${excerpt(out.body)}`);
        return { outcome: "failed", count: n, rejected: 0 };
      }
      if (attempt >= this.maxRetries) {
        logger.once("warn", "otlp:retries", `giving up on ${n} span(s) after ${attempt + 1} attempts (last: ${describeOutcome(out)}); counted as failed in stats()`);
        return { outcome: "failed", count: n, rejected: 0 };
      }
      const delay = out.retryAfterMs ?? backoffDelay(attempt, this.retryBaseMs, this.retryMaxMs);
      logger.debug(`OTLP export: ${describeOutcome(out)}; retry ${attempt + 1}/${this.maxRetries} in ${delay} ms`);
      await sleep(delay, this.waits.signal);
    }
  }

  /** Spans the backend says it rejected (`partial_success.rejected_spans`), 0 when none or unreadable. */
  private rejectedIn(out: HttpOutcome): number {
    if (!out.body) return 0;
    let rejected = 0;
    let message = "";
    if (this.protocol === "http/json" || out.body.trimStart().startsWith("{")) {
      try {
        const ps = (JSON.parse(out.body) as { partialSuccess?: { rejectedSpans?: unknown; errorMessage?: unknown } }).partialSuccess;
        rejected = Number(ps?.rejectedSpans ?? 0) || 0;
        message = typeof ps?.errorMessage === "string" ? ps.errorMessage : "";
      } catch {
        return 0;
      }
      // The body was read as UTF-8 text; only a pure-ASCII protobuf response survived that intact.
    } else if (!/[^\x00-\x7f]/.test(out.body)) {
      const ps = readPartialSuccess(new TextEncoder().encode(out.body));
      rejected = ps?.rejectedSpans ?? 0;
      message = ps?.errorMessage ?? "";
    }
    if (rejected > 0 || message) logger.once("warn", "otlp:partial", `the OTLP endpoint rejected ${rejected} span(s)${message ? `: ${message}` : ""}`);
    return Math.max(0, rejected);
  }
}
