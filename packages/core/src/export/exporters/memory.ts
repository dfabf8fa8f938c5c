/**
 * The `memory` exporter: keeps records in memory so tests can assert on what would be sent.
 */
import type { ExportRecord, Exporter, ExporterStats, SpanData, TraceData } from "../../model/records.js";

/** Options of {@link MemoryExporter}. */
export interface MemoryExporterOptions {
  /** Records kept at most; later ones are dropped and counted. Default 100000. */
  maxRecords?: number;
}

/** Keeps every record, in order. */
export class MemoryExporter implements Exporter {
  readonly name = "memory";
  /** Every record received, in order (`span_start` records hold the live span object). */
  readonly records: ExportRecord[] = [];
  private readonly maxRecords: number;
  private dropped = 0;
  private closed = false;

  constructor(options: MemoryExporterOptions = {}) {
    const max = options.maxRecords;
    this.maxRecords = typeof max === "number" && max > 0 ? Math.floor(max) : 100_000;
  }

  export(record: ExportRecord): void {
    if (this.closed || this.records.length >= this.maxRecords) {
      this.dropped++;
      return;
    }
    this.records.push(record);
  }

  /** The traces that ended, in the order they ended. */
  traces(): TraceData[] {
    const out: TraceData[] = [];
    for (const r of this.records) if (r.kind === "trace_end") out.push(r.trace);
    return out;
  }

  /** The spans that ended (of one trace when `traceId` is given), in the order they ended. */
  spans(traceId?: string): SpanData[] {
    const out: SpanData[] = [];
    for (const r of this.records) {
      if (r.kind === "span_end" && (traceId === undefined || r.span.traceId === traceId)) out.push(r.span);
    }
    return out;
  }

  /** Forgets every record and counter, and accepts records again after a shutdown. */
  reset(): void {
    this.records.length = 0;
    this.dropped = 0;
    this.closed = false;
  }

  flush(_timeoutMs: number): Promise<void> {
    return Promise.resolve();
  }

  shutdown(_timeoutMs: number): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  stats(): ExporterStats {
    return { queued: 0, sent: this.records.length, failed: 0, dropped: this.dropped };
  }
}
