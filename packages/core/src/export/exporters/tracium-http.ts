/**
 * The `tracium` exporter: delivers records to the Tracium ingestion API over HTTP, in the
 * background, in order per trace, batched, with retries, within bounded memory.
 * See DESIGN.md "Wire protocol" and "Delivery".
 */
import { DEFAULT_BASE_URL } from "../../config/config.js";
import { logger } from "../../util/logger.js";
import type { ExportRecord, ExporterStats, TraceData } from "../../model/records.js";
import { endsAsFailure, toCompleteBody, toFailBody, toTraceCreateBody } from "../wire.js";
import { planNext, spansBody, type Plan } from "../delivery/batch.js";
import { BatchingExporter, describeOutcome, excerpt } from "../delivery/batching-exporter.js";
import { checkBaseUrl } from "../delivery/endpoint.js";
import type { HttpOutcome } from "../delivery/http.js";
import { LaneQueue, type Lane } from "../delivery/lanes.js";
import { LlmStepCollector } from "../delivery/llm-steps.js";
import { jsonTextString, type JsonText } from "../delivery/json-bytes.js";
import { intOption } from "../delivery/options.js";
import { backoffDelay, classifyStatus, type CallKind } from "../delivery/retry.js";
import { shrinkRecordJson } from "../delivery/shrink.js";
import { estimateRecordBytes } from "../delivery/size.js";
import { Slots } from "../delivery/slots.js";
import { sleep } from "../delivery/timers.js";

/** Options of {@link TraciumHttpExporter}. */
export interface TraciumHttpExporterOptions {
  /** Sent as `X-API-Key`; never logged. */
  apiKey: string;
  /** API root without `/v1`. Default `https://api.tracium.ai`. */
  baseUrl?: string;
  /** This SDK's version, for `User-Agent: tracium-js/<v>` and `X-Tracium-SDK-Version`. */
  sdkVersion: string;
  /**
   * Sends through this `fetch` (tests, proxies) instead of the built-in transport (pipelined HTTP/1.1 over `node:net`/`node:tls`).
   * Its connections may then hold the process while a request is in flight (up to `timeoutMs`).
   */
  fetch?: typeof fetch;
  /** Per-request timeout, ms. Default 10000. */
  timeoutMs?: number;
  /** Records queued at most (including in flight); more are dropped and counted. Default 10000. */
  maxQueueSize?: number;
  /** Estimated bytes queued at most. Default 50 MB. */
  maxQueueBytes?: number;
  /** Spans per request. Default and maximum 1000 (the API's limit). */
  maxBatchSize?: number;
  /** How long records may wait to be batched, ms. Default 1000. */
  flushIntervalMs?: number;
  /** Retries of a request after the first attempt. Default 5. */
  maxRetries?: number;
  /** Allow plain `http://` to a non-loopback host (the API key then travels unencrypted). */
  allowInsecureHttp?: boolean;
  /**
   * Connections to the API at once. Default 4. Each carries up to 16 pipelined requests of
   * different traces; with a custom `fetch`, this is the number of requests in flight.
   */
  concurrency?: number;
  /** Base of the exponential backoff, ms. Default 500. */
  retryBaseMs?: number;
  /** Longest backoff between two attempts, ms (a `Retry-After` may ask for up to 60 s). Default 30000. */
  retryMaxMs?: number;
  /** Soft size limit of one spans request, bytes. Default 5 MB; lowered when the API answers 413. */
  maxRequestBytes?: number;
  /** After a failed request, how long a `failFast` flush stops waiting for delivery, ms. Default 30000. */
  breakerCoolDownMs?: number;
}

/** The API accepts at most this many spans per request. */
export const MAX_SPANS_PER_REQUEST = 1000;

type Result = "sent" | "failed" | "dropped";

/** Smallest request size limit a 413 can lower it to. */
const MIN_REQUEST_BYTES = 1024;

interface Call {
  /** Path under the base URL, read at each attempt: the trace's remote id can change in between. */
  path: () => string;
  /** JSON text (create, complete, fail) or its UTF-8 bytes (spans). */
  body: string | Uint8Array;
  /** For log lines: never contains the key. */
  what: string;
  kind: CallKind;
  trace: TraceData;
}

