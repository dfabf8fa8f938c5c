/**
 * The `none` exporter: tracing runs (context, spans, summaries) but nothing leaves the process.
 */
import type { ExportRecord, Exporter, ExporterStats } from "../../model/records.js";

/** Discards every record. Records are not counted: there is nowhere they failed to go. */
export class NoopExporter implements Exporter {
  readonly name = "none";

  export(_record: ExportRecord): void {}

  flush(_timeoutMs: number): Promise<void> {
    return Promise.resolve();
  }

  shutdown(_timeoutMs: number): Promise<void> {
    return Promise.resolve();
  }

  stats(): ExporterStats {
    return { queued: 0, sent: 0, failed: 0, dropped: 0 };
  }
}
