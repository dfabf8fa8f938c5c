/**
 * The per-trace lane queue: bounds, readiness, and flush waiters.
 */
import { describe, expect, it } from "vitest";
import { LaneQueue } from "../../src/export/delivery/lanes.js";
import { RECORD_OVERHEAD_BYTES, estimateRecordBytes } from "../../src/export/delivery/size.js";
import type { ExportRecord } from "../../src/model/records.js";
import { T0, endSpan, makeSpan, makeTrace } from "../exporters/fixtures.js";

const start = (trace = makeTrace()): ExportRecord => ({ kind: "trace_start", trace });
const limits = { maxRecords: 3, maxBytes: 1_000, maxLanes: 100 };

describe("lane queue", () => {
  it("refuses records beyond the record or byte bound", () => {
    const q = new LaneQueue(limits);
    expect([1, 2, 3, 4].map(() => q.push(start(), 10))).toEqual([true, true, true, false]);
    const b = new LaneQueue(limits);
    expect(b.push(start(), 600)).toBe(true);
    expect(b.push(start(), 600)).toBe(false);
    expect(b.bytes).toBe(600);
  });

  it("keeps one lane per trace, ready in arrival order, busy while its request is in flight", () => {
    const q = new LaneQueue(limits);
    const t1 = makeTrace();
    const t2 = makeTrace();
    q.push(start(t1), 1);
    q.push(start(t2), 1);
    q.push({ kind: "trace_end", trace: t1 }, 1);
    const first = q.nextReady()!;
    expect(first.localId).toBe(t1.id);
    q.begin(first, 1);
    expect(first.busy).toBe(true);
    expect(q.nextReady()!.localId).toBe(t2.id);
    expect(q.hasReady()).toBe(false);
    q.finish(first);
    expect(q.nextReady()).toBe(first);
    expect(q.count).toBe(2);
  });

  it("resolves a flush once what was queued at call time has settled, not later records", async () => {
    const q = new LaneQueue(limits);
    const t = makeTrace();
    q.push(start(t), 1);
    let done = false;
    const flushed = q.whenSettled().then(() => (done = true));
    q.push({ kind: "trace_end", trace: t }, 1);
    const lane = q.nextReady()!;
    q.begin(lane, 1);
    await Promise.resolve();
    expect(done).toBe(false);
    q.finish(lane);
    await flushed;
    expect(done).toBe(true);
    expect(q.count).toBe(1);
  });

  it("remembers the server id of an ended trace for records that come after its end", () => {
    const q = new LaneQueue(limits);
    const t = makeTrace();
    q.push({ kind: "trace_end", trace: t }, 1);
    const lane = q.nextReady()!;
    lane.remoteId = "srv-1";
    lane.ended = true;
    q.begin(lane, 1);
    q.finish(lane);
    q.push(start(t), 1);
    const again = q.nextReady()!;
    expect(again).not.toBe(lane);
    expect(again.remoteId).toBe("srv-1");
  });

  it("after a cut, records queued later wait for the next cut", () => {
    const q = new LaneQueue({ ...limits, maxRecords: 10 });
    const t1 = makeTrace();
    const t2 = makeTrace();
    q.push(start(t1), 1);
    q.markDue();
    q.push(start(t2), 1);
    expect(q.nextReady()!.localId).toBe(t1.id);
    expect(q.nextReady()).toBeUndefined();
    q.markDue();
    expect(q.nextReady()!.localId).toBe(t2.id);
  });

  it("holds span starts: an ended span's start is let go, an open one is queued once old enough", () => {
    const q = new LaneQueue({ ...limits, maxRecords: 10, maxBytes: 2_000 });
    const trace = makeTrace();
    const open = makeSpan(trace);
    const ended = makeSpan(trace);
    expect(q.hold({ kind: "span_start", trace, span: open }, 1_000)).toBe(true);
    expect(q.hold({ kind: "span_start", trace, span: ended }, 1_000)).toBe(true);
    expect(q.count).toBe(2);
    // Held starts count a record's overhead until they are sized on release.
    expect(q.bytes).toBe(2 * RECORD_OVERHEAD_BYTES);
    endSpan(ended, T0 + 20);
    expect(q.releaseHeld(999)).toBe(1); // the ended one is superseded; the open one is too young
    expect(q.heldCount).toBe(1);
    expect(q.bytes).toBe(RECORD_OVERHEAD_BYTES);
    expect(q.hasReady()).toBe(false);
    open.input = { prompt: "x".repeat(10_000) };
    expect(q.releaseHeld(1_000)).toBe(0);
    expect(q.heldCount).toBe(0);
    expect(q.count).toBe(1);
    const queued = q.nextReady()!.entries;
    expect(queued.map((e) => e.record.kind)).toEqual(["span_start"]);
    expect(queued[0]!.bytes).toBe(estimateRecordBytes({ kind: "span_start", trace, span: open }));
    expect(queued[0]!.bytes).toBeGreaterThan(10_000); // queued although over maxBytes: it was admitted when held
    expect(q.bytes).toBe(queued[0]!.bytes);
  });

  it("a held start is admitted against the bounds: a full queue refuses it", () => {
    const q = new LaneQueue({ ...limits, maxRecords: 1 });
    const trace = makeTrace();
    expect(q.hold({ kind: "span_start", trace, span: makeSpan(trace) }, 1_000)).toBe(true);
    expect(q.hold({ kind: "span_start", trace, span: makeSpan(trace) }, 1_000)).toBe(false);
    expect(q.dropWaiting()).toBe(1);
    expect(q.count).toBe(0);
    expect(q.bytes).toBe(0);
  });
});
