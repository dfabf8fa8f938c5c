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
 *    carries — OpenAI `role: "tool"` messages (`tool_call_id`), Mistral's (`toolCallId`), Anthropic
 *    `tool_result` blocks (`tool_use_id`), Bedrock Converse `toolResult` blocks (`toolUseId`), Gemini
 *    `functionResponse` parts (`id`; without one, the oldest unanswered call of that tool name),
 *    Responses `function_call_output` items (`call_id`), LangChain tool messages (see messages.ts) —
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
import { currentStore } from "../../context/store.js";
import { logger } from "../../util/logger.js";
import { boundedId, normalizeToolCalls, toolArgsKey, toolResultIds } from "./messages.js";
import { toolLinkTable as table, type ToolCallLink } from "./table.js";
import type { SpanEventHandlers } from "../span-events.js";

/**
 * The span members tool linking reads and writes (`Span` has them). An interface, so this module,
 * which `span.ts` calls, does not import the span class back.
 */
export interface LinkableSpan {
  readonly id: string;
  readonly spanType: string;
  readonly traceId: string;
  readonly trace: { readonly recording: boolean };
  readonly data: { readonly metadata: Record<string, unknown> };
  setMetadata(metadata: Record<string, unknown>): void;
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
 * Tool linking as a span event subscriber (registered with every client, `tracing/subscribers.ts`):
 * tool calls recorded on a span are remembered, a span given a `tool_call_id` is linked, and an
 * `llm` span's recorded input is read for the tool results it carries.
 */
export const toolLinkSubscriber: SpanEventHandlers<LinkableSpan, unknown> = {
  toolCallsRecorded: onToolCallsRecorded,
  metadataRecorded(span, metadata) {
    const id = metadata.tool_call_id;
    if (id !== undefined) onToolCallIdSet(span, id);
  },
  inputRecorded(span, input) {
    if (span.spanType === "llm") onLlmInputRecorded(span, input);
  },
};

/**
 * @internal Called when a span records tool calls, with the raw calls: remembers each call id with this
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

/** @internal Called when a span is given the metadata `tool_call_id`: links it. */
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
 * @internal Called when an `llm` span records its input, with the raw input: records which earlier
 * tool calls this request answers (`tool_results_for`, `tool_span_ids`).
 */
export function onLlmInputRecorded(span: LinkableSpan, input: unknown): void {
  try {
    if (!recording(span)) return;
    const t = table();
    const { recent, all } = toolResultIds(input, t.hasAwaitingResults());
    if (all.length === 0) return;
    const now = Date.now();
    const ids: string[] = [];
    const toolSpans: string[] = [];
    const recentSet = new Set(recent);
    for (const ref of all) {
      let link: ToolCallLink | undefined;
      let id: string;
      if (typeof ref === "string") {
        id = ref;
        if (ids.includes(id)) continue;
        link = t.get(id, now);
        const fresh = link !== undefined && !link.resultSeen;
        if (!fresh && !recentSet.has(id)) continue;
      } else {
        // A result named only by its tool (Gemini without ids): answers the oldest call of that
        // name still waiting for its result, and only when it was sent since the model's last turn.
        if (!recentSet.has(ref)) continue;
        link = t.awaitingResult(span.traceId, ref.name, now);
        if (!link || ids.includes(link.callId)) continue;
        id = link.callId;
      }
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
    const explicit = boundedId(h.toolCallId);
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
    const name = boundedId(h.toolName);
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
