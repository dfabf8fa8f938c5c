/**
 * Ids an app keeps (trace ids logged for feedback, span ids stored with an evaluation) cost about
 * their own size: an id is never a cut of a longer string that the app would keep alive with it.
 */
import { agentTrace, init, span } from "@tracium/core";
import { describe, expect, it } from "vitest";
import { heapAfterGc } from "../helpers/heap.js";

const TRACES = 5_000;
const SPANS_PER_TRACE = 40;

/** Heap bytes per id kept, over traces of 40 spans that keep one id each. */
async function bytesPerKeptId(pick: (traceId: string, spanIds: string[]) => string): Promise<number> {
  const kept: string[] = [];
  const before = heapAfterGc();
  for (let t = 0; t < TRACES; t++) {
    await agentTrace({ agentName: "keeper" }, (trace) => {
      const spanIds = Array.from({ length: SPANS_PER_TRACE }, () => span({ name: "step" }, (s) => s.id));
      kept.push(pick(trace.id, spanIds));
    });
  }
  return (heapAfterGc() - before) / kept.length;
}

describe("kept ids", () => {
  it("a kept trace id holds only its own text, a kept span id at most a small block", async () => {
    // Records are dropped, not kept: only the app's ids stay.
    init({ logLevel: "silent", exporter: { name: "none", export: () => undefined, flush: async () => undefined, shutdown: async () => undefined } });
    expect(await bytesPerKeptId((traceId) => traceId)).toBeLessThan(500); // ~190 bytes; ~1.6 KB when ids were cut from 64-id blocks
    expect(await bytesPerKeptId((_, spanIds) => spanIds[SPANS_PER_TRACE >> 1]!)).toBeLessThan(1_000); // ~640 bytes (a 16-id block is 576); ~1.5 KB with 64-id blocks
  });
});
