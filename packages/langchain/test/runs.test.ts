import { afterEach, describe, expect, it, vi } from "vitest";
import { RunStore, type RunState, type RunTree } from "../src/runs.js";

const span = {} as never;
const tree = (): RunTree => ({ trace: {} as never, ownsTrace: true, rootRunId: "r", runIds: new Set() });
const run = (runId: string, t: RunTree, parentRunId?: string): RunState => ({ runId, parentRunId, kind: "chain", span, attach: span, tree: t, lastSeen: Date.now() });

afterEach(() => vi.useRealTimers());

describe("RunStore", () => {
  it("take() removes a run from the map and from its tree", () => {
    const evicted: string[] = [];
    const store = new RunStore(10, 60_000, (r) => evicted.push(r.runId));
    const t = tree();
    store.add(run("a", t));
    expect(store.size).toBe(1);
    expect(t.runIds.has("a")).toBe(true);
    expect(store.take("a")?.runId).toBe("a");
    expect(store.take("a")).toBeUndefined();
    expect(store.size).toBe(0);
    expect(t.runIds.size).toBe(0);
    expect(evicted).toEqual([]);
    store.dispose();
  });

  it("evicts the least recently active beyond maxRuns", () => {
    const evicted: string[] = [];
    const store = new RunStore(3, 60_000, (r) => evicted.push(r.runId));
    const t = tree();
    for (const id of ["a", "b", "c"]) store.add(run(id, t));
    store.touch("a"); // a is now the most recently active
    store.add(run("d", t));
    expect(evicted).toEqual(["b"]);
    expect(store.size).toBe(3);
    store.dispose();
  });

  it("evicts runs idle for longer than the TTL; touching a child refreshes its ancestors", () => {
    vi.useFakeTimers();
    const evicted: string[] = [];
    const store = new RunStore(100, 1000, (r) => evicted.push(r.runId));
    const t = tree();
    store.add(run("idle", t));
    store.add(run("root", t));
    store.add(run("child", t, "root"));
    vi.advanceTimersByTime(800);
    store.touch("child");
    vi.advanceTimersByTime(800);
    store.sweep();
    expect(evicted).toEqual(["idle"]);
    expect(store.peek("root")).toBeDefined();
    vi.advanceTimersByTime(1500); // the timer sweeps too
    expect(evicted).toEqual(["idle", "child", "root"]);
    store.dispose();
  });
});
