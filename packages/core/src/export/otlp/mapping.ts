/**
 * Tracium records → OpenTelemetry spans following the GenAI semantic conventions.
 *
 * | Tracium | OTel span name | kind | `gen_ai.operation.name` |
 * |---|---|---|---|
 * | the trace itself | `invoke_agent {agent_name}` (root) | INTERNAL | `invoke_agent` |
 * | `llm`, operation chat / responses | `chat {request_model}` | CLIENT | `chat` |
 * | `llm`, operation completions | `text_completion {request_model}` | CLIENT | `text_completion` |
 * | `embedding`, or operation embeddings | `embeddings {request_model}` | CLIENT | `embeddings` |
 * | `tool` | `execute_tool {tool name}` | INTERNAL | `execute_tool` |
 * | `agent` | `invoke_agent {name}` | INTERNAL | `invoke_agent` |
 * | anything else | the span's name | INTERNAL | (none) |
 *
 * Ids follow `ids.ts`. Across processes (`agentTrace({ parent })`, see `propagation/w3c.ts`), the
 * parent of a span that sits directly under the caller's span — a top-level span of a continued
 * trace, or one whose Tracium parent is the caller's span — is the W3C span id the caller sent in
 * `traceparent` (`TraceData.otel.parentSpanId`), never one recomputed from a Tracium id, so the
 * link holds whatever ids the caller used (deterministic ones, or its tracer provider's through the
 * `otel` bridge); such spans carry the "parent is remote" span flag. A continued trace exports no
 * root of its own; a trace started under a foreign caller has its root under the caller's span.
 * Content attributes (`gen_ai.input.messages`, `gen_ai.output.messages`,
 * `gen_ai.system_instructions`, `gen_ai.tool.definitions`, `gen_ai.tool.call.arguments`/`result`,
 * `tracium.input`/`output`) are written only when `captureContent` is on.
 */
import type { SpanData, TraceData } from "../../model/records.js";
import { inputContent, outputContent, toolDefinitions } from "./content.js";
import { w3cRootSpanId, w3cSpanId, w3cTraceId } from "./ids.js";
import { Attributes, msToNs, SpanFlags, SpanKind, StatusCode, type OtlpEvent, type OtlpLink, type OtlpSpan } from "./model.js";
import { ATTR, ERROR_TYPE_OTHER, OPERATION } from "./semconv.js";

export interface MappingOptions {
  /** Write prompts, outputs and tool arguments/results as attributes. */
  captureContent: boolean;
}

/** Metadata keys turned into semconv attributes (the others go under `tracium.metadata.*`). */
const MAPPED_METADATA = new Set([
  "provider",
  "operation",
  "request_model",
  "response_model",
  "request_params",
  "finish_reasons",
  "response_id",
  "stream",
  "time_to_first_token_ms",
  "error_type",
  "error_stack",
  "http_status",
  "tool_call_id",
  "tool_type",
  "tool_description",
  "agent_id",
  "conversation_id",
]);

const OPENAI_MAPPED_METADATA = new Set([...MAPPED_METADATA, "system_fingerprint", "service_tier"]);

const OPERATION_NAMES: Record<string, string> = {
  chat: OPERATION.CHAT,
  responses: OPERATION.CHAT,
  completions: OPERATION.TEXT_COMPLETION,
  text_completion: OPERATION.TEXT_COMPLETION,
  embeddings: OPERATION.EMBEDDINGS,
};

function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** The GenAI operation of a span, or undefined for a generic step. */
export function operationOf(span: SpanData): string | undefined {
  const op = text(span.metadata.operation);
  switch (span.spanType) {
    case "llm":
      return (op && OPERATION_NAMES[op]) ?? op ?? OPERATION.CHAT;
    case "embedding":
      return OPERATION.EMBEDDINGS;
    case "tool":
      return OPERATION.EXECUTE_TOOL;
    case "agent":
      return OPERATION.INVOKE_AGENT;
    default:
      return op && OPERATION_NAMES[op] ? OPERATION_NAMES[op] : undefined;
  }
}

function flagsFor(parentIsRemote: boolean | undefined): number {
  if (parentIsRemote === undefined) return SpanFlags.SAMPLED;
  return SpanFlags.SAMPLED | SpanFlags.HAS_IS_REMOTE | (parentIsRemote ? SpanFlags.IS_REMOTE : 0);
}

/**
 * The W3C parent of a span: its Tracium parent's id; the caller's span when the span sits directly
 * under a span of another process; else the trace's `invoke_agent` root.
 */
