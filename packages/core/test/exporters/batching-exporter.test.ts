/**
 * The delivery base both batching exporters (`tracium`, `otlp`) stand on, driven through a
 * minimal queue model: what `export()` drops and counts, that `flush()` waits for what was queued
 * and no longer than its budget, the exit drain's deadline (requests aborted, the rest dropped,
 * the exporter still working), shutdown (once, in order) and halting.
 */
import { describe, expect, it } from "vitest";
import { BatchingExporter } from "../../src/export/delivery/batching-exporter.js";
import type { ExportRecord, ExporterStats } from "../../src/model/records.js";
import { logger } from "../../src/util/logger.js";
import { T0, endSpan, makeSpan, makeTrace } from "./fixtures.js";

/** How a test answers one batch: resolve with the outcome, or never (until the signal aborts). */
type Send = (records: ExportRecord[], signal: AbortSignal) => Promise<"sent" | "failed">;

/** One FIFO, one request at a time: the smallest queue model on the base. */
class ListExporter extends BatchingExporter {
  readonly name = "list";
  readonly events: string[] = [];
  throwOnEnqueue = false;
  private queue: ExportRecord[] = [];
  private sending: Promise<void> | undefined;
  private settled = 0;
  private enqueued = 0;
  private waiters: Array<{ target: number; resolve: () => void }> = [];

  constructor(
    private readonly send: Send,
    private readonly maxQueue = 100,
  ) {
    super({
      logKey: "list",
      label: "LIST ",
      queueFullMessage: "list queue is full",
      exportFailureMessage: "could not queue a record for the list",
      flushIntervalMs: 10_000,
      fetch: undefined,
      concurrency: 1,
      maxRequests: 8,
      maxWaits: 8,
      breakerCoolDownMs: 60_000,
    });
  }

  stop(message: string): void {
    this.halt(message);
  }

  stats(): ExporterStats {
    return { queued: this.queue.length + (this.sending ? 1 : 0), sent: this.sent, failed: this.failed, dropped: this.dropped };
  }

  protected override carries(record: ExportRecord): boolean {
    return record.kind !== "span_start";
  }
  protected enqueue(record: ExportRecord): boolean {
    if (this.throwOnEnqueue) throw new Error("enqueue broke");
    if (this.queue.length >= this.maxQueue) return false;
    this.queue.push(record);
    this.enqueued++;
    return true;
  }
  protected idle(): boolean {
    return this.settled >= this.enqueued;
  }
  protected whenSettled(): Promise<void> {
    const target = this.enqueued;
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }
  protected batchFull(): boolean {
    return false;
  }
  protected onBatchDue(): void {
    if (this.sending || this.closed || this.halted !== undefined || this.queue.length === 0) return;
    const record = this.queue.shift()!;
    this.sending = this.send([record], this.requests.signal)
      .then(
        (outcome) => {
          this.breaker.success();
          this[outcome]++;
        },
        () => {
          this.breaker.failure();
          this.dropped++;
        },
      )
      .finally(() => {
        this.sending = undefined;
        this.settle(1);
        if (this.queue.length > 0) this.kick();
      });
  }
  protected dropQueued(): void {
    const n = this.queue.length;
    this.queue = [];
    this.dropped += n;
    this.settle(n);
  }
  protected inFlight(): Promise<unknown> | undefined {
    return this.sending;
  }
  protected closeQueue(): void {
    this.events.push("closeQueue");
    this.dropQueued();
  }
  protected override afterClose(): void {
    this.events.push(`afterClose (in flight: ${this.sending ? "yes" : "no"})`);
  }
  private settle(n: number): void {
    this.settled += n;
    this.waiters = this.waiters.filter((w) => (this.settled >= w.target ? (w.resolve(), false) : true));
  }
}

const trace = makeTrace();
const spanEnd = (): ExportRecord => ({ kind: "span_end", trace, span: endSpan(makeSpan(trace), T0 + 10) });
const spanStart = (): ExportRecord => ({ kind: "span_start", trace, span: makeSpan(trace) });
const ok: Send = async () => "sent";
/** A request that hangs until its signal aborts, then rejects as an aborted fetch does. */
const hang: Send = (_records, signal) =>
  new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }));

