/**
 * The HTTP exporter's queue: one FIFO "lane" per trace, so that each trace's calls stay in order
 * (create → spans → complete/fail) while different traces are delivered independently.
 * Bounded in records and bytes; knows which records are still unsettled, for `flush()`.
 *
 * Two rules keep requests few and large under continuous load:
 * - a batch covers what was queued when it was cut ({@link LaneQueue.markDue}); records queued
 *   while it is being sent wait for the next cut instead of following at once;
 * - a span's start record is held aside ({@link LaneQueue.hold}) rather than queued: most spans
 *   end before the next batch and their end record says it all. Only a span still open when a
 *   batch is cut, and older than the interval, goes out as an `in_progress` copy.
 */
import type { ExportRecord } from "../../model/records.js";
import { RECORD_OVERHEAD_BYTES, estimateRecordBytes } from "./size.js";

type SpanStart = Extract<ExportRecord, { kind: "span_start" }>;

/** A held span start and when it was held; it counts {@link RECORD_OVERHEAD_BYTES} until released. */
interface HeldStart {
  readonly record: SpanStart;
  readonly at: number;
}

/** One queued record. `seq` grows with every enqueue and orders records within a lane. */
export interface QueueEntry {
  readonly seq: number;
  readonly record: ExportRecord;
  readonly bytes: number;
}

/** The queue of one trace, plus what delivery learns about that trace. */
export class Lane {
  /** Waiting records, oldest first. */
  readonly entries: QueueEntry[] = [];
  /** Records of the request being delivered (or waiting to be retried), oldest first. */
  inflight: QueueEntry[] = [];
  /** Id to use in URLs: the server may answer the create call with an id of its own. */
  remoteId: string;
  /** Its trace_end record has been taken: the lane is retired once idle. */
  ended = false;

  constructor(readonly localId: string, remoteId?: string) {
    this.remoteId = remoteId ?? localId;
  }

  /** A request of this lane is in flight or waiting for a retry. */
  get busy(): boolean {
    return this.inflight.length > 0;
  }

  /** The oldest record not yet settled, or `Infinity`. */
  minUnsettledSeq(): number {
    return this.inflight[0]?.seq ?? this.entries[0]?.seq ?? Infinity;
  }

  /** The newest record not yet settled, or `-Infinity`. */
  maxUnsettledSeq(): number {
    return this.entries.at(-1)?.seq ?? this.inflight.at(-1)?.seq ?? -Infinity;
  }
}

interface FlushWaiter {
  /** For each lane, the newest record that must settle. */
  readonly targets: Map<Lane, number>;
  readonly resolve: () => void;
}

/** Limits of {@link LaneQueue}. */
export interface LaneQueueLimits {
  maxRecords: number;
  maxBytes: number;
  /** Idle lanes kept (a trace that never ends must not keep its lane forever). */
  maxLanes: number;
}

/** How many remote ids of ended traces are remembered, for records that arrive after the end. */
const ENDED_IDS = 1_000;

/** All lanes, with the record and byte bounds, the ready list and the flush waiters. */
export class LaneQueue {
  /** Records not yet settled, including those in flight. */
  count = 0;
  /** Estimated bytes of the records counted in {@link count}. */
  bytes = 0;
  private seq = 0;
  /** Records with a seq up to this one are due to be sent; everything until the first cut. */
  private due = Infinity;
  private inflightCount = 0;
  private readonly lanes = new Map<string, Lane>();
  /** Lanes with waiting records and no request in flight, in the order they became ready. */
  private readonly ready = new Set<Lane>();
  /** Ready lanes whose oldest record came after the last cut: they wait for the next one. */
  private readonly parked = new Set<Lane>();
  /** Span starts held aside, oldest first (counted in {@link count} and {@link bytes}). */
  private held: HeldStart[] = [];
  private readonly endedRemoteIds = new Map<string, string>();
  private waiters: FlushWaiter[] = [];

  constructor(private readonly limits: LaneQueueLimits) {}

  /** Queues a record; `false` when a bound is reached (the caller counts it dropped). O(1). */
  push(record: ExportRecord, bytes: number): boolean {
    if (!this.admit(bytes)) return false;
    this.enqueue(record, bytes);
    return true;
  }

  /**
   * Holds a span start aside (see the file comment); `false` when a bound is reached. O(1): it is
   * sized only when released, since most are let go unsent and the span's values are held by the
   * open span anyway, not by the queue.
   */
  hold(record: SpanStart, now: number): boolean {
    if (!this.admit(RECORD_OVERHEAD_BYTES)) return false;
    this.held.push({ record, at: now });
    this.count++;
    this.bytes += RECORD_OVERHEAD_BYTES;
    return true;
  }

  /** Span starts held aside. */
  get heldCount(): number {
    return this.held.length;
  }

  /**
   * Goes through the held span starts: those whose span has ended are let go (their end record
   * supersedes them), those still open and held since `olderThan` or before (all of them when
   * `olderThan` is undefined) are queued in their lane; the others stay held.
   * @returns how many were let go.
   */
  releaseHeld(olderThan?: number): number {
    if (this.held.length === 0) return 0;
    let superseded = 0;
    const keep: HeldStart[] = [];
    for (const h of this.held) {
      const span = h.record.span;
      if (span.endedAt !== undefined || span.status !== "in_progress") {
        superseded++;
        this.count--;
        this.bytes -= RECORD_OVERHEAD_BYTES;
      } else if (olderThan === undefined || h.at <= olderThan) {
        // Already admitted: sized now, and queued whatever the byte bound says.
        const bytes = estimateRecordBytes(h.record);
        this.bytes += bytes - RECORD_OVERHEAD_BYTES;
        this.enqueue(h.record, bytes, true);
      } else {
        keep.push(h);
      }
    }
    this.held = keep;
    if (this.count <= 0) this.bytes = 0;
    return superseded;
  }

