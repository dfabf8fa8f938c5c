/**
 * The delivery base of the batching HTTP exporters (`tracium`, `otlp`): everything but the queue
 * model and the encoding. `export()` only queues (O(1), no I/O, never throws); a batch timer runs
 * the subclass's pump in the background; `flush()`, the exit `drain()` and `shutdown()` are
 * bounded and never reject; a halted exporter (bad configuration, rejected key) drops what comes.
 *
 * A subclass says how records queue and settle ({@link BatchingExporter.enqueue},
 * {@link BatchingExporter.whenSettled}, {@link BatchingExporter.dropQueued}…) and how a batch is
 * encoded and sent; the requests it sends listen on {@link BatchingExporter.requests} and its
 * retry waits on {@link BatchingExporter.waits}, so shutdown and the drain's deadline can cut them.
 */
import { logger } from "../../util/logger.js";
import type { ExportRecord, Exporter, ExporterStats, FlushOptions } from "../../model/records.js";
import { BatchTimer } from "./batch-timer.js";
import { CircuitBreaker } from "./breaker.js";
import type { HttpOutcome } from "./http.js";
import { Interrupt } from "./interrupt.js";
import { withTimeout } from "./timers.js";
import { createTransport, type Transport } from "./transport.js";

/** Time the exit drain waits, at its deadline, for aborted requests to settle (for exact stats). */
const ABORT_SETTLE_MS = 100;
/** Longest wait at shutdown for aborted requests to settle. */
const SHUTDOWN_SETTLE_MS = 1_000;

/** What differs between two batching exporters outside their queue and their encoding. */
export interface BatchingSettings {
  /** Prefix of the once-only log keys (`tracium-http`, `otlp`). */
  readonly logKey: string;
  /** Prefix of the lifecycle log lines (`""`, `"OTLP "`). */
  readonly label: string;
  /** The warning when the queue is full. */
  readonly queueFullMessage: string;
  /** The log line when a record cannot be queued. */
  readonly exportFailureMessage: string;
  /** How long records may wait to be batched, ms. */
  readonly flushIntervalMs: number;
  /** The user's `fetch`, if a function; else the default transport (transport.ts). */
  readonly fetch: typeof fetch | undefined;
  /** Connections of the transport (with `fetch`, requests in flight at once). */
  readonly concurrency: number;
  /**
   * Requests that may listen on {@link BatchingExporter.requests} at once were each connection to
   * carry one; multiplied by the transport's pipelining.
   */
  readonly maxRequests: number;
  /**
   * Retry waits that may listen on {@link BatchingExporter.waits} at once besides the requests in
   * flight (each of which may go on to wait for its retry).
   */
  readonly maxWaits: number;
  /** How long a `failFast` flush stops waiting after a failure, ms (the breaker's default when absent). */
  readonly breakerCoolDownMs?: number;
}

export abstract class BatchingExporter implements Exporter {
  abstract readonly name: string;

  protected sent = 0;
  protected failed = 0;
  protected dropped = 0;
  /** Aborts requests in flight: at shutdown, and at the exit drain's deadline. */
  protected readonly requests: Interrupt;
  /** Ends retry waits early: at shutdown, and when the exit drain starts. */
  protected readonly waits: Interrupt;
  protected readonly breaker: CircuitBreaker;
  protected readonly transport: Transport;
  protected readonly batchTimer: BatchTimer;
  /** The exit drain is running: no retries, a failed attempt is dropped. */
  protected draining = false;
  /** Why nothing is sent any more (bad configuration, rejected key), or undefined. */
  protected halted: string | undefined;
  /** Shutdown has begun: new records are dropped. */
  protected closing = false;
  /** Shut down: nothing is sent any more. */
  protected closed = false;
  private shutdownPromise: Promise<void> | undefined;

  protected constructor(private readonly settings: BatchingSettings) {
    this.transport = createTransport(settings.fetch, settings.concurrency);
    this.requests = new Interrupt(settings.maxRequests * this.transport.pipelining);
    this.waits = new Interrupt(settings.maxWaits + settings.concurrency * this.transport.pipelining);
    this.breaker = new CircuitBreaker(settings.breakerCoolDownMs);
    this.batchTimer = new BatchTimer(() => this.onBatchDue(), settings.flushIntervalMs);
  }

  // ---- the queue model, the subclass's ----

  /** Whether this exporter sends records of this kind at all (others are ignored, not counted). */
  protected carries(_record: ExportRecord): boolean {
    return true;
  }
  /**
   * Queues a record, counting its estimated size (`estimateRecordBytes`) against the byte bound;
   * false when the queue is full. May throw (counted as dropped). On the caller's path.
   */
  protected abstract enqueue(record: ExportRecord): boolean;
  /** Nothing queued and nothing in flight. */
  protected abstract idle(): boolean;
  /** Makes everything queued now due, and resolves once it has all settled (sent, failed or dropped). */
  protected abstract whenSettled(): Promise<void>;
  /** A full batch is waiting: send at once rather than after the interval. */
  protected abstract batchFull(): boolean;
  /** The batch timer fired (or someone kicked): send what is due. */
  protected abstract onBatchDue(): void;
  /** Drops and counts what is queued and not in flight. */
  protected abstract dropQueued(): void;
  /** What is in flight, settling once its requests end; undefined when nothing is. */
  protected abstract inFlight(): Promise<unknown> | undefined;
  /** Shutdown, after the requests were aborted: drop what is left and release the queue's resources. */
  protected abstract closeQueue(): void;
  /** Shutdown, after what was in flight settled (or the wait ran out). */
  protected afterClose(): void {}