function parentOf(span: SpanData, trace: TraceData): { id: string; remote: boolean } {
  const link = trace.otel;
  if (link && (span.parentSpanId === undefined ? link.continued : span.parentSpanId === link.parentTraciumSpanId)) {
    return { id: link.parentSpanId, remote: true };
  }
  if (span.parentSpanId === undefined) return { id: w3cRootSpanId(trace.id), remote: false };
  return { id: w3cSpanId(span.parentSpanId), remote: false };
}

/** Input tokens as semconv counts them: uncached + cache reads + cache writes. */
function totalInput(uncached: unknown, cacheRead: unknown, cacheWrite: unknown): number | undefined {
  const parts = [uncached, cacheRead, cacheWrite].filter((n): n is number => typeof n === "number" && Number.isFinite(n));
  return parts.length > 0 ? parts.reduce((a, b) => a + b, 0) : undefined;
}

function requestParams(a: Attributes, params: Record<string, unknown> | undefined): void {
  if (!params) return;
  a.double(ATTR.REQUEST_TEMPERATURE, params.temperature);
  a.double(ATTR.REQUEST_TOP_P, params.top_p);
  a.double(ATTR.REQUEST_TOP_K, params.top_k);
  a.double(ATTR.REQUEST_FREQUENCY_PENALTY, params.frequency_penalty);
  a.double(ATTR.REQUEST_PRESENCE_PENALTY, params.presence_penalty);
  a.int(ATTR.REQUEST_MAX_TOKENS, params.max_tokens ?? params.max_completion_tokens ?? params.max_output_tokens);
  a.strs(ATTR.REQUEST_STOP_SEQUENCES, params.stop_sequences ?? params.stop);
  a.int(ATTR.REQUEST_SEED, params.seed);
  if (typeof params.n === "number" && params.n !== 1) a.int(ATTR.REQUEST_CHOICE_COUNT, params.n);
  a.strs(ATTR.REQUEST_ENCODING_FORMATS, params.encoding_format);
  a.int(ATTR.EMBEDDINGS_DIMENSION_COUNT, params.dimensions);
  const format = rec(params.response_format) ?? rec(rec(params.text)?.format);
  const formatType = text(format?.type);
  if (formatType) a.str(ATTR.OUTPUT_TYPE, formatType === "text" ? "text" : formatType.startsWith("json") ? "json" : formatType);
}

function errorType(span: { status: string; metadata: Record<string, unknown> }): string | undefined {
  if (span.status !== "failed") return undefined;
  const meta = span.metadata;
  return text(meta.error_type) ?? (typeof meta.http_status === "number" ? String(meta.http_status) : undefined) ?? ERROR_TYPE_OTHER;
}

function firstLine(message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  const line = message.split("\n", 1)[0] ?? message;
  return line.length > 1024 ? `${line.slice(0, 1024)}…` : line;
}

function extras(a: Attributes, prefix: string, values: Record<string, unknown>, skip?: ReadonlySet<string>): void {
  for (const [key, value] of Object.entries(values)) {
    if (skip?.has(key) || value === undefined || value === null) continue;
    a.any(`${prefix}${key}`, value);
  }
}

