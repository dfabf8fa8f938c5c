/**
 * The figures that issue 16's "nothing regresses" rows are judged against: the full run of
 * 2026-11-25 (Node 20, 2 cores, load average 2.7–5.8), before the span-engine and delivery
 * changes. Only figures that a loaded machine moves little are compared as they are (heap sizes);
 * start-up time is compared as a ratio to a peer measured in the same run, since the absolute
 * milliseconds move with the load.
 */
export const BASELINE = {
  from: "full run of 2026-11-25, before issue 16",
  /** 3a: heap after 100,000 calls with the endpoint down, MB (after GC). */
  memoryHeapMB: 17.6,
  /** 3b: idle heap after import + init over `openai` alone, MB. */
  idleHeapMB: 1.07,
  /** 4: import + init, ms, and as a ratio to Langfuse's in the same run. */
  startupMs: 18.5,
  startupVsLangfuse: 0.11,
};

/** How much worse than the baseline still counts as no regression (noise of repeated runs). */
export const TOLERANCE = {
  /** Heap: +15 % (a few hundred KB of lazily compiled code move it from run to run). */
  heap: 1.15,
  /** Start-up ratio to the peer: +30 % (fresh processes on a shared machine). */
  startupRatio: 1.3,
};