/**
 * Sends traces to the Tracium API. `export()` only queues (O(1), no I/O, never throws); a
 * background pump sends, per trace in order: create → spans (coalesced, ≤ maxBatchSize per
 * request) → complete/fail, several traces at once. The queue model: one lane per trace
 * (`LaneQueue`), span starts held aside until they are older than the interval; the lifecycle
 * (flush, drain, shutdown, halt) is the shared {@link BatchingExporter}'s.
 */
export class TraciumHttpExporter extends BatchingExporter {
  readonly name = "tracium";

  private readonly queue: LaneQueue;
  private readonly steps = new LlmStepCollector();
  private readonly slots: Slots;
  private readonly running = new Set<Promise<void>>();
  private readonly base: string = "";
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly maxBatchSize: number;
  private readonly flushIntervalMs: number;
  private maxRequestBytes: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  /** Traces waiting for a retry at once; beyond it no new trace starts (a down API is not hammered). */
  private readonly maxRetrying: number;

  private superseded = 0;
  private retrying = 0;

  constructor(options: TraciumHttpExporterOptions) {
    const flushIntervalMs = intOption("flushIntervalMs", options.flushIntervalMs, 1_000, 0);
    const concurrency = intOption("concurrency", options.concurrency, 4, 1, 64);
    const fetchFn = options.fetch;
    super({
      logKey: "tracium-http",
      label: "",
      queueFullMessage: "Tracium export queue is full; dropping records until it drains (is the API reachable? see stats().dropped)",
      exportFailureMessage: "could not queue a record for export",
      flushIntervalMs,
      fetch: typeof fetchFn === "function" ? fetchFn : undefined,
      concurrency,
      // Every request in flight and every retry wait listens on one of these signals; both are
      // bounded (by concurrency and maxRetrying), so raise Node's leak warning threshold to that bound.
      maxRequests: 2 * concurrency + 8,
      maxWaits: concurrency * 4 + 8,
      breakerCoolDownMs: intOption("breakerCoolDownMs", options.breakerCoolDownMs, 30_000, 0),
    });
    const apiKey = typeof options.apiKey === "string" ? options.apiKey.trim() : "";
    logger.addSecret(apiKey);
    logger.addSecret(options.apiKey);
    const version = String(options.sdkVersion || "unknown");
    this.headers = {
      "X-API-Key": apiKey,
      "Content-Type": "application/json",
      "User-Agent": `tracium-js/${version}`,
      "X-Tracium-SDK-Version": version,
    };
    this.timeoutMs = intOption("timeoutMs", options.timeoutMs, 10_000, 1);
    this.maxBatchSize = intOption("maxBatchSize", options.maxBatchSize, MAX_SPANS_PER_REQUEST, 1, MAX_SPANS_PER_REQUEST);
    this.maxRequestBytes = intOption("maxRequestBytes", options.maxRequestBytes, 5 * 1024 * 1024, 1024);
    this.flushIntervalMs = flushIntervalMs;
    this.maxRetries = intOption("maxRetries", options.maxRetries, 5, 0, 100);
    this.retryBaseMs = intOption("retryBaseMs", options.retryBaseMs, 500, 0);
    this.retryMaxMs = intOption("retryMaxMs", options.retryMaxMs, 30_000, 0);
    this.slots = new Slots(concurrency * this.transport.pipelining);
    this.maxRetrying = concurrency * 4;
    this.queue = new LaneQueue({
      maxRecords: intOption("maxQueueSize", options.maxQueueSize, 10_000, 1),
      maxBytes: intOption("maxQueueBytes", options.maxQueueBytes, 50 * 1024 * 1024, 1024),
      maxLanes: 10_000,
    });

    const endpoint = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, options.allowInsecureHttp === true);
    if (endpoint.ok) this.base = endpoint.base;
    const problem = !apiKey
      ? "no API key was given"
      : // fetch rejects header values with control or non-Latin-1 characters: every request would fail.
        /[^\x21-\x7e]/.test(apiKey)
        ? "the API key contains characters that cannot be sent in an HTTP header"
        : fetchFn !== undefined && typeof fetchFn !== "function"
          ? "the fetch option is not a function"
          : endpoint.ok
            ? undefined
            : endpoint.reason;
    if (problem) this.halt(`Tracium HTTP exporter disabled: ${problem}; traces will not be sent`);
  }

  /** Delivery counters; `queued` includes records in flight or waiting for a retry. */
  stats(): ExporterStats {
    return { queued: this.queue.count, sent: this.sent, failed: this.failed, dropped: this.dropped, superseded: this.superseded };
  }

  // ---- the queue model: a lane per trace, span starts held aside ----

  protected enqueue(record: ExportRecord): boolean {
    // A held start is sized when it goes out, if ever: most spans end first and it is let go.
    return record.kind === "span_start" ? this.queue.hold(record, Date.now()) : this.queue.push(record, estimateRecordBytes(record));
  }

  protected idle(): boolean {
    return this.queue.count === 0;
  }

  protected whenSettled(): Promise<void> {
    this.releaseHeld(undefined);
    return this.queue.whenSettled();
  }

  protected batchFull(): boolean {
    return this.queue.waiting >= this.maxBatchSize;
  }

  protected onBatchDue(): void {
    this.cutBatch();
  }

  protected dropQueued(): void {
    this.dropped += this.queue.dropWaiting();
  }

  protected inFlight(): Promise<unknown> | undefined {
    return this.running.size > 0 ? Promise.allSettled([...this.running]) : undefined;
  }

  protected closeQueue(): void {
    this.slots.close();
    this.dropQueued();
    this.queue.releaseWaiters();
  }

  /**
   * A batch goes out (the interval elapsed, a batch is full, or someone flushes): span starts
   * held longer than the interval go out as `in_progress` copies, everything queued so far is due.
   */
  private cutBatch(): void {
    try {
      this.releaseHeld(Date.now() - this.flushIntervalMs);
      this.queue.markDue();
      this.pump();
      // A span still open keeps its start held: look again after the next interval.
      if (this.queue.heldCount > 0) this.batchTimer.schedule(false);
    } catch (error) {
      logger.once("error", "tracium-http:pump", "delivery failed unexpectedly", error);
    }
  }

  private releaseHeld(olderThan: number | undefined): void {
    this.superseded += this.queue.releaseHeld(olderThan);
  }

  /** Starts the next due call of each ready trace, as far as the concurrency limit allows. */
  private pump(): void {
    try {
      while (!this.closed && this.halted === undefined && this.retrying < this.maxRetrying && this.queue.hasReady()) {
        if (!this.slots.tryAcquire()) return;
        const lane = this.queue.nextReady();
        if (!lane) {
          this.slots.release();
          return;
        }
        // One reaction, not a catch and a finally: every promise costs the app's async hooks too.
        const run = this.runLane(lane);
        this.running.add(run);
        run.then(
          () => this.running.delete(run),
          (error: unknown) => {
            this.running.delete(run);
            logger.once("error", "tracium-http:pump", "delivery failed unexpectedly", error);
          },
        );
      }
    } catch (error) {
      logger.once("error", "tracium-http:pump", "delivery failed unexpectedly", error);
    }
  }

  /** Delivers the next call of one trace. Holds one slot on entry and gives it back on exit. */
  private async runLane(lane: Lane): Promise<void> {
    let plan: Plan | undefined;
    try {
      plan = planNext(lane.entries, { maxSpans: this.maxBatchSize, maxBytes: this.maxRequestBytes, maxSeq: this.queue.dueSeq }, this.steps);
      if (!plan) return;
      this.queue.begin(lane, plan.count);
      if (plan.kind === "end") lane.ended = true;
      if (plan.kind === "spans") {
        this.superseded += plan.superseded;
        this.failed += plan.broken;
        if (plan.broken > 0) logger.once("warn", "tracium-http:serialise", "a span could not be serialised to JSON and was not sent");
        if (plan.spans.length > 0) await this.deliverSpans(lane, plan.trace, plan.spans);
      } else {
        const call = this.buildCall(lane, plan);
        this.count(call ? await this.deliverWhole(lane, call) : "failed", 1);
      }
    } catch (error) {
      // Never leave a lane stuck behind a record it cannot handle: give up on that record.
      if (!plan && !lane.busy && lane.entries.length > 0) this.queue.begin(lane, 1);
      this.failed += lane.inflight.length;
      logger.once("error", "tracium-http:deliver", "delivery failed unexpectedly", error);
    } finally {
      if (lane.busy) this.queue.finish(lane);
      this.slots.release();
      this.pump();
    }
  }

  private count(result: Result, n: number): void {
    this[result] += n;
  }

  private spansCall(lane: Lane, trace: TraceData, spans: JsonText[]): Call {
    return {
      path: () => `/agents/traces/${encodeURIComponent(lane.remoteId)}/spans`,
      body: spansBody(spans),
      what: `${spans.length} span(s) of trace ${trace.id}`,
      kind: "spans",
      trace,
    };
  }

  /**
   * Delivers spans and counts each. A batch the API refuses as too large (413) is split in
   * halves, down to single spans; a single span is sent once more without its content.
   */
  private async deliverSpans(lane: Lane, trace: TraceData, spans: JsonText[]): Promise<void> {
    const call = this.spansCall(lane, trace, spans);
    const result = await this.deliver(lane, call);
    if (result !== "too_large") return this.count(result, spans.length);
    this.lowerRequestLimit(call.body.length);
    if (spans.length > 1) {
      const half = Math.ceil(spans.length / 2);
      await this.deliverSpans(lane, trace, spans.slice(0, half));
      await this.deliverSpans(lane, trace, spans.slice(half));
      return;
    }
    const smaller = shrinkRecordJson(jsonTextString(spans[0] ?? ""));
    this.count(await this.deliverReduced(lane, call, smaller === undefined ? undefined : spansBody([smaller])), 1);
  }

  /** Delivers a create or end call; on 413, once more without its bulky content. */
  private async deliverWhole(lane: Lane, call: Call): Promise<Result> {
    const result = await this.deliver(lane, call);
    if (result !== "too_large") return result;
    return this.deliverReduced(lane, call, typeof call.body === "string" ? shrinkRecordJson(call.body) : undefined);
  }

  /** Sends the reduced body of a record refused as too large; still too large (or none): failed. */
  private async deliverReduced(lane: Lane, call: Call, body: string | Uint8Array | undefined): Promise<Result> {
    const result = body === undefined ? "too_large" : await this.deliver(lane, { ...call, body });
    if (result !== "too_large") {
      logger.once("warn", "tracium-http:413-reduced", `Tracium API refused a record as too large (HTTP 413); it was sent again without its content`);
      return result;
    }
    logger.once("warn", "tracium-http:413", `Tracium API refused the ${call.what} as too large (HTTP 413), even without its content; counted as failed in stats()`);
    return "failed";
  }

  /** After a 413, later batches stay at most half the size that was refused. */
  private lowerRequestLimit(refusedBytes: number): void {
    const limit = Math.max(MIN_REQUEST_BYTES, Math.floor(refusedBytes / 2));
    if (limit >= this.maxRequestBytes) return;
    logger.debug(`Tracium API refused ${refusedBytes} bytes as too large; requests now stay under ${limit} bytes`);
    this.maxRequestBytes = limit;
  }

  /** The create or complete/fail call, or undefined when its body cannot be serialised. */
  private buildCall(lane: Lane, plan: Extract<Plan, { kind: "create" | "end" }>): Call | undefined {
    const trace = plan.trace;
    try {
      if (plan.kind === "create") {
        return { path: () => "/agents/traces", body: JSON.stringify(toTraceCreateBody(trace)), what: `create of trace ${trace.id}`, kind: "create", trace };
      }
      const steps = this.steps.take(trace.id);
      const fail = endsAsFailure(trace);
      const body = JSON.stringify(fail ? toFailBody(trace, steps) : toCompleteBody(trace, steps));
      const verb = fail ? "fail" : "complete";
      return { path: () => `/agents/traces/${encodeURIComponent(lane.remoteId)}/${verb}`, body, what: `${verb} of trace ${trace.id}`, kind: "end", trace };
    } catch (error) {
      logger.once("warn", "tracium-http:serialise-trace", "a trace could not be serialised to JSON and was not sent", error);
      return undefined;
    }
  }

  /** One call with its retries. Never throws. */
  private async deliver(lane: Lane, call: Call): Promise<Result | "too_large"> {
    let attempt = 0;
    let recreated = false;
    for (;;) {
      if (this.closed) return "dropped";
      if (this.halted !== undefined) return "failed";
      const cut = this.requests.signal;
      const out = await this.post(call.path(), call.body, cut);
      // Aborted by shutdown or by the exit drain's deadline: not delivered, not the API's fault.
      if (out.status === 0 && (cut.aborted || this.closed)) return "dropped";
      switch (classifyStatus(out.status, call.kind)) {
        case "ok":
          this.breaker.success();
          if (call.kind === "create") this.adoptRemoteId(lane, out.body);
          return "sent";
        case "too_large":
          return "too_large";
        case "auth":
          this.haltForAuth(out.status);
          return "failed";
        case "not_found":
          if (call.kind === "create") {
            this.logBaseUrlWrong();
            return "failed";
          }
          if (!recreated) {
            // The server does not know the trace (its create failed or was dropped): create it
            // again once, then retry this call once.
            recreated = true;
            if (await this.recreate(lane, call.trace)) continue;
            return "failed";
          }
          logger.once("warn", "tracium-http:404", `Tracium API answered 404 to the ${call.what}, even after re-creating the trace; giving up on it`);
          return "failed";
        case "retry": {
          this.breaker.failure();
          // The exit drain makes one attempt per call and no retries.
          if (this.draining) return "dropped";
          if (attempt >= this.maxRetries) {
            logger.once(
              "warn",
              "tracium-http:retries",
              `giving up on the ${call.what} after ${attempt + 1} attempts (last: ${describeOutcome(out)}); the records are counted as failed in stats()`,
            );
            return "failed";
          }
          const delay = out.retryAfterMs ?? backoffDelay(attempt, this.retryBaseMs, this.retryMaxMs);
          attempt++;
          logger.debug(`${call.what}: ${describeOutcome(out)}; retry ${attempt}/${this.maxRetries} in ${delay} ms`);
          await this.pause(delay);
          continue;
        }
        case "reject":
          logger.once(
            "warn",
            `tracium-http:reject:${out.status}`,
            out.status >= 300 && out.status < 400
              ? `Tracium API redirected the ${call.what} (HTTP ${out.status} to ${out.location ?? "?"}); redirects are not followed, set the base URL to the final address`
              : `Tracium API rejected the ${call.what} with HTTP ${out.status}: ${excerpt(out.body)}`,
          );
          return "failed";
      }
    }
  }

  private haltForAuth(status: number): void {
    this.halt(
      `Tracium API rejected the API key (HTTP ${status}); no more traces will be sent by this process. Check TRACIUM_API_KEY or the apiKey option (the key is not shown).`,
    );
  }

  private logBaseUrlWrong(): void {
    logger.once(
      "error",
      "tracium-http:create-404",
      `Tracium API answered 404 to POST ${this.base}/agents/traces: the base URL looks wrong (it should be the API root, e.g. ${DEFAULT_BASE_URL}, without /v1)`,
    );
  }

  /** Waits before a retry without holding a concurrency slot, so other traces keep flowing. */
  private async pause(ms: number): Promise<void> {
    this.retrying++;
    // The freed slot serves the other due traces; it does not cut a new batch.
    if (this.slots.release()) this.pump();
    try {
      await sleep(ms, this.waits.signal);
    } finally {
      this.retrying--;
    }
    await this.slots.acquire();
  }

  /** Creates the trace again; false when retrying the call is pointless (404 on create, rejected key). */
  private async recreate(lane: Lane, trace: TraceData): Promise<boolean> {
    let body: string;
    try {
      body = JSON.stringify(toTraceCreateBody(trace));
    } catch {
      return false;
    }
    logger.debug(`trace ${trace.id} unknown to the API; creating it again`);
    const out = await this.post("/agents/traces", body, this.requests.signal);
    switch (classifyStatus(out.status, "create")) {
      case "ok":
        this.breaker.success();
        this.adoptRemoteId(lane, out.body);
        return true;
      case "not_found":
        this.logBaseUrlWrong();
        return false;
      case "auth":
        this.haltForAuth(out.status);
        return false;
      default:
        // e.g. a network error: the retry will tell.
        return true;
    }
  }

  private post(path: string, body: string | Uint8Array, signal: AbortSignal): Promise<HttpOutcome> {
    return this.transport.send(`${this.base}${path}`, this.headers, body, this.timeoutMs, signal);
  }

  /** Uses the id the server gave the trace, when it gave one that differs; garbage keeps the local id. */
  private adoptRemoteId(lane: Lane, text: string): void {
    let id: unknown;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        const o = parsed as Record<string, unknown>;
        id = o["id"] ?? o["trace_id"];
      }
    } catch {
      // Not JSON: keep the local id.
    }
    if (typeof id === "number" && Number.isFinite(id)) id = String(id);
    if (typeof id === "string" && id.length > 0 && id.length <= 256) {
      if (id !== lane.remoteId) logger.debug(`trace ${lane.localId} is ${id} on the server`);
      lane.remoteId = id;
    } else {
      logger.once("debug", "tracium-http:create-body", "the trace create response carried no id; using the local trace id");
    }
  }
}