/** The OTel span for a finished Tracium span. */
export function mapSpan(span: SpanData, trace: TraceData, options: MappingOptions): OtlpSpan {
  const meta = span.metadata;
  const op = operationOf(span);
  const a = new Attributes();
  const requestModel = text(meta.request_model) ?? span.modelId;
  let name = span.name;
  let kind: number = SpanKind.INTERNAL;
  let skip = MAPPED_METADATA;

  if (op) a.str(ATTR.OPERATION_NAME, op);
  if (op === OPERATION.CHAT || op === OPERATION.TEXT_COMPLETION || op === OPERATION.EMBEDDINGS || span.spanType === "llm") {
    kind = SpanKind.CLIENT;
    name = requestModel ? `${op} ${requestModel}` : `${op}`;
    a.str(ATTR.PROVIDER_NAME, text(meta.provider) ?? text(meta.system));
    a.str(ATTR.REQUEST_MODEL, requestModel);
    requestParams(a, rec(meta.request_params));
    a.bool(ATTR.REQUEST_STREAM, meta.stream);
    a.str(ATTR.RESPONSE_MODEL, text(meta.response_model) ?? (requestModel !== span.modelId ? span.modelId : undefined));
    a.str(ATTR.RESPONSE_ID, meta.response_id);
    a.strs(ATTR.RESPONSE_FINISH_REASONS, meta.finish_reasons);
    if (typeof meta.time_to_first_token_ms === "number") a.double(ATTR.RESPONSE_TIME_TO_FIRST_CHUNK, meta.time_to_first_token_ms / 1000);
    const u = span.usage;
    a.int(ATTR.USAGE_INPUT_TOKENS, totalInput(u.inputTokens, u.cachedInputTokens, u.cacheCreationInputTokens));
    a.int(ATTR.USAGE_OUTPUT_TOKENS, u.outputTokens);
    a.int(ATTR.USAGE_CACHE_READ_INPUT_TOKENS, u.cachedInputTokens);
    a.int(ATTR.USAGE_CACHE_CREATION_INPUT_TOKENS, u.cacheCreationInputTokens);
    a.int(ATTR.USAGE_REASONING_OUTPUT_TOKENS, u.reasoningTokens);
    a.double(ATTR.USAGE_COST, rec(meta.cost)?.total);
    a.str(ATTR.CONVERSATION_ID, meta.conversation_id);
    if (meta.provider === "openai") {
      a.str(ATTR.OPENAI_RESPONSE_SYSTEM_FINGERPRINT, meta.system_fingerprint);
      a.str(ATTR.OPENAI_RESPONSE_SERVICE_TIER, meta.service_tier);
      skip = OPENAI_MAPPED_METADATA;
    }
    if (options.captureContent && op !== OPERATION.EMBEDDINGS) {
      const input = inputContent(span.input);
      if (input.messages.length > 0) a.json(ATTR.INPUT_MESSAGES, input.messages);
      if (input.system.length > 0) a.json(ATTR.SYSTEM_INSTRUCTIONS, input.system);
      const reasons = Array.isArray(meta.finish_reasons) ? meta.finish_reasons.filter((r): r is string => typeof r === "string") : [];
      const output = outputContent(span.output, span.toolCalls, reasons);
      if (output.length > 0) a.json(ATTR.OUTPUT_MESSAGES, output);
      const tools = toolDefinitions(span.tools);
      if (tools.length > 0) a.json(ATTR.TOOL_DEFINITIONS, tools);
    }
  } else if (op === OPERATION.EXECUTE_TOOL) {
    const tool = text(meta.tool_name) ?? span.name;
    name = `${OPERATION.EXECUTE_TOOL} ${tool}`;
    a.str(ATTR.TOOL_NAME, tool);
    a.str(ATTR.TOOL_CALL_ID, meta.tool_call_id);
    a.str(ATTR.TOOL_TYPE, meta.tool_type ?? "function");
    a.str(ATTR.TOOL_DESCRIPTION, meta.tool_description);
    if (options.captureContent) {
      a.json(ATTR.TOOL_CALL_ARGUMENTS, span.input);
      a.json(ATTR.TOOL_CALL_RESULT, span.output);
    }
  } else if (op === OPERATION.INVOKE_AGENT) {
    const agent = text(meta.agent_name) ?? span.name;
    name = `${OPERATION.INVOKE_AGENT} ${agent}`;
    a.str(ATTR.AGENT_NAME, agent);
    a.str(ATTR.AGENT_ID, meta.agent_id);
    a.str(ATTR.REQUEST_MODEL, span.modelId);
  }
  const failure = errorType(span);
  a.str(ATTR.ERROR_TYPE, failure);
  if (typeof meta.http_status === "number") a.int(ATTR.HTTP_RESPONSE_STATUS_CODE, meta.http_status);
  if (options.captureContent && op !== OPERATION.EXECUTE_TOOL && span.spanType !== "llm" && op !== OPERATION.EMBEDDINGS) {
    a.json(ATTR.TRACIUM_INPUT, span.input);
    a.json(ATTR.TRACIUM_OUTPUT, span.output);
  }
  a.str(ATTR.TRACIUM_SPAN_TYPE, span.spanType);
  a.str(ATTR.TRACIUM_SPAN_ID, span.id);
  a.str(ATTR.TRACIUM_TRACE_ID, trace.id);
  a.strs(ATTR.TRACIUM_TAGS, span.tags);
  extras(a, ATTR.TRACIUM_METADATA_PREFIX, meta, skip);

  const startNs = msToNs(span.startedAt);
  const endNs = span.latencyMs !== undefined ? startNs + msToNs(span.latencyMs) : msToNs(span.endedAt ?? span.startedAt);
  const parent = parentOf(span, trace);
  return {
    traceId: w3cTraceId(trace),
    spanId: w3cSpanId(span.id),
    parentSpanId: parent.id,
    traceState: parent.remote ? trace.otel?.traceState : undefined,
    flags: flagsFor(parent.remote),
    name,
    kind,
    startNs,
    endNs,
    attributes: a.list,
    events: failure ? [exceptionEvent(failure, span.error, text(meta.error_stack), endNs)] : [],
    status: span.status === "failed" ? { code: StatusCode.ERROR, message: firstLine(span.error) } : { code: StatusCode.UNSET, message: undefined },
    links: toolLinks(span, trace),
  };
}