function captureLogs(): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  logger.setSink((level, line) => lines.push(`${level} ${line}`));
  return { lines, stop: () => logger.setSink(undefined) };
}

describe("the batching delivery base", () => {
  it("export(): ignores what the exporter does not carry, drops and counts what it cannot queue, with one log line each", async () => {
    const logs = captureLogs();
    try {
      const e = new ListExporter(ok, 2);
      e.export(spanStart());
      expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 0, dropped: 0 });
      for (let i = 0; i < 4; i++) e.export(spanEnd());
      expect(e.stats()).toMatchObject({ queued: 2, dropped: 2 });
      expect(logs.lines.filter((l) => l.includes("list queue is full"))).toHaveLength(1);
      e.throwOnEnqueue = true;
      expect(() => e.export(spanEnd())).not.toThrow();
      expect(e.stats().dropped).toBe(3);
      expect(logs.lines.filter((l) => l.includes("could not queue a record for the list"))).toHaveLength(1);
      await e.shutdown(500);
    } finally {
      logs.stop();
    }
  });

  it("flush(): sends what was queued and waits for it; with a hanging endpoint it returns by its budget", async () => {
    const sent = new ListExporter(ok);
    for (let i = 0; i < 3; i++) sent.export(spanEnd());
    await sent.flush(2_000);
    expect(sent.stats()).toEqual({ queued: 0, sent: 3, failed: 0, dropped: 0 });

    const hung = new ListExporter(hang);
    hung.export(spanEnd());
    const start = Date.now();
    await hung.flush(150);
    expect(Date.now() - start).toBeLessThan(1_500);
    expect(hung.stats().queued).toBe(1);
    await hung.shutdown(200);
    expect(hung.stats()).toEqual({ queued: 0, sent: 0, failed: 0, dropped: 1 });
  });

  it("flush({ failFast }): after a flush ran out of budget, the next one does not wait while the breaker cools down", async () => {
    const e = new ListExporter(hang);
    e.export(spanEnd());
    await e.flush(100, { failFast: true });
    e.export(spanEnd());
    const start = Date.now();
    await e.flush(5_000, { failFast: true });
    expect(Date.now() - start).toBeLessThan(1_000);
    await e.shutdown(200);
  });

  it("drain(): at its deadline the request in flight is aborted and the rest dropped; the exporter keeps working", async () => {
    let answer: Send = hang;
    const e = new ListExporter((records, signal) => answer(records, signal));
    for (let i = 0; i < 3; i++) e.export(spanEnd());
    await e.drain(150);
    expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 0, dropped: 3 });
    answer = ok;
    e.export(spanEnd());
    await e.flush(2_000);
    expect(e.stats()).toEqual({ queued: 0, sent: 1, failed: 0, dropped: 3 });
    await e.shutdown(500);
  });

  it("shutdown(): once; aborts what is in flight, drops what is queued, then waits for the request to settle; later records are dropped", async () => {
    const e = new ListExporter(hang);
    for (let i = 0; i < 3; i++) e.export(spanEnd());
    const first = e.shutdown(150);
    expect(e.shutdown(10)).toBe(first);
    await first;
    expect(e.events).toEqual(["closeQueue", "afterClose (in flight: no)"]);
    expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 0, dropped: 3 });
    e.export(spanEnd());
    expect(e.stats().dropped).toBe(4);
  });

  it("halt(): what is queued is dropped, later records too, one error line", async () => {
    const logs = captureLogs();
    try {
      const e = new ListExporter(ok);
      e.export(spanEnd());
      e.stop("list disabled: test");
      e.stop("list disabled: again");
      e.export(spanEnd());
      expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 0, dropped: 2 });
      const lines = logs.lines.filter((l) => l.includes("list disabled"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error .*list disabled: test$/);
      await e.drain(100);
      await e.shutdown(100);
    } finally {
      logs.stop();
    }
  });
});
