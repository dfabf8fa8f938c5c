/**
 * The bounded, process-wide table of tool calls that tool linking reads and writes (see
 * `links.ts`): call id → link, in LRU order, plus per trace the calls no tool span has claimed yet
 * and the calls whose result no request has carried yet.
 */
import { logger } from "../../util/logger.js";

/** Limits of the link table (process-wide). */
export interface ToolLinkOptions {
  /** Calls remembered at most; the least recently used are evicted. Default 10,000. */
  maxEntries?: number;
  /** A call older than this is forgotten (ms). Default 30 minutes. */
  ttlMs?: number;
}

/** One remembered tool call. */
export interface ToolCallLink {
  /** The provider's call id (`call_…`, `toolu_…`). */
  readonly callId: string;
  /** Id of the span that recorded the call (the `llm` span that asked for the tool). */
  readonly llmSpanId: string;
  /** Trace of that span. */
  readonly traceId: string;
  /** Tool name the model asked for. */
  readonly name: string | undefined;
  /** Hash of the canonical arguments, for matching. */
  readonly argsKey: string | undefined;
  /** Id of the first `tool` span linked to this call. */
  toolSpanId: string | undefined;
  /** Trace of that tool span. */
  toolTraceId: string | undefined;
  /** True once a later request carried this call's result. */
  resultSeen: boolean;
  /** Epoch ms after which the entry is ignored. */
  expiresAt: number;
}

/** Counters of the link table (tests, `tracium doctor`). */
export interface ToolLinkStats {
  /** Calls remembered. */
  entries: number;
  /** Calls not claimed by a tool span yet (candidates for inference). */
  pending: number;
  /** Traces with pending calls. */
  traces: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_TTL_MS = 30 * 60_000;
/** Calls kept per trace in each per-trace list; the oldest beyond this stop being candidates. */
const MAX_PENDING_PER_TRACE = 256;

/**
 * The bounded table behind the linking: call id → {@link ToolCallLink}, in LRU order (a `Map`'s
 * insertion order; a touched entry moves to the end), plus, per trace, the calls no tool span has
 * claimed yet. Every operation is O(1) amortised except inference, which scans one trace's
 * pending calls (at most 256).
 */
export class ToolCallTable {
  private readonly entries = new Map<string, ToolCallLink>();
  private readonly pending = new Map<string, ToolCallLink[]>();
  /** Per trace, the calls whose result no request has carried yet (for results named only by tool). */
  private readonly unanswered = new Map<string, ToolCallLink[]>();
  /** Remembered calls (in {@link entries}) whose result no request has carried yet, in any trace. */
  private awaiting = 0;
  private maxEntries = DEFAULT_MAX_ENTRIES;
  private ttlMs = DEFAULT_TTL_MS;

  constructor(options: ToolLinkOptions = {}) {
    this.configure(options);
  }

  /** Changes the limits (invalid values keep the current ones); evicts what no longer fits. */
  configure(options: ToolLinkOptions): void {
    const max = options?.maxEntries;
    if (typeof max === "number" && Number.isFinite(max) && max >= 1) this.maxEntries = Math.floor(max);
    const ttl = options?.ttlMs;
    if (typeof ttl === "number" && Number.isFinite(ttl) && ttl > 0) this.ttlMs = ttl;
    this.evict(Date.now());
  }

  /** Remembers a call (a call id seen again is refreshed and moves to the end). */
  remember(call: { callId: string; llmSpanId: string; traceId: string; name?: string | undefined; argsKey?: string | undefined }, now = Date.now()): ToolCallLink {
    const old = this.entries.get(call.callId);
    // The same span recording the call again (a stream's calls recorded as they arrive) keeps
    // what is known about it: the tool span that claimed it, whether its result was sent.
    if (old && old.llmSpanId === call.llmSpanId && old.traceId === call.traceId && old.expiresAt > now) {
      this.entries.delete(old.callId);
      this.entries.set(old.callId, old);
      old.expiresAt = now + this.ttlMs;
      return old;
    }
    if (old) this.drop(old);
    const link: ToolCallLink = {
      callId: call.callId,
      llmSpanId: call.llmSpanId,
      traceId: call.traceId,
      name: call.name,
      argsKey: call.argsKey,
      toolSpanId: undefined,
      toolTraceId: undefined,
      resultSeen: false,
      expiresAt: now + this.ttlMs,
    };
    this.entries.set(link.callId, link);
    this.awaiting++;
    append(this.pending, link);
    append(this.unanswered, link);
    this.evict(now);
    return link;
  }

  /** The call with this id, if remembered and not expired. Touches it (LRU). */
  get(callId: string, now = Date.now()): ToolCallLink | undefined {
    const link = this.entries.get(callId);
    if (!link) return undefined;
    if (link.expiresAt <= now) {
      this.drop(link);
      return undefined;
    }
    this.entries.delete(callId);
    this.entries.set(callId, link);
    return link;
  }

