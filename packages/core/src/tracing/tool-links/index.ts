/**
 * Agent-loop stitching: links the tool calls a model asks for to the `tool` spans that run them and
 * to the next model request that reads their results, so a raw SDK loop reads as
 * `llm` (asks for tools) → `tool` spans → `llm` (uses the results).
 *
 * How it works:
 *
 * 1. **Remember.** When a span records tool calls (`span.setToolCalls`: OpenAI chat
 *    `{ id, type: "function", function: { name, arguments } }`, Responses `function_call` items as
 *    recorded by the OpenAI plugin, Anthropic `{ id, type: "tool_use", name, input }`, LangChain
 *    `{ id, name, args }`), each call id is remembered with the id of that span (the `llm` span
 *    that asked), its trace id, the tool name and the arguments. The table is process-wide and
 *    bounded: least-recently-used entries are evicted beyond {@link ToolLinkOptions.maxEntries}
 *    and entries older than {@link ToolLinkOptions.ttlMs} are ignored and dropped.
 *
 * 2. **Link.** A `tool` span is linked to one remembered call, and gets the metadata
 *    `tool_call_id` and `llm_span_id` (plus `llm_trace_id` when the asking span is in another
 *    trace, and `tool_call_inferred: true` when the call was matched by name and arguments). The
 *    call id comes from, in this order:
 *    - an explicit id: `tracium.tool(name, fn, { toolCallId })`, or any span given the metadata
 *      key `tool_call_id` (the LangChain handler sets it from LangChain's `toolCallId`);
 *    - the caller: OpenAI `runTools()` (the tool call is found in the runner's messages) and a
 *      LangChain tool body (`config.toolCall.id`), both read by `tracium.tool()`;
 *    - inference (`tracium.tool()`, the MCP plugin): the oldest call of the same trace that no
 *      tool span has claimed yet and whose result was not sent yet, with the same tool name —
 *      the one with equal arguments first. A tool span nested in a tool span that is already
 *      linked (an MCP call made inside a `tracium.tool()` body) is not linked again.
 *
 * 3. **Results.** When the next `llm` request is recorded (`span.recordInput`), the tool results it
 *    carries — OpenAI `role: "tool"` messages (`tool_call_id`), Anthropic `tool_result` blocks
 *    (`tool_use_id`), Responses `function_call_output` items (`call_id`), LangChain tool messages —
 *    are matched: the results sent since the model's last turn, and any remembered call whose
 *    result was not seen yet. That `llm` span gets `tool_results_for` (the call ids, in message
 *    order) and `tool_span_ids` (the `tool` spans of this trace that produced them, when known). This covers
 *    tools that ran without any span: the next request still says which calls it answers.
 *
 * So an exporter can draw the loop from metadata alone: `tool.llm_span_id` points back to the
 * asking `llm` span, and `llm.tool_span_ids` / `llm.tool_results_for` point back to the tools
 * whose results the next request used. The OTLP exporter writes `tool_call_id` as
 * `gen_ai.tool.call.id` and turns `llm_span_id` and `tool_span_ids` into span links.
 *
 * Everything here is fail-safe: it never throws into a span method or user code.
 */
import { dataArray, dataField, dataItem, dataItems, dataRecord, isProxy } from "../../util/plain-data.js";
import { currentStore } from "../../context/store.js";
import { logger } from "../../util/logger.js";

/**
 * The span members tool linking reads and writes (`Span` has them). An interface, so this module,
 * which `span.ts` calls, does not import the span class back.
 */
export interface LinkableSpan {
  readonly id: string;
  readonly traceId: string;
  readonly trace: { readonly recording: boolean };
  readonly data: { readonly metadata: Record<string, unknown> };
  setMetadata(metadata: Record<string, unknown>): void;
}

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

