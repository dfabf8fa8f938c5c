/**
 * OpenTelemetry spans (GenAI semantic conventions) → Tracium JSONL records, the reverse of core's
 * `otlp/mapping.ts`. Span ids are the W3C ids (hex): a child usually arrives before its parent, so
 * ids must not depend on having seen the parent. Tracium's own `invoke_agent` root (no
 * `tracium.span.id`) is the trace itself and becomes its `trace_end`; a foreign trace ends when its
 * parentless span arrives, which is also kept as a span.
 */
import { w3cRootSpanId, w3cSpanId } from "@tracium/core";
import type { AttrValue, OtlpInSpan } from "./otlp-decode.js";

type Rec = Record<string, unknown>;

/** What one export turns into, per trace. */
export interface MappedTrace {
  traceId: string;
  agentName: string;
  spans: Rec[];
  /** Set when the export ended the trace. */
  end?: Rec;
}

const OP_TYPES: Record<string, string> = {
  chat: "llm",
  text_completion: "llm",
  generate_content: "llm",
  embeddings: "embedding",
  execute_tool: "tool",
  invoke_agent: "agent",
  create_agent: "agent",
};

/** Attributes read into fields (the rest go to metadata under their own key). */
const MAPPED = new Set([
  "gen_ai.operation.name",
  "gen_ai.request.model",
  "gen_ai.response.model",
  "gen_ai.usage.input_tokens",
  "gen_ai.usage.output_tokens",
  "gen_ai.usage.cache_read.input_tokens",
  "gen_ai.usage.cache_creation.input_tokens",
  "gen_ai.usage.reasoning.output_tokens",
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "gen_ai.system_instructions",
  "gen_ai.tool.definitions",
  "gen_ai.tool.call.arguments",
  "gen_ai.tool.call.result",
  "gen_ai.tool.name",
  "gen_ai.agent.name",
  "gen_ai.provider.name",
  "gen_ai.tool.call.id",
  "gen_ai.response.time_to_first_chunk",
  "gen_ai.response.finish_reasons",
  "gen_ai.usage.cost",
  "tracium.trace.id",
  "tracium.span.id",
  "tracium.span.type",
  "tracium.tags",
  "tracium.input",
  "tracium.output",
]);

