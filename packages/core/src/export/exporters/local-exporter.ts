/**
 * What the exporters that write locally (`file`, `console`) share in `export()`: a record that
 * comes after shutdown is dropped, a `span_start` is not written (the `span_end` carries the
 * whole span) and counts as superseded, never as sent (`sent` is what was written), and a record
 * that cannot be accepted is dropped and counted with one log line. `export()` never throws.
 */
import { logger } from "../../util/logger.js";
import type { ExportRecord, Exporter, ExporterStats, FlushOptions } from "../../model/records.js";

/** The records a local exporter writes. */
export type WrittenRecord = Exclude<ExportRecord, { kind: "span_start" }>;

export abstract class LocalExporter implements Exporter {
  abstract readonly name: string;
  /** After shutdown: records are dropped. */
  protected closed = false;
  protected sent = 0;
  protected superseded = 0;
  protected failed = 0;
  protected dropped = 0;

  /** Accepts a record for writing. O(1), no I/O, never throws. */
  export(record: ExportRecord): void {
    try {
      if (this.closed) {
        this.dropped++;
        return;
      }
      if (record.kind === "span_start") {
        this.superseded++;
        return;
      }
      this.accept(record);
    } catch (error) {
      this.dropped++;
      logger.once("error", `${this.name}:export`, this.acceptFailure(), error);
    }
  }

  /** Queues or buffers a record to write; may throw (counted as dropped). */
  protected abstract accept(record: WrittenRecord): void;
  /** The log line when {@link accept} throws. */
  protected abstract acceptFailure(): string;

  abstract flush(timeoutMs: number, options?: FlushOptions): Promise<void>;
  abstract shutdown(timeoutMs: number): Promise<void>;
  abstract stats(): ExporterStats;
}
