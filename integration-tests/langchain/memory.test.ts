/**
 * Memory: per-run state is dropped when each run ends, runs that never end are evicted (bounded
 * map + TTL, ancestors of active runs kept), and a long-lived handler does not grow over 10,000
 * runs.
 */
import { describe, expect, it } from "vitest";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { init, stats, type ExportRecord, type Exporter } from "@tracium/core";
import { TraciumCallbackHandler } from "@tracium/langchain";
import { heapAfterGc } from "../helpers/heap.js";
import { memory, sleep, useTracium } from "./support.js";

useTracium();

/** Counts records and keeps nothing, so that only the handler (and the core) could grow. */
class CountingExporter implements Exporter {
  readonly name = "counting";
  spans = 0;
  traces = 0;
  export(record: ExportRecord): void {
    if (record.kind === "span_end") this.spans++;
    if (record.kind === "trace_end") this.traces++;
  }
  async flush(): Promise<void> {}
  async shutdown(): Promise<void> {}
  stats() {
    return { queued: 0, sent: 0, failed: 0, dropped: 0 };
  }
}

const CHAIN_START = (h: TraciumCallbackHandler, runId: string, parent?: string): void =>
  h.handleChainStart({ lc: 1, type: "not_implemented", id: ["x", "Step"] }, { input: runId }, runId, parent);

describe("a long-lived handler", () => {
  it("10,000 runs (5,000 chains with a model each) through one handler: no run kept, heap flat", async () => {
    const counting = new CountingExporter();
    init({ logLevel: "silent", exporter: counting });
    try {
      const handler = new TraciumCallbackHandler();
      const model = new FakeListChatModel({ responses: ["ok"] });
      const chain = RunnableLambda.from(async (q: string, config) => (await model.invoke(q, config)).content);
      const batch = async (n: number): Promise<void> => {
        for (let i = 0; i < n; i += 50) {
          await Promise.all(Array.from({ length: 50 }, (_, j) => chain.invoke(`q${i + j}`, { callbacks: [handler] })));
        }
      };
      await batch(500); // warm-up: JIT, LangChain's lazy singletons
      const before = heapAfterGc();
      await batch(5000);
      const after = heapAfterGc();

      expect(counting.traces).toBe(5500);
      expect(counting.spans).toBe(11_000);
      expect(handler.openRuns).toBe(0);
      expect(stats().openTraces).toBe(0);
      // 10,000 runs each leaking even a span (~1 KB with its data) would add ~10 MB.
      expect(after - before).toBeLessThan(3 * 1024 * 1024);
    } finally {
      init({ logLevel: "silent", exporter: memory });
    }
  }, 120_000);

  it("runs that never end are evicted beyond maxRuns (least recently active first)", () => {
    const handler = new TraciumCallbackHandler({ maxRuns: 100 });
    for (let i = 0; i < 1000; i++) CHAIN_START(handler, `root-${i}`);
    expect(handler.openRuns).toBe(100);
    // Each was a root that owned its trace: the evicted ones ended their traces as failed.
    const ended = memory.traces();
    expect(ended).toHaveLength(900);
    expect(new Set(ended.map((t) => t.status))).toEqual(new Set(["failed"]));
    const span = memory.spans(ended[0]!.id)[0]!;
    expect(span.status).toBe("failed");
    expect(span.metadata).toMatchObject({ evicted: "capacity" });
    expect(span.error).toContain("never ended");
  });

  it("runs idle for longer than runTtlMs are evicted; a root whose children keep coming is kept", async () => {
    const handler = new TraciumCallbackHandler({ runTtlMs: 200 });
    for (let i = 0; i < 20; i++) CHAIN_START(handler, `idle-${i}`);
    CHAIN_START(handler, "busy-root");
    for (let i = 0; i < 6; i++) {
      await sleep(50);
      CHAIN_START(handler, `child-${i}`, "busy-root"); // activity in its subtree keeps the root alive
      handler.handleChainEnd({ output: i }, `child-${i}`);
    }
    expect(handler.openRuns).toBe(1); // the idle ones are gone, busy-root stays
    handler.handleChainEnd({ output: "done" }, "busy-root");
    expect(handler.openRuns).toBe(0);
    const busy = memory.traces().find((t) => memory.spans(t.id).some((s) => s.name === "Step" && s.output === "done"))!;
    expect(busy.status).toBe("completed");
    expect(memory.spans(busy.id)).toHaveLength(7);
    expect(memory.traces().filter((t) => t.status === "failed")).toHaveLength(20);
  });

  it("ending a root releases runs of its tree that never reported their end", () => {
    const handler = new TraciumCallbackHandler();
    CHAIN_START(handler, "root");
    CHAIN_START(handler, "child", "root");
    CHAIN_START(handler, "grandchild", "child");
    expect(handler.openRuns).toBe(3);
    handler.handleChainEnd({ output: "x" }, "root");
    expect(handler.openRuns).toBe(0);
    const spans = memory.spans();
    expect(spans).toHaveLength(3);
  });
});