  abstract stats(): ExporterStats;

  // ---- the lifecycle, shared ----

  /** Queues a record for delivery. O(1), synchronous, no I/O, never throws. */
  export(record: ExportRecord): void {
    try {
      if (!this.carries(record)) return;
      if (this.closing || this.halted !== undefined) {
        this.dropped++;
        return;
      }
      if (!this.enqueue(record)) {
        this.dropped++;
        logger.once("warn", `${this.settings.logKey}:queue-full`, this.settings.queueFullMessage);
        return;
      }
      this.schedule();
    } catch (error) {
      this.dropped++;
      logger.once("error", `${this.settings.logKey}:export`, this.settings.exportFailureMessage, error);
    }
  }

  /**
   * Sends everything queued now (with its retries); resolves by `timeoutMs` at the latest, never
   * rejects. With `failFast` (serverless), waits for one attempt only, and not at all while the
   * endpoint is failing: retries go on in the background.
   */
  async flush(timeoutMs: number, options?: FlushOptions): Promise<void> {
    try {
      if (this.closed || this.idle()) return;
      const failFast = options?.failFast === true;
      if (failFast && !this.breaker.allowWait()) return this.kick();
      const settled = this.whenSettled();
      this.kick();
      if (!failFast) {
        await withTimeout(settled, timeoutMs);
        return;
      }
      const failure = this.breaker.nextFailure();
      const done = await withTimeout(Promise.race([settled, failure.promise]), timeoutMs);
      failure.cancel();
      // Out of budget with no answer: as good as down for a caller that waits (a hanging endpoint).
      if (!done) this.breaker.failure();
    } catch (error) {
      logger.once("error", `${this.settings.logKey}:flush`, `${this.settings.label}flush failed`, error);
    }
  }

  /**
   * The exit drain: one bounded last attempt for everything queued (a retry that was waiting goes
   * at once), no new retries; at `timeoutMs` what is in flight is aborted and what is left is
   * dropped and counted. The exporter keeps working afterwards. Never rejects.
   */
  async drain(timeoutMs: number): Promise<void> {
    if (this.closed || this.halted !== undefined || this.idle()) return;
    this.draining = true;
    try {
      const settled = this.whenSettled();
      this.waits.fire();
      this.kick();
      if (await withTimeout(settled, timeoutMs)) return;
      this.requests.fire();
      this.dropQueued();
      await this.settleInFlight(ABORT_SETTLE_MS);
    } catch (error) {
      logger.once("error", `${this.settings.logKey}:drain`, `${this.settings.label}exit drain failed`, error);
    } finally {
      this.draining = false;
    }
  }

  /** Flushes, then stops: aborts what is still in flight, drops what is still queued, clears timers. */
  shutdown(timeoutMs: number): Promise<void> {
    if (!this.shutdownPromise) this.shutdownPromise = this.doShutdown(timeoutMs);
    return this.shutdownPromise;
  }

  private async doShutdown(timeoutMs: number): Promise<void> {
    try {
      const deadline = Date.now() + timeoutMs;
      this.closing = true;
      await this.flush(timeoutMs);
      this.closed = true;
      this.batchTimer.cancel();
      this.requests.fire();
      this.waits.fire();
      this.transport.close();
      this.closeQueue();
      // Aborted requests settle within a tick or two; wait a little so stats() is exact afterwards.
      await this.settleInFlight(Math.min(SHUTDOWN_SETTLE_MS, Math.max(0, deadline - Date.now())));
      this.afterClose();
    } catch (error) {
      logger.once("error", `${this.settings.logKey}:shutdown`, `${this.settings.label}shutdown failed`, error);
    }
  }

  private async settleInFlight(ms: number): Promise<void> {
    const running = this.inFlight();
    if (running) await withTimeout(running, ms);
  }

  /** Stops sending for good (bad configuration or rejected key): what is queued is dropped. */
  protected halt(message: string): void {
    if (this.halted === undefined) {
      this.halted = message;
      logger.error(message);
    }
    this.batchTimer.cancelInterval();
    this.dropQueued();
  }

  /** Lets records gather for a batch, unless a full batch is already waiting. */
  protected schedule(): void {
    if (!this.closed) this.batchTimer.schedule(this.batchFull());
  }

  /** Runs the pump soon, off the caller's path and outside the caller's async context. */
  protected kick(): void {
    if (!this.closed) this.batchTimer.now();
  }
}

/** An outcome for a log line: the status, or why there was none. */
export function describeOutcome(out: HttpOutcome): string {
  if (out.status !== 0) return `HTTP ${out.status}`;
  if (out.timedOut) return "timed out";
  const e = out.error;
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : "";
  return e instanceof Error ? `${e.message}${cause}` : "network error";
}

/** A short, single-line piece of a response body for a log line. */
export function excerpt(body: string): string {
  const text = body.replace(/\s+/g, " ").trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || "(empty body)";
}
