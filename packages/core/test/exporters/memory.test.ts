/**
 * The memory and none exporters.
 */
import { describe, expect, it } from "vitest";
import { MemoryExporter } from "../../src/export/exporters/memory.js";
import { NoopExporter } from "../../src/export/exporters/none.js";
import { finishedTraceRecords, makeSpan, makeTrace } from "./fixtures.js";

describe("memory exporter", () => {
  it("keeps every record in order, and lists ended traces and ended spans (per trace)", () => {
    const e = new MemoryExporter();
    const a = makeTrace();
    const b = makeTrace();
    const ra = finishedTraceRecords(a, [makeSpan(a, { name: "a1" }), makeSpan(a, { name: "a2" })]);
    const rb = finishedTraceRecords(b, [makeSpan(b, { name: "b1" })]);
    for (const r of [...ra, ...rb]) e.export(r);

    expect(e.records).toEqual([...ra, ...rb]);
    expect(e.traces()).toEqual([a, b]);
    expect(e.spans().map((s) => s.name)).toEqual(["a1", "a2", "b1"]);
    expect(e.spans(b.id).map((s) => s.name)).toEqual(["b1"]);
    expect(e.stats()).toEqual({ queued: 0, sent: ra.length + rb.length, failed: 0, dropped: 0 });
  });

  it("reset() forgets everything", () => {
    const e = new MemoryExporter();
    for (const r of finishedTraceRecords(makeTrace(), [])) e.export(r);
    e.reset();
    expect(e.records).toEqual([]);
    expect(e.traces()).toEqual([]);
  });

  it("drops and counts records beyond maxRecords and after shutdown", async () => {
    const e = new MemoryExporter({ maxRecords: 3 });
    for (const r of finishedTraceRecords(makeTrace(), [makeSpan(makeTrace())])) e.export(r);
    expect(e.stats()).toEqual({ queued: 0, sent: 3, failed: 0, dropped: 1 });
    await e.shutdown(100);
    e.export({ kind: "trace_start", trace: makeTrace() });
    expect(e.stats().dropped).toBe(2);
  });
});

describe("none exporter", () => {
  it("accepts and discards records", async () => {
    const e = new NoopExporter();
    for (const r of finishedTraceRecords(makeTrace(), [])) e.export(r);
    await e.flush(10);
    await e.shutdown(10);
    expect(e.name).toBe("none");
    expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 0, dropped: 0 });
  });
});
