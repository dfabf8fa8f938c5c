/**
 * The `file` exporter: appends one JSON line per record to a local file (default
 * `.tracium/traces.jsonl`), so an agent is traced on a fresh machine with no account.
 * Writes are asynchronous and batched; what is still pending when the process exits is written
 * synchronously from the `exit` event, so a script that ends without flushing loses nothing.
 * Several processes may share the file: every write is whole lines (see `jsonl-append.ts`).
 */
import { dirname } from "node:path";
import { logger } from "../../util/logger.js";
import { offProcessEvent, onProcessEvent } from "../../util/runtime.js";
import type { ExportRecord, ExporterStats } from "../../model/records.js";
import { toJsonlLine } from "../wire.js";
import { AppendJob, type AppendReport } from "./jsonl-append.js";
import { LlmStepCollector } from "../delivery/llm-steps.js";
import { intOption } from "../delivery/options.js";
import { detachedTimeout, runDetached, withTimeout } from "../delivery/timers.js";
import { makeTraceDir, makeTraceDirSync } from "./trace-dir.js";
import { LocalExporter, type WrittenRecord } from "./local-exporter.js";

/** Options of {@link FileExporter}. */
export interface FileExporterOptions {
  /** The JSONL file; its directory is created (a new `.tracium` folder gets a `.gitignore` of `*`). */
  path: string;
  /** How long records may wait to be written together, ms. Default 200. */
  flushIntervalMs?: number;
  /** Records waiting to be written at most; more are dropped and counted. Default 10000. */
  maxQueueSize?: number;
}

// Traces hold prompts and outputs: keep the file private to the user who wrote it.
const FILE_MODE = 0o600;

/**
 * Writes `trace_start`, `span_end` and `trace_end` records as JSON lines (see `toJsonlLine`).
 * `span_start` records are not written (the `span_end` line carries the whole span) and count as superseded.
 */
export class FileExporter extends LocalExporter {
  readonly name = "file";
  /** What is pending at exit is written synchronously from the `exit` event (drainSync). */
  readonly writesAtExit = true;
  readonly path: string;
  private readonly flushIntervalMs: number;
  private readonly maxQueueSize: number;
  private readonly steps = new LlmStepCollector();
  /** Records not yet handed to a write. */
  private pending: ExportRecord[] = [];
  /** Lines of the write in progress not yet reported written or failed. */
  private writing = 0;
  /** The write in progress, and its batch (which the exit path finishes when it must). */
  private inflight: Promise<void> | undefined;
  private job: AppendJob | undefined;
  private dirReady = false;
  private timer: NodeJS.Timeout | undefined;
  private exitHook: (() => void) | undefined;
  private shutdownPromise: Promise<void> | undefined;

  /** Where append jobs report: each line is counted once, as sent or as failed. */
  private readonly report: AppendReport = {
    written: (lines) => {
      this.sent += lines;
      this.writing = Math.max(0, this.writing - lines);
    },
    failed: (lines, error) => {
      this.writing = Math.max(0, this.writing - lines);
      this.writeFailed(lines, error);
    },
  };

  constructor(options: FileExporterOptions) {
    super();
    this.path = String(options.path);
    this.flushIntervalMs = intOption("flushIntervalMs", options.flushIntervalMs, 200, 0);
    this.maxQueueSize = intOption("maxQueueSize", options.maxQueueSize, 10_000, 1);
  }

  /** Queues a record for the next write. */
  protected accept(record: WrittenRecord): void {
    if (this.pending.length + this.writing >= this.maxQueueSize) {
      this.dropped++;
      logger.once("warn", "file:queue-full", `trace file writes cannot keep up; dropping records (${this.path})`);
      return;
    }
    this.pending.push(record);
    this.hookExit();
    this.scheduleWrite();
  }

  protected acceptFailure(): string {
    return "could not queue a record for the trace file";
  }