/**
 * Agent-loop links (see core `tool-links.ts`): a `tool` span links to the `llm` span that asked for
 * it (`llm_span_id`, in `llm_trace_id` when another trace; attribute `gen_ai.tool.call.id`), and an
 * `llm` span links to the `tool` spans whose results its request carries (`tool_span_ids`).
 */
function toolLinks(span: SpanData, trace: TraceData): OtlpLink[] {
  const meta = span.metadata;
  const links: OtlpLink[] = [];
  const llmSpanId = text(meta.llm_span_id);
  if (llmSpanId) {
    const a = new Attributes();
    a.str(ATTR.TOOL_CALL_ID, meta.tool_call_id);
    const otherTrace = text(meta.llm_trace_id);
    links.push({ traceId: otherTrace ? w3cTraceId(otherTrace) : w3cTraceId(trace), spanId: w3cSpanId(llmSpanId), attributes: a.list });
  }
  if (Array.isArray(meta.tool_span_ids)) {
    for (const id of meta.tool_span_ids.slice(0, 128)) {
      if (typeof id === "string" && id) links.push({ traceId: w3cTraceId(trace), spanId: w3cSpanId(id), attributes: [] });
    }
  }
  return links;
}

function exceptionEvent(type: string, message: string | undefined, stack: string | undefined, timeNs: bigint): OtlpEvent {
  const a = new Attributes();
  a.str(ATTR.EXCEPTION_TYPE, type);
  a.str(ATTR.EXCEPTION_MESSAGE, message);
  a.str(ATTR.EXCEPTION_STACKTRACE, stack);
  return { name: "exception", timeNs, attributes: a.list };
}

/** The `invoke_agent {agent_name}` root span of an ended trace (summary totals included). */
export function mapTrace(trace: TraceData): OtlpSpan {
  const a = new Attributes();
  const s = trace.summary;
  a.str(ATTR.OPERATION_NAME, OPERATION.INVOKE_AGENT);
  a.str(ATTR.AGENT_NAME, trace.agentName);
  a.str(ATTR.REQUEST_MODEL, trace.modelId);
  a.int(ATTR.USAGE_INPUT_TOKENS, totalInput(s.input_tokens, s.cached_input_tokens, s.cache_creation_input_tokens));
  a.int(ATTR.USAGE_OUTPUT_TOKENS, s.output_tokens);
  a.int(ATTR.USAGE_CACHE_READ_INPUT_TOKENS, s.cached_input_tokens);
  a.int(ATTR.USAGE_CACHE_CREATION_INPUT_TOKENS, s.cache_creation_input_tokens);
  a.int(ATTR.USAGE_REASONING_OUTPUT_TOKENS, s.reasoning_tokens);
  a.double(ATTR.USAGE_COST, s.cost_usd);
  const failed = trace.status === "failed";
  if (failed) a.str(ATTR.ERROR_TYPE, ERROR_TYPE_OTHER);
  a.str(ATTR.TRACIUM_TRACE_ID, trace.id);
  a.str(ATTR.TRACIUM_AGENT_VERSION, trace.version);
  a.str(ATTR.TRACIUM_WORKSPACE_ID, trace.workspaceId);
  a.strs(ATTR.TRACIUM_TAGS, trace.tags);
  extras(a, ATTR.TRACIUM_SUMMARY_PREFIX, s);
  extras(a, ATTR.TRACIUM_METADATA_PREFIX, trace.metadata);

  const link = trace.otel && !trace.otel.continued ? trace.otel : undefined;
  const startNs = msToNs(trace.startedAt);
  const endNs = msToNs(trace.endedAt ?? trace.startedAt);
  return {
    traceId: w3cTraceId(trace),
    spanId: w3cRootSpanId(trace.id),
    parentSpanId: link?.parentSpanId,
    traceState: link?.traceState,
    flags: flagsFor(link ? true : undefined),
    name: `${OPERATION.INVOKE_AGENT} ${trace.agentName}`,
    kind: SpanKind.INTERNAL,
    startNs,
    endNs,
    attributes: a.list,
    events: failed ? [exceptionEvent(ERROR_TYPE_OTHER, firstLine(trace.error), trace.error, endNs)] : [],
    status: failed ? { code: StatusCode.ERROR, message: firstLine(trace.error) } : { code: StatusCode.UNSET, message: undefined },
  };
}