  /** Cuts a batch: every record queued so far is due; parked lanes are ready again. */
  markDue(): void {
    this.due = this.seq;
    for (const lane of this.parked) this.ready.add(lane);
    this.parked.clear();
  }

  private admit(bytes: number): boolean {
    return this.count < this.limits.maxRecords && this.bytes + bytes <= this.limits.maxBytes;
  }

  private enqueue(record: ExportRecord, bytes: number, counted = false): void {
    const lane = this.laneFor(record.trace.id);
    lane.entries.push({ seq: ++this.seq, record, bytes });
    if (!counted) {
      this.count++;
      this.bytes += bytes;
    }
    if (!lane.busy) this.ready.add(lane);
  }

  /** The newest seq that is due (for the planner: later records wait for the next cut). */
  get dueSeq(): number {
    return this.due;
  }

  /** Records waiting to be sent (not in flight). */
  get waiting(): number {
    return this.count - this.inflightCount;
  }

  /** Takes the next lane with a due record and removes it from the ready list. */
  nextReady(): Lane | undefined {
    for (;;) {
      const next = this.ready.values().next();
      if (next.done) return undefined;
      const lane = next.value;
      this.ready.delete(lane);
      if ((lane.entries[0]?.seq ?? Infinity) <= this.due) return lane;
      if (lane.entries.length > 0) this.parked.add(lane);
    }
  }

  /** Whether some lane is ready to send. */
  hasReady(): boolean {
    return this.ready.size > 0;
  }

  /** Moves the lane's first `n` waiting records in flight; the lane is busy until {@link finish}. */
  begin(lane: Lane, n: number): QueueEntry[] {
    lane.inflight = lane.entries.splice(0, n);
    this.inflightCount += lane.inflight.length;
    this.ready.delete(lane);
    this.parked.delete(lane);
    return lane.inflight;
  }

  /** Settles the lane's in-flight records (sent, failed or dropped): the lane is free again. */
  finish(lane: Lane): void {
    const entries = lane.inflight;
    lane.inflight = [];
    this.inflightCount -= entries.length;
    this.settle(lane, entries);
  }

  /**
   * Releases the budget of settled records, makes the lane ready again or retires it, and resolves
   * the flush waiters that were waiting on them.
   */
  private settle(lane: Lane, entries: readonly QueueEntry[]): void {
    for (const e of entries) {
      this.count--;
      this.bytes -= e.bytes;
    }
    if (this.count <= 0) this.bytes = 0;
    if (lane.entries.length > 0) {
      if (!lane.busy) this.ready.add(lane);
    } else if (!lane.busy && lane.ended) {
      this.retire(lane);
    }
    this.notify(lane);
  }

  /** Removes every waiting (not in-flight) record, held span starts included, and returns how many there were. */
  dropWaiting(): number {
    let dropped = this.held.length;
    this.count -= dropped;
    this.bytes -= dropped * RECORD_OVERHEAD_BYTES;
    this.held = [];
    for (const lane of [...this.lanes.values()]) {
      const entries = lane.entries.splice(0);
      dropped += entries.length;
      this.ready.delete(lane);
      this.parked.delete(lane);
      this.settle(lane, entries);
    }
    if (this.count <= 0) this.bytes = 0;
    return dropped;
  }

  /**
   * Resolves once every record queued now has settled. Records queued later are not waited for,
   * so a busy application cannot make a flush wait forever. Held span starts are not waited for:
   * release them first ({@link releaseHeld}) to include them.
   */
  whenSettled(): Promise<void> {
    const targets = new Map<Lane, number>();
    for (const lane of this.lanes.values()) {
      if (lane.minUnsettledSeq() !== Infinity) targets.set(lane, lane.maxUnsettledSeq());
    }
    if (targets.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ targets, resolve }));
  }

  /** Resolves every flush waiter now (shutdown). */
  releaseWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }

  private notify(lane: Lane): void {
    if (this.waiters.length === 0) return;
    const min = lane.minUnsettledSeq();
    this.waiters = this.waiters.filter((w) => {
      const target = w.targets.get(lane);
      if (target !== undefined && min > target) w.targets.delete(lane);
      if (w.targets.size > 0) return true;
      w.resolve();
      return false;
    });
  }

  private laneFor(traceId: string): Lane {
    let lane = this.lanes.get(traceId);
    if (lane) return lane;
    if (this.lanes.size >= this.limits.maxLanes) this.evictIdle();
    lane = new Lane(traceId, this.endedRemoteIds.get(traceId));
    this.lanes.set(traceId, lane);
    return lane;
  }

  private retire(lane: Lane): void {
    this.lanes.delete(lane.localId);
    this.ready.delete(lane);
    this.parked.delete(lane);
    if (lane.remoteId !== lane.localId) {
      if (this.endedRemoteIds.size >= ENDED_IDS) {
        const oldest = this.endedRemoteIds.keys().next();
        if (!oldest.done) this.endedRemoteIds.delete(oldest.value);
      }
      this.endedRemoteIds.set(lane.localId, lane.remoteId);
    }
  }

  /** Forgets the oldest idle lane, looking at a bounded number of lanes (this runs on the caller's path). */
  private evictIdle(): void {
    let looked = 0;
    for (const lane of this.lanes.values()) {
      if (++looked > 64) return;
      if (!lane.busy && lane.entries.length === 0) {
        this.lanes.delete(lane.localId);
        return;
      }
    }
  }
}