  /** Writes everything queued now; resolves by `timeoutMs` at the latest, never rejects. */
  async flush(timeoutMs: number): Promise<void> {
    try {
      await withTimeout(this.writeSoon(), timeoutMs);
    } catch (error) {
      logger.once("error", "file:flush", "flush of the trace file failed", error);
    }
  }

  /** Flushes, then stops accepting records and removes the exit hook. */
  shutdown(timeoutMs: number): Promise<void> {
    this.shutdownPromise ??= this.doShutdown(timeoutMs);
    return this.shutdownPromise;
  }

  private async doShutdown(timeoutMs: number): Promise<void> {
    await this.flush(timeoutMs);
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    // Whatever the timeout left behind is written now rather than lost.
    this.drainSync();
    this.unhookExit();
  }

  stats(): ExporterStats {
    return { queued: this.pending.length + this.writing, sent: this.sent, failed: this.failed, dropped: this.dropped, superseded: this.superseded };
  }

  /**
   * Writes every pending record synchronously. Runs from `process.on('exit')`, where asynchronous
   * work no longer happens: the chunks of a write in progress that were not started yet are written
   * here (the one being written is not repeated), then the pending records.
   */
  drainSync(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.job?.runSync(this.path, FILE_MODE, this.report);
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const lines = this.render(batch);
    const job = new AppendJob(lines);
    this.writing += lines.length;
    try {
      if (!this.dirReady) makeTraceDirSync(dirname(this.path));
      this.dirReady = true;
    } catch {
      // Opening the file says what is wrong.
    }
    job.runSync(this.path, FILE_MODE, this.report);
  }


  /**
   * Starts writing the pending records; resolves when they are written. One write at a time:
   * records that arrive meanwhile stay pending (so the exit hook still sees them) and go next.
   */
  private writeSoon(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inflight) return this.inflight.then(() => this.writeSoon());
    const batch = this.pending;
    if (batch.length === 0) return Promise.resolve();
    this.pending = [];
    // Rendered now, in export order (the llm steps of a trace_end line depend on it).
    const lines = this.render(batch);
    const job = new AppendJob(lines);
    this.writing += lines.length;
    this.job = job;
    // Detached, so the fs callbacks do not run inside the async context of whoever called flush.
    const done = runDetached(() => this.write(job));
    this.inflight = done;
    return done;
  }

  private async write(job: AppendJob): Promise<void> {
    try {
      if (!this.dirReady) await makeTraceDir(dirname(this.path));
      this.dirReady = true;
    } catch {
      // Opening the file says what is wrong.
    }
    try {
      await job.run(this.path, FILE_MODE, this.report);
    } finally {
      this.job = undefined;
      this.inflight = undefined;
      if (this.pending.length > 0 && !this.closed) this.scheduleWrite();
    }
  }

  private scheduleWrite(): void {
    this.timer ??= detachedTimeout(() => {
      this.timer = undefined;
      void this.writeSoon();
    }, this.flushIntervalMs);
  }

  /** The JSON lines of a batch. A record that cannot be serialised is counted failed and skipped. */
  private render(batch: readonly ExportRecord[]): string[] {
    const lines: string[] = [];
    for (const record of batch) {
      try {
        if (record.kind === "span_end") this.steps.add(record.trace.id, record.span, record.trace.modelId);
        const steps = record.kind === "trace_end" ? this.steps.take(record.trace.id) : undefined;
        lines.push(`${toJsonlLine(record, steps)}\n`);
      } catch (error) {
        this.failed++;
        logger.once("warn", "file:serialise", "a record could not be serialised to JSON and was not written", error);
      }
    }
    return lines;
  }

  private writeFailed(records: number, error: unknown): void {
    this.failed += records;
    logger.once("error", "file:write", `could not write traces to ${this.path}`, error);
  }

  private hookExit(): void {
    if (this.exitHook) return;
    this.exitHook = () => this.drainSync();
    onProcessEvent("exit", this.exitHook);
  }

  private unhookExit(): void {
    if (this.exitHook) offProcessEvent("exit", this.exitHook);
    this.exitHook = undefined;
  }
}