/** What a `tool` span knows about the call it runs (see {@link linkToolSpan}). */
export interface ToolSpanHint {
  /** The call id, when the caller knows it. */
  toolCallId?: string | undefined;
  /** The tool name, for inference. */
  toolName?: string | undefined;
  /** The tool's arguments (object, or JSON string), for inference. */
  arguments?: unknown;
  /** The span active when the tool started (its parent). Default: the active span now. */
  parent?: LinkableSpan | undefined;
  /** Match a remembered call by name and arguments when no id is given. Default true. */
  infer?: boolean;
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
/** Pending (unclaimed) calls kept per trace; the oldest beyond this stop being candidates. */
const MAX_PENDING_PER_TRACE = 256;
/** Messages scanned from the end of a request for tool results. */
const MAX_SCANNED_MESSAGES = 512;
/** Characters of canonical arguments hashed into a key (longer arguments compare by their start). */
const MAX_ARGS_KEY = 4096;
const MAX_ID_CHARS = 256;

/**
 * The bounded table behind the linking: call id → {@link ToolCallLink}, in LRU order (a `Map`'s
 * insertion order; a touched entry moves to the end), plus, per trace, the calls no tool span has
 * claimed yet. Every operation is O(1) amortised except inference, which scans one trace's
 * pending calls (at most 256).
 */
export class ToolCallTable {
  private readonly entries = new Map<string, ToolCallLink>();
  private readonly pending = new Map<string, ToolCallLink[]>();
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
    let list = this.pending.get(link.traceId);
    if (!list) {
      list = [];
      this.pending.set(link.traceId, list);
    }
    list.push(link);
    if (list.length > MAX_PENDING_PER_TRACE) list.shift();
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
    link.resultSeen = true;
    this.unpend(link);
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
  }

  private unpend(link: ToolCallLink): void {
    const list = this.pending.get(link.traceId);
    if (!list) return;
    const i = list.indexOf(link);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.pending.delete(link.traceId);
  }

  private drop(link: ToolCallLink): void {
    if (this.entries.get(link.callId) === link) this.entries.delete(link.callId);
    this.unpend(link);
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

function table(): ToolCallTable {
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
    table().configure(options ?? {});
  } catch (err) {
    logger.once("error", "tool-links:configure", "configureToolLinks failed", err);
  }
}

/** Size of the link table. */
export function toolLinkStats(): ToolLinkStats {
  return table().stats();
}

/** Forgets every remembered call (tests). */
export function resetToolLinks(): void {
  table().clear();
}

/** The remembered call with this id, if any (read-only view; for plugins and tests). */
export function findToolCall(callId: string): Readonly<ToolCallLink> | undefined {
  return typeof callId === "string" && callId ? table().get(callId) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Shapes

type Obj = Record<string, unknown>;

// Recorded values are the user's: read as plain data only (no getter, toJSON or Proxy trap runs).
function rec(value: unknown): Obj | undefined {
  return dataRecord(value);
}

/** An own or inherited data property of a (non-Proxy) object; undefined for an accessor. */
const get = dataField;

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value.slice(0, MAX_ID_CHARS) : undefined;
}

/** Keys sorted, bounded: the same arguments give the same key whatever their key order. */
function stableJson(value: unknown, budget: { left: number }, depth: number): string {
  if (budget.left <= 0) return "";
  let out: string;
  if (value === null || typeof value !== "object") {
    out = typeof value === "string" ? JSON.stringify(value) : value === undefined ? "null" : String(value);
  } else if (depth > 16) {
    out = '"…"';
  } else if (isProxy(value)) {
    out = '"[Proxy]"';
  } else if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const v of dataItems(value)) {
      if (budget.left <= 0) break;
      parts.push(stableJson(v, budget, depth + 1));
    }
    out = `[${parts.join(",")}]`;
  } else {
    const parts: string[] = [];
    for (const k of Object.keys(value).slice(0, 1000).sort()) {
      if (budget.left <= 0) break;
      const v = get(value, k);
      if (v === undefined) continue;
      parts.push(`${JSON.stringify(k)}:${stableJson(v, budget, depth + 1)}`);
    }
    out = `{${parts.join(",")}}`;
  }
  budget.left -= out.length;
  return out;
}

/** cyrb53: a fast 53-bit string hash, so an entry keeps a short key whatever the arguments' size. */
function hash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * A canonical, bounded key for tool arguments: a JSON string is parsed first, so the model's
 * `arguments` string and the parsed object a tool receives give the same key.
 */
export function toolArgsKey(args: unknown): string | undefined {
  try {
    let v: unknown = args;
    if (typeof args === "string") {
      try {
        v = JSON.parse(args);
      } catch {
        return hash(args.slice(0, MAX_ARGS_KEY));
      }
    }
    if (v === undefined) return undefined;
    return hash(stableJson(v, { left: MAX_ARGS_KEY }, 0));
  } catch {
    return undefined;
  }
}

/** A recorded tool call, in any of the shapes the plugins record. */
export interface NormalizedToolCall {
  id: string;
  name: string | undefined;
  arguments: unknown;
}

/**
 * Reads tool calls in the shapes the integrations record: OpenAI `{ id, function: { name,
 * arguments } }`, Anthropic `{ id, name, input }`, LangChain `{ id, name, args }`, Responses items
 * `{ call_id, name, arguments }`. Calls without an id are skipped.
 */
