/**
 * Recording a huge value costs O(limit), not O(size): a Map, a Set or an array of a million
 * entries is recorded in about the time of a small one; an object with a million keys costs no more
 * than listing its keys once (the engine itself needs that much to enumerate them).
 * Limits are generous: the point is the order of magnitude (seconds before the fix).
 */
import { agentTrace, span } from "@tracium/core";
import { describe, expect, it } from "vitest";
import { heapAfterGc } from "../helpers/heap.js";
import { setupTracing } from "../helpers/tracing.js";

const N = 1_000_000;

/**
 * `text` as one flat string. `repeat()` and `+` build ropes that V8 flattens, O(size), the first
 * time anything reads them (the app's own code would pay that on its first use); measured on a
 * rope, that copy, not the recording, is what the timing would show.
 */
function flat(text: string): string {
  return Buffer.from(text, "latin1").toString("latin1");
}

function timeRecord(value: unknown): { ms: number; recorded: unknown } {
  let recorded: unknown;
  let ms = 0;
  const memory = setupTracing();
  void agentTrace({ agentName: "cost" }, () =>
    span({ name: "s" }, (s) => {
      const t = performance.now();
      s.recordInput(value);
      ms = performance.now() - t;
    }),
  );
  recorded = memory.spans()[0]?.input;
  return { ms, recorded };
}

describe("capture cost is bounded by the recording limit", () => {
  it("a Map and a Set of 1M entries", () => {
    const map = new Map<number, number>();
    const set = new Set<number>();
    for (let i = 0; i < N; i++) {
      map.set(i, i);
      set.add(i);
    }
    const m = timeRecord(map);
    const s = timeRecord(set);
    expect(Object.keys(m.recorded as object)).toHaveLength(1001); // 1000 entries and the "…" marker
    expect((s.recorded as unknown[]).length).toBe(1001);
    // Before: 2.3 s for the Map (every entry copied first). Now: microseconds.
    expect(m.ms).toBeLessThan(250);
    expect(s.ms).toBeLessThan(250);
  });

  it("an array of 1M items", () => {
    const arr = Array.from({ length: N }, (_, i) => ({ i }));
    const r = timeRecord(arr);
    expect((r.recorded as unknown[]).length).toBe(1001);
    expect(r.ms).toBeLessThan(250);
  });

  it("an object with 1M keys costs about one key listing, not a copy of every entry", () => {
    const obj: Record<string, number> = {};
    for (let i = 0; i < N; i++) obj[`k${i}`] = i;
    const t = performance.now();
    Object.keys(obj);
    const listing = performance.now() - t;
    const r = timeRecord(obj);
    expect(Object.keys(r.recorded as object)).toHaveLength(1001);
    // Before: 3.3 s (≈7 listings). The bound allows for a loaded machine.
    expect(r.ms).toBeLessThan(3 * listing + 300);
  });

  it("a huge object nested in a small one, and many getters past the limit, run nothing", () => {
    let reads = 0;
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) {
      Object.defineProperty(obj, `g${i}`, {
        enumerable: true,
        get() {
          reads++;
          return i;
        },
      });
    }
    const r = timeRecord({ wrap: obj });
    expect(reads).toBe(0);
    expect((r.recorded as { wrap: Record<string, unknown> }).wrap.g0).toBe("[getter]");
  });

  it("a 64 MB string costs the limit, not its size: masked and checked for media in the kept part only", () => {
    const small = flat("word ".repeat(20_000 + 2_000)); // just over the 100,000-char limit
    const huge = flat("word ".repeat(13_500_000)); // 67.5 M chars
    const key = "sk-" + "a".repeat(40);
    const withKeyAtCut = flat("x".repeat(99_990) + key + huge); // a credential straddling the cut is still masked
    const base = timeRecord(small);
    const r = timeRecord(huge);
    expect((r.recorded as string).length).toBeLessThan(100_100);
    expect(r.recorded as string).toContain(`truncated ${huge.length - 100_000} chars`);
    // A full regex pass over 67 M chars takes hundreds of ms; the kept part takes about what a
    // string just over the limit takes. The bound allows for a loaded machine.
    expect(r.ms).toBeLessThan(10 * base.ms + 50);
    const k = timeRecord(withKeyAtCut);
    expect(k.recorded as string).not.toContain("aaaaaaaaaa");
    const b64 = flat(`iVBORw0KGgo${"QUJD".repeat(16_000_000)}`); // 64 M chars of base64, a PNG's signature first
    const m = timeRecord(b64);
    expect(m.recorded).toBe(`[base64 data omitted: ${b64.length} chars]`);
    expect(m.ms).toBeLessThan(10 * base.ms + 50);
  });

  // The records of an exporter that keeps them (or a queue while the API is down) are counted at
  // their cut size: the cut must not keep the whole original alive.
  it("a value cut to the limit keeps nothing of the original alive: inputs, error messages and stacks", async () => {
    const memory = setupTracing();
    const before = heapAfterGc();
    const SPANS = 30;
    for (let i = 0; i < SPANS; i++) {
      const doc = flat(`lorem ipsum ${i} `.repeat(80_000)); // ~1.2 MB, a fresh string each time
      const error = new Error(doc);
      error.stack = `Error: ${doc}`;
      await agentTrace({ agentName: "keep" }, () =>
        span({ name: "read" }, (s) => {
          s.recordInput({ document: doc });
          s.markFailed(error);
        }),
      );
    }
    const perSpan = (heapAfterGc() - before) / SPANS;
    const recorded = memory.spans().filter((s) => s.name === "read");
    expect(recorded).toHaveLength(SPANS);
    expect((recorded[0]!.input as { document: string }).document).toContain("truncated");
    // What a span keeps: ~100 KB of input and ~30 KB of error text, not the 1.2 MB original(s).
    expect(perSpan).toBeLessThan(600_000);
  });
});