const str = (v: AttrValue | undefined): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: AttrValue | undefined): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const strs = (v: AttrValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** A JSON-encoded attribute back to its value (a plain string stays a string). */
function parsed(v: AttrValue | undefined): unknown {
  if (typeof v !== "string") return v ?? undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

function iso(ns: bigint): string | null {
  const ms = Number(ns / 1_000_000n);
  const d = new Date(ms);
  return ms > 0 && !Number.isNaN(d.getTime()) ? d.toISOString() : null;
}

function prefixed(a: Record<string, AttrValue>, prefix: string): Rec {
  const out: Rec = {};
  for (const [k, v] of Object.entries(a)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = parsed(v);
  return out;
}

function errorOf(s: OtlpInSpan): { error?: string; stack?: string } {
  const ev = s.events.find((e) => e.name === "exception");
  const message = str(ev?.attributes["exception.message"]) ?? (s.status.message || undefined);
  const stack = str(ev?.attributes["exception.stacktrace"]);
  return { ...(message !== undefined ? { error: message } : s.status.code === 2 ? { error: "error" } : {}), ...(stack ? { stack } : {}) };
}

function traceIdOf(s: OtlpInSpan): string {
  return str(s.attributes["tracium.trace.id"]) ?? s.traceId;
}

/** Whether the span is Tracium's `invoke_agent` root: the trace itself, not one of its spans. */
function isTraciumRoot(s: OtlpInSpan): boolean {
  return str(s.attributes["tracium.trace.id"]) !== undefined && str(s.attributes["tracium.span.id"]) === undefined && s.attributes["gen_ai.operation.name"] === "invoke_agent";
}

function toSpan(s: OtlpInSpan, traceId: string): Rec {
  const a = s.attributes;
  const op = str(a["gen_ai.operation.name"]);
  const spanType = str(a["tracium.span.type"]) ?? (op ? OP_TYPES[op] : undefined) ?? "custom";
  const metadata: Rec = {};
  for (const [k, v] of Object.entries(a)) if (!MAPPED.has(k) && !k.startsWith("tracium.metadata.")) metadata[k] = parsed(v);
  Object.assign(metadata, prefixed(a, "tracium.metadata."));
  // Tool-call links name Tracium span ids; spans here are named by their W3C ids.
  if (typeof metadata.llm_span_id === "string") metadata.llm_span_id = w3cSpanId(metadata.llm_span_id);
  if (Array.isArray(metadata.tool_span_ids)) metadata.tool_span_ids = metadata.tool_span_ids.map((x) => (typeof x === "string" ? w3cSpanId(x) : x));
  const requestModel = str(a["gen_ai.request.model"]);
  const responseModel = str(a["gen_ai.response.model"]);
  if (requestModel) metadata.request_model = requestModel;
  if (responseModel) metadata.response_model = responseModel;
  const provider = str(a["gen_ai.provider.name"]);
  if (provider) metadata.provider = provider;
  if (op) metadata.operation = op;
  const ttft = num(a["gen_ai.response.time_to_first_chunk"]);
  if (ttft !== undefined) metadata.time_to_first_token_ms = Math.round(ttft * 1000);
  const reasons = strs(a["gen_ai.response.finish_reasons"]);
  if (reasons.length > 0) metadata.finish_reasons = reasons;
  const toolCallId = str(a["gen_ai.tool.call.id"]);
  if (toolCallId) metadata.tool_call_id = toolCallId;
  const cost = num(a["gen_ai.usage.cost"]);
  if (cost !== undefined && metadata.cost === undefined) metadata.cost = { total: cost, currency: "USD" };
  const reasoning = num(a["gen_ai.usage.reasoning.output_tokens"]);
  if (reasoning !== undefined) metadata.reasoning_tokens = reasoning;
  const { error, stack } = errorOf(s);
  if (stack && metadata.error_stack === undefined) metadata.error_stack = stack;

  const parentIsRoot = !s.parentSpanId || s.parentSpanId === w3cRootSpanId(traceId);
  const startedAt = iso(s.startNs);
  const completedAt = iso(s.endNs);
  const name =
    spanType === "tool" ? (str(a["gen_ai.tool.name"]) ?? s.name) : spanType === "agent" && op === "invoke_agent" ? (str(a["gen_ai.agent.name"]) ?? s.name) : s.name;
  const span: Rec = {
    id: s.spanId,
    span_type: spanType,
    name,
    status: s.status.code === 2 ? "failed" : "completed",
    started_at: startedAt,
    completed_at: completedAt,
    latency_ms: s.endNs >= s.startNs ? Number((s.endNs - s.startNs) / 1_000_000n) : null,
    parent_span_id: parentIsRoot ? null : s.parentSpanId,
    metadata,
    tags: strs(a["tracium.tags"]),
  };
  const model = str(a["gen_ai.response.model"]) ?? str(a["gen_ai.request.model"]);
  if (model) span.model_id = model;
  if (error !== undefined) span.error = error;
  const total = num(a["gen_ai.usage.input_tokens"]);
  const cached = num(a["gen_ai.usage.cache_read.input_tokens"]);
  const written = num(a["gen_ai.usage.cache_creation.input_tokens"]);
  // Semconv counts cache reads and writes inside input tokens; Tracium keeps them apart.
  if (total !== undefined) span.input_tokens = Math.max(0, total - (cached ?? 0) - (written ?? 0));
  const output = num(a["gen_ai.usage.output_tokens"]);
  if (output !== undefined) span.output_tokens = output;
  if (cached !== undefined) span.cached_input_tokens = cached;
  if (written !== undefined) span.cache_creation_input_tokens = written;
  if (spanType === "llm" || spanType === "embedding") {
    const messages = parsed(a["gen_ai.input.messages"]);
    const system = parsed(a["gen_ai.system_instructions"]);
    if (messages !== undefined || system !== undefined) span.input = { ...(system !== undefined ? { system_instructions: system } : {}), messages: messages ?? [] };
    const out = parsed(a["gen_ai.output.messages"]);
    if (out !== undefined) span.output = out;
    const tools = parsed(a["gen_ai.tool.definitions"]);
    if (Array.isArray(tools)) span.tools = tools;
  } else if (spanType === "tool") {
    const input = parsed(a["gen_ai.tool.call.arguments"]);
    const output = parsed(a["gen_ai.tool.call.result"]);
    if (input !== undefined) span.input = input;
    if (output !== undefined) span.output = output;
  }
  const input = parsed(a["tracium.input"]);
  const outputValue = parsed(a["tracium.output"]);
  if (input !== undefined) span.input = input;
  if (outputValue !== undefined) span.output = outputValue;
  return span;
}

function toEnd(s: OtlpInSpan, agentName: string, failed: boolean): Rec {
  const a = s.attributes;
  const summary = prefixed(a, "tracium.summary.");
  const { error } = errorOf(s);
  return {
    status: failed ? "failed" : "completed",
    agent_name: agentName,
    started_at: iso(s.startNs),
    completed_at: iso(s.endNs),
    summary,
    tags: strs(a["tracium.tags"]),
    llm_steps: [],
    ...(failed && error !== undefined ? { error } : {}),
  };
}

/** Groups an export's spans by trace and maps them. */
export function mapExport(spans: OtlpInSpan[]): MappedTrace[] {
  const out = new Map<string, MappedTrace>();
  for (const s of spans) {
    const traceId = traceIdOf(s);
    const agentName = str(s.attributes["gen_ai.agent.name"]) ?? str(s.resource["service.name"]) ?? s.name;
    let t = out.get(traceId);
    if (!t) {
      t = { traceId, agentName, spans: [] };
      out.set(traceId, t);
    }
    if (isTraciumRoot(s)) {
      t.agentName = agentName;
      t.end = toEnd(s, agentName, s.status.code === 2);
      const metadata = prefixed(s.attributes, "tracium.metadata.");
      if (Object.keys(metadata).length > 0) t.end.metadata = metadata;
      continue;
    }
    t.spans.push(toSpan(s, traceId));
    if (!s.parentSpanId && str(s.attributes["tracium.span.id"]) === undefined) {
      // A foreign trace's root: the trace ends with it.
      t.agentName = agentName;
      t.end = toEnd(s, agentName, s.status.code === 2);
    }
  }
  return [...out.values()];
}
