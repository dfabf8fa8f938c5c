/**
 * The Tracium HTTP exporter's queue: bounded in records and bytes, exact counters, and flush
 * semantics (what was queued at call time, not what keeps arriving).
 */
import { describe, expect, it } from "vitest";
import type { ExportRecord } from "../../src/model/records.js";
import { deadUrl } from "./collector.js";
import { T0, endSpan, endTrace, makeSpan, makeTrace } from "./fixtures.js";
import { useHttpHarness } from "./http-harness.js";

const harness = useHttpHarness();

function traceRecords(spans: number, input?: unknown): ExportRecord[] {
  const trace = makeTrace();
  const records: ExportRecord[] = [{ kind: "trace_start", trace }];
  for (let i = 0; i < spans; i++) {
    records.push({ kind: "span_end", trace, span: endSpan(makeSpan(trace, { input }), T0 + 20) });
  }
  records.push({ kind: "trace_end", trace: endTrace(trace, T0 + 30) });
  return records;
}

describe("Tracium HTTP exporter: queue bounds", () => {
  it("with the API down, 50,000 records never queue more than maxQueueSize and the rest are counted dropped", async () => {
    const e = harness.make({ baseUrl: await deadUrl(), maxQueueSize: 10_000 });
    let maxQueued = 0;
    for (let t = 0; t < 5_000; t++) {
      for (const r of traceRecords(8)) {
        e.export(r);
        maxQueued = Math.max(maxQueued, e.stats().queued);
      }
    }
    expect(maxQueued).toBe(10_000);
    expect(e.stats()).toEqual({ queued: 10_000, sent: 0, failed: 0, dropped: 40_000, superseded: 0 });
    expect(harness.logs.lines.filter((l) => l.includes("queue is full"))).toHaveLength(1);

    await e.shutdown(300);
    const s = e.stats();
    expect(s.queued).toBe(0);
    expect(s.sent + s.failed + s.dropped).toBe(50_000);
  });

  it("bounds the queue by estimated bytes too", () => {
    const e = harness.make({ baseUrl: "http://127.0.0.1:9", maxQueueBytes: 100_000 });
    const big = "x".repeat(10_000);
    const records = Array.from({ length: 10 }, () => traceRecords(5, { text: big })).flat();
    for (const r of records) e.export(r);

    const { queued, dropped } = e.stats();
    expect(queued + dropped).toBe(records.length);
    expect(dropped).toBeGreaterThan(0);
    // Each span record carries more than 10 KB, so at most ten of them fit in 100 KB.
    expect(queued).toBeLessThan(30);
  });

  it("counts records in flight as queued until they settle", async () => {
    harness.collector.respond(() => "hang");
    const e = harness.make({ timeoutMs: 60_000 });
    for (const r of traceRecords(1)) e.export(r);
    await harness.collector.until(() => harness.collector.requests.length === 1);
    expect(e.stats().queued).toBe(3);
  });

  it("flush waits for what was queued when it was called, not for records that keep arriving", async () => {
    const late = makeTrace();
    harness.collector.respond((req) => ((req.body as { trace_id?: string }).trace_id === late.id ? "hang" : undefined));
    const e = harness.make({ timeoutMs: 60_000 });
    const first = traceRecords(2);
    for (const r of first) e.export(r);
    const flushed = e.flush(10_000);
    e.export({ kind: "trace_start", trace: late });

    const started = Date.now();
    await flushed;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(harness.collector.to("/complete")).toHaveLength(1);
    expect(e.stats()).toMatchObject({ sent: first.length, queued: 1 });
  });

  it("flush on an empty queue resolves at once", async () => {
    const e = harness.make();
    const started = Date.now();
    await e.flush(10_000);
    expect(Date.now() - started).toBeLessThan(1_000); // not the 10 s timeout, even on a loaded machine
  });
});