export function normalizeToolCalls(calls: unknown): NormalizedToolCall[] {
  const out: NormalizedToolCall[] = [];
  for (const c of dataItems(calls)) {
    const call = rec(c);
    if (!call) continue;
    const id = str(get(call, "id")) ?? str(get(call, "call_id"));
    if (!id) continue;
    const fn = rec(get(call, "function"));
    const name = str(get(fn, "name")) ?? str(get(call, "name"));
    const input = get(call, "input");
    const callArgs = get(call, "args");
    const args = fn ? get(fn, "arguments") : input !== undefined ? input : callArgs !== undefined ? callArgs : get(call, "arguments");
    out.push({ id, name, arguments: args });
  }
  return out;
}

function messagesOf(input: unknown): unknown[] | undefined {
  let list: unknown = input;
  const r = rec(input);
  if (r) list = dataArray(get(r, "messages")) ?? dataArray(get(r, "input"));
  let messages = dataArray(list);
  // LangChain batches: [[messages…]]: read the first conversation.
  const first = messages && messages.length > 0 ? dataArray(dataItem(messages, 0)) : undefined;
  if (first) messages = first;
  return messages as unknown[] | undefined;
}

function isModelTurn(m: Obj): boolean {
  const role = get(m, "role");
  if (role === "assistant" || role === "ai" || role === "model") return true;
  const type = get(m, "type");
  if (type === "function_call" || type === "custom_tool_call" || type === "ai") return true;
  const calls = dataArray(get(m, "tool_calls"));
  return calls !== undefined && calls.length > 0;
}

/** Tool-result call ids carried by one message / item. */
function resultIdsOf(m: Obj, into: string[]): void {
  const role = get(m, "role");
  const type = get(m, "type");
  const direct = str(get(m, "tool_call_id"));
  if (direct && (role === "tool" || type === "tool" || role === undefined || role === "function")) into.push(direct);
  if (type === "function_call_output" || type === "custom_tool_call_output") {
    const id = str(get(m, "call_id"));
    if (id) into.push(id);
  }
  for (const b of dataItems(get(m, "content"))) {
    const block = rec(b);
    const blockType = get(block, "type");
    if (block && (blockType === "tool_result" || blockType === "mcp_tool_result")) {
      const id = str(get(block, "tool_use_id"));
      if (id) into.push(id);
    }
  }
}

/**
 * The tool results a model request carries: `{ recent, all }` call ids, in message order. `recent`
 * are those sent since the model's last turn (the trailing tool messages); `all` every one in the
 * last {@link MAX_SCANNED_MESSAGES} messages. Accepts the span inputs the plugins record
 * (`{ messages }`, `{ system, messages }`, `{ instructions, input }`) and plain message arrays.
 */
export function toolResultIds(input: unknown): { recent: string[]; all: string[] } {
  const recent: string[] = [];
  const all: string[] = [];
  try {
    const messages = messagesOf(input);
    if (!messages) return { recent, all };
    const start = Math.max(0, messages.length - MAX_SCANNED_MESSAGES);
    let trailing = true;
    const perMessage: string[][] = [];
    for (let i = messages.length - 1; i >= start; i--) {
      const m = rec(dataItem(messages, i));
      if (!m) continue;
      const ids: string[] = [];
      resultIdsOf(m, ids);
      if (trailing && isModelTurn(m)) trailing = false;
      if (ids.length === 0) continue;
      perMessage.push(ids);
      if (trailing) recent.unshift(...ids);
    }
    for (let i = perMessage.length - 1; i >= 0; i--) all.push(...perMessage[i]!);
  } catch {
    // an exotic input: no links
  }
  return { recent, all };
}

// ---------------------------------------------------------------------------------------------
// Hooks called by Span (span.ts) and by tool integrations.

/** Set while this module writes metadata, so its own `tool_call_id` write is not seen as a hook. */
let writing = false;

function recording(span: LinkableSpan): boolean {
  try {
    return span.trace.recording;
  } catch {
    return false;
  }
}

function write(span: LinkableSpan, metadata: Record<string, unknown>): void {
  writing = true;
  try {
    span.setMetadata(metadata);
  } finally {
    writing = false;
  }
}

/**
 * @internal Called by `Span.setToolCalls` with the raw calls: remembers each call id with this
 * span (the asking `llm` span).
 */