  /** Marks a call as run by the span `toolSpanId` of `toolTraceId` (it stops being a candidate for inference). */
  claim(link: ToolCallLink, toolSpanId: string, toolTraceId: string = link.traceId): void {
    if (link.toolSpanId === undefined) {
      link.toolSpanId = toolSpanId;
      link.toolTraceId = toolTraceId;
    }
    this.unpend(link);
  }

  /** Marks a call's result as sent to the model (it stops being a candidate for inference). */
  resultSent(link: ToolCallLink): void {
    if (!link.resultSeen && this.entries.get(link.callId) === link) this.awaiting--;
    link.resultSeen = true;
    this.unpend(link);
    remove(this.unanswered, link);
  }

  /**
   * Whether any remembered call still waits for its result. When none does, a request's tool
   * results can only be linked by being its latest ones, and older messages need not be read.
   */
  hasAwaitingResults(): boolean {
    return this.awaiting > 0;
  }

  /** The oldest call of `traceId` named `name` whose result was not sent yet. */
  awaitingResult(traceId: string, name: string, now = Date.now()): ToolCallLink | undefined {
    for (const link of this.unanswered.get(traceId) ?? []) {
      if (link.expiresAt > now && link.name === name) return link;
    }
    return undefined;
  }

  /**
   * The oldest unclaimed call of `traceId` named `name`, preferring one whose arguments equal
   * `argsKey`. Undefined when there is none.
   */
  infer(traceId: string, name: string, argsKey: string | undefined, now = Date.now()): ToolCallLink | undefined {
    const list = this.pending.get(traceId);
    if (!list) return undefined;
    let byName: ToolCallLink | undefined;
    for (const link of list) {
      if (link.expiresAt <= now || link.name !== name) continue;
      if (argsKey !== undefined && link.argsKey === argsKey) return link;
      byName ??= link;
    }
    return byName;
  }

  stats(): ToolLinkStats {
    let pending = 0;
    for (const list of this.pending.values()) pending += list.length;
    return { entries: this.entries.size, pending, traces: this.pending.size };
  }

  clear(): void {
    this.entries.clear();
    this.pending.clear();
    this.unanswered.clear();
    this.awaiting = 0;
  }

  private unpend(link: ToolCallLink): void {
    remove(this.pending, link);
  }

  private drop(link: ToolCallLink): void {
    if (this.entries.get(link.callId) === link) {
      this.entries.delete(link.callId);
      if (!link.resultSeen) this.awaiting--;
    }
    this.unpend(link);
    remove(this.unanswered, link);
  }

  /** Drops entries beyond the size limit and expired ones at the head (the oldest). */
  private evict(now: number): void {
    for (const link of this.entries.values()) {
      if (this.entries.size <= this.maxEntries && link.expiresAt > now) break;
      this.drop(link);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The process-wide table (shared by the ESM and CJS builds of @tracium/core, like the state).

const KEY = Symbol.for("tracium.toolLinks.v1");

/** @internal The process-wide table. */
export function toolLinkTable(): ToolCallTable {
  const g = globalThis as Record<symbol, ToolCallTable | undefined>;
  let t = g[KEY];
  if (!t) {
    t = new ToolCallTable();
    Object.defineProperty(g, KEY, { value: t, enumerable: false, configurable: true });
  }
  return t;
}

/** Sets the limits of the link table (process-wide). */
export function configureToolLinks(options: ToolLinkOptions): void {
  try {
    toolLinkTable().configure(options ?? {});
  } catch (err) {
    logger.once("error", "tool-links:configure", "configureToolLinks failed", err);
  }
}

/** Size of the link table. */
export function toolLinkStats(): ToolLinkStats {
  return toolLinkTable().stats();
}

/** Forgets every remembered call (tests). */
export function resetToolLinks(): void {
  toolLinkTable().clear();
}

/** The remembered call with this id, if any (read-only view; for plugins and tests). */
export function findToolCall(callId: string): Readonly<ToolCallLink> | undefined {
  return typeof callId === "string" && callId ? toolLinkTable().get(callId) : undefined;
}

/** Adds `link` to its trace's list in `lists`, dropping the oldest beyond the per-trace bound. */
function append(lists: Map<string, ToolCallLink[]>, link: ToolCallLink): void {
  let list = lists.get(link.traceId);
  if (!list) {
    list = [];
    lists.set(link.traceId, list);
  }
  list.push(link);
  if (list.length > MAX_PENDING_PER_TRACE) list.shift();
}

function remove(lists: Map<string, ToolCallLink[]>, link: ToolCallLink): void {
  const list = lists.get(link.traceId);
  if (!list) return;
  const i = list.indexOf(link);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) lists.delete(link.traceId);
}
