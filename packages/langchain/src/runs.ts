/**
 * Per-run state of a handler, bounded by construction. Entries are removed when their run ends;
 * runs that never end (an abandoned stream, a crashed worker, a parent the handler never saw end)
 * are evicted: the least recently active first when more than `maxRuns` are open, and any run with
 * no activity for `ttlMs` (checked on every new run and by an `unref()`'d timer that only runs
 * while runs are open). Activity on a run also refreshes its ancestors, so a long agent whose
 * steps keep coming is never evicted.
 */
import type { Span, Trace } from "@tracium/core";
import type { ModelCall } from "./shared.js";

export type RunKind = "chain" | "llm" | "tool" | "retrieval";

/** One tree of runs (a root run and its descendants) and the trace it records into. */
export interface RunTree {
  readonly trace: Trace;
  /** True when the handler started the trace (it ends it with the root run). */
  readonly ownsTrace: boolean;
  readonly rootRunId: string;
  /** Open runs of this tree, so that ending the root releases them all. */
  readonly runIds: Set<string>;
}

export interface RunState {
  readonly runId: string;
  readonly parentRunId: string | undefined;
  readonly kind: RunKind;
  /** The run's span; undefined when the run is folded into its parent (prompt templates, parsers). */
  readonly span: Span | undefined;
  /** The span the run's children are attached to: its own span, or (folded) its parent's. */
  readonly attach: Span;
  readonly tree: RunTree;
  lastSeen: number;
  /** `llm` runs: `performance.now()` at start, time to first token, streamed tokens. */
  startedPerf?: number;
  ttftMs?: number;
  tokens?: string[];
  tokenChars?: number;
  streamRequested?: boolean;
  /** `llm` runs: the model call whose provider spans this run suppresses. */
  call?: ModelCall;
}

export type EvictReason = "ttl" | "capacity";

export class RunStore {
  private readonly runs = new Map<string, RunState>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly maxRuns: number,
    readonly ttlMs: number,
    private readonly onEvict: (run: RunState, reason: EvictReason) => void,
  ) {}

  /** Open runs. */
  get size(): number {
    return this.runs.size;
  }

  /** The run, without refreshing it. */
  peek(runId: string | undefined): RunState | undefined {
    return runId === undefined ? undefined : this.runs.get(runId);
  }

  /** The run, marked active (it and its ancestors move to the back of the eviction order). */
  touch(runId: string | undefined): RunState | undefined {
    if (runId === undefined) return undefined;
    const run = this.runs.get(runId);
    if (!run) return undefined;
    const now = Date.now();
    let cur: RunState | undefined = run;
    for (let i = 0; cur && i < 64; i++) {
      cur.lastSeen = now;
      this.runs.delete(cur.runId);
      this.runs.set(cur.runId, cur);
      cur = cur.parentRunId !== undefined ? this.runs.get(cur.parentRunId) : undefined;
    }
    return run;
  }

  /** Adds a run (after sweeping expired ones, and evicting the oldest when full). */
  add(run: RunState): void {
    this.sweep();
    this.runs.set(run.runId, run);
    run.tree.runIds.add(run.runId);
    while (this.runs.size > this.maxRuns) {
      const oldest = this.runs.values().next().value as RunState | undefined;
      if (!oldest) break;
      this.remove(oldest.runId);
      this.onEvict(oldest, "capacity");
    }
    this.startTimer();
  }

  /** Removes the run and returns it (undefined when unknown: never seen, already ended, evicted). */
  take(runId: string | undefined): RunState | undefined {
    if (runId === undefined) return undefined;
    return this.remove(runId);
  }

  private remove(runId: string): RunState | undefined {
    const run = this.runs.get(runId);
    if (!run) return undefined;
    this.runs.delete(runId);
    run.tree.runIds.delete(runId);
    return run;
  }

  /** Evicts runs idle for longer than the TTL. */
  sweep(now: number = Date.now()): void {
    for (const run of this.runs.values()) {
      if (now - run.lastSeen <= this.ttlMs) break; // the map is ordered by activity
      this.remove(run.runId);
      this.onEvict(run, "ttl");
    }
  }

  private startTimer(): void {
    if (this.timer || this.runs.size === 0) return;
    const every = Math.max(1000, Math.min(this.ttlMs, 60_000));
    this.timer = setInterval(() => {
      try {
        this.sweep();
      } finally {
        if (this.runs.size === 0 && this.timer) {
          clearInterval(this.timer);
          this.timer = undefined;
        }
      }
    }, every);
    this.timer.unref();
  }

  /** Stops the sweep timer (the runs stay). */
  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
