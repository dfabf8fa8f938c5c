/**
 * The `console` exporter: prints each trace as a readable tree when it ends (development).
 */
import { logger } from "../../util/logger.js";
import type { ExporterStats, SpanData, TraceData } from "../../model/records.js";
import { intOption } from "../delivery/options.js";
import { runDetached } from "../delivery/timers.js";
import { cancelNextTurn, nextTurn } from "../../util/runtime.js";
import { formatTraceTree } from "./console-tree.js";
import { LocalExporter, type WrittenRecord } from "./local-exporter.js";

/** Options of {@link ConsoleExporter}. */
export interface ConsoleExporterOptions {
  /** Where the text goes. Default: `process.stdout.write`. */
  write?: (text: string) => void;
  /** Traces buffered at once until they end; beyond it the oldest is dropped. Default 1000. */
  maxTraces?: number;
  /** Spans buffered at once over all traces; beyond it spans are dropped. Default 10000. */
  maxSpans?: number;
}

interface Buffered {
  spans: SpanData[];
  /** Records of this trace accepted so far (they count as sent when printed). */
  records: number;
  droppedSpans: number;
}

interface Ready extends Buffered {
  trace: TraceData;
}

/**
 * Buffers each trace's ended spans and prints the tree at `trace_end`. Printing happens on a later
 * tick (never on the caller's path); `flush()` prints what has ended. `span_start` records are
 * not printed and count as superseded.
 */
export class ConsoleExporter extends LocalExporter {
  readonly name = "console";
  private readonly write: (text: string) => void;
  private readonly maxTraces: number;
  private readonly maxSpans: number;
  private readonly open = new Map<string, Buffered>();
  private ready: Ready[] = [];
  private spanCount = 0;
  private immediate: unknown;

  constructor(options: ConsoleExporterOptions = {}) {
    super();
    this.write = options.write ?? defaultWrite;
    this.maxTraces = intOption("maxTraces", options.maxTraces, 1_000, 1);
    this.maxSpans = intOption("maxSpans", options.maxSpans, 10_000, 1);
  }

  /** Buffers a record of its trace; the trace is printed on a later tick once it ends. */
  protected accept(record: WrittenRecord): void {
    const buffer = this.bufferFor(record.trace.id);
    if (record.kind === "span_end") {
      if (this.spanCount >= this.maxSpans) {
        buffer.droppedSpans++;
        this.dropped++;
        return;
      }
      buffer.spans.push(record.span);
      this.spanCount++;
    }
    buffer.records++;
    if (record.kind === "trace_end") {
      this.open.delete(record.trace.id);
      this.spanCount -= buffer.spans.length;
      this.ready.push({ ...buffer, trace: record.trace });
      // Rendering a big trace is real work: do it on a later tick, outside the caller's context.
      this.immediate ??= runDetached(() => nextTurn(() => this.print()));
    }
  }

  protected acceptFailure(): string {
    return "could not buffer a record for the console";
  }

  /** Prints every trace that has ended. Never rejects. */
  flush(_timeoutMs: number): Promise<void> {
    this.print();
    return Promise.resolve();
  }

  /** Prints what has ended; traces still open are dropped (and counted). */
  shutdown(timeoutMs: number): Promise<void> {
    const done = this.flush(timeoutMs);
    this.closed = true;
    for (const buffer of this.open.values()) this.dropped += buffer.records;
    this.open.clear();
    this.spanCount = 0;
    return done;
  }

  stats(): ExporterStats {
    let queued = 0;
    for (const b of this.open.values()) queued += b.records;
    for (const r of this.ready) queued += r.records;
    return { queued, sent: this.sent, failed: this.failed, dropped: this.dropped, superseded: this.superseded };
  }

  private bufferFor(traceId: string): Buffered {
    let buffer = this.open.get(traceId);
    if (buffer) return buffer;
    if (this.open.size >= this.maxTraces) {
      // Evict the oldest: most likely a trace that will never end, and it must not block new ones.
      const oldest = this.open.entries().next();
      if (!oldest.done) {
        const [id, old] = oldest.value;
        this.open.delete(id);
        this.spanCount -= old.spans.length;
        this.dropped += old.records;
        logger.once("warn", "console:evict", "console exporter: too many open traces; the oldest was dropped");
      }
    }
    buffer = { spans: [], records: 0, droppedSpans: 0 };
    this.open.set(traceId, buffer);
    return buffer;
  }

  private print(): void {
    if (this.immediate !== undefined) cancelNextTurn(this.immediate);
    this.immediate = undefined;
    const ready = this.ready;
    this.ready = [];
    for (const item of ready) {
      try {
        this.write(formatTraceTree(item.trace, item.spans, { droppedSpans: item.droppedSpans }));
        this.sent += item.records;
      } catch (error) {
        this.failed += item.records;
        logger.once("error", "console:write", "could not print a trace to the console", error);
      }
    }
  }
}

/** stdout where the runtime has one; else (edge runtimes) the console, one call per text. */
function defaultWrite(text: string): void {
  const stdout = (globalThis as { process?: { stdout?: { write?: (text: string) => unknown } } }).process?.stdout;
  if (typeof stdout?.write === "function") stdout.write(text);
  else console.log(text.replace(/\n$/, ""));
}