export function onToolCallsRecorded(span: LinkableSpan, calls: unknown): void {
  try {
    if (!recording(span)) return;
    const t = table();
    const now = Date.now();
    for (const call of normalizeToolCalls(calls)) {
      t.remember({ callId: call.id, llmSpanId: span.id, traceId: span.traceId, name: call.name, argsKey: toolArgsKey(call.arguments) }, now);
    }
  } catch (err) {
    logger.once("warn", "tool-links:calls", "could not remember tool calls for linking", err);
  }
}

/** @internal Called by `Span.setMetadata` when a span is given a `tool_call_id`: links it. */
export function onToolCallIdSet(span: LinkableSpan, callId: unknown): void {
  if (writing || typeof callId !== "string" || !callId) return;
  try {
    if (!recording(span) || span.data.metadata.llm_span_id !== undefined) return;
    const link = table().get(callId);
    if (!link) return;
    table().claim(link, span.id, span.traceId);
    write(span, linkMetadata(span, link, false));
  } catch (err) {
    logger.once("warn", "tool-links:id", "could not link a tool span", err);
  }
}

/**
 * @internal Called by `Span.recordInput` for `llm` spans with the raw input: records which earlier
 * tool calls this request answers (`tool_results_for`, `tool_span_ids`).
 */
export function onLlmInputRecorded(span: LinkableSpan, input: unknown): void {
  try {
    if (!recording(span)) return;
    const { recent, all } = toolResultIds(input);
    if (all.length === 0) return;
    const t = table();
    const now = Date.now();
    const ids: string[] = [];
    const toolSpans: string[] = [];
    const recentSet = new Set(recent);
    for (const id of all) {
      if (ids.includes(id)) continue;
      const link = t.get(id, now);
      const fresh = link !== undefined && !link.resultSeen;
      if (!fresh && !recentSet.has(id)) continue;
      ids.push(id);
      if (link) {
        if (link.toolSpanId && link.toolTraceId === span.traceId && !toolSpans.includes(link.toolSpanId)) toolSpans.push(link.toolSpanId);
        t.resultSent(link);
      }
    }
    if (ids.length === 0) return;
    const meta: Record<string, unknown> = { tool_results_for: ids };
    if (toolSpans.length > 0) meta.tool_span_ids = toolSpans;
    write(span, meta);
  } catch (err) {
    logger.once("warn", "tool-links:results", "could not read tool results for linking", err);
  }
}

function linkMetadata(span: LinkableSpan, link: ToolCallLink, inferred: boolean): Record<string, unknown> {
  const meta: Record<string, unknown> = { tool_call_id: link.callId, llm_span_id: link.llmSpanId };
  if (link.traceId !== span.traceId) meta.llm_trace_id = link.traceId;
  if (inferred) meta.tool_call_inferred = true;
  return meta;
}

function parentCallId(parent: LinkableSpan | undefined): string | undefined {
  if (!parent) return undefined;
  try {
    const id = parent.data.metadata.tool_call_id;
    return typeof id === "string" && id ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Links a `tool` span to the model's tool call it runs (see the module comment): sets the
 * metadata `tool_call_id` and, when the call was remembered, `llm_span_id`. With no id in `hint`,
 * the call is inferred from the tool name and arguments among the trace's unclaimed calls. Nothing
 * is linked when the parent is a tool span already linked to the same call (or, without an id,
 * to any call). Returns the call id the span was linked to. Never throws.
 */
export function linkToolSpan(span: LinkableSpan, hint: ToolSpanHint = {}): string | undefined {
  try {
    if (!span || !recording(span)) return undefined;
    const h = hint ?? {};
    const parent = "parent" in h ? h.parent : (currentStore()?.span as LinkableSpan | undefined);
    const inherited = parent && parent !== span ? parentCallId(parent) : undefined;
    const explicit = str(h.toolCallId);
    const t = table();
    if (explicit) {
      if (inherited === explicit) return undefined;
      const link = t.get(explicit);
      if (!link) {
        write(span, { tool_call_id: explicit });
        return explicit;
      }
      t.claim(link, span.id, span.traceId);
      write(span, linkMetadata(span, link, false));
      return explicit;
    }
    if (inherited || h.infer === false) return undefined;
    const name = str(h.toolName);
    if (!name) return undefined;
    const link = t.infer(span.traceId, name, h.arguments === undefined ? undefined : toolArgsKey(h.arguments));
    if (!link) return undefined;
    t.claim(link, span.id, span.traceId);
    write(span, linkMetadata(span, link, true));
    return link.callId;
  } catch (err) {
    logger.once("warn", "tool-links:link", "could not link a tool span", err);
    return undefined;
  }
}
