/**
 * Response → span: what a call returned. The same functions read a complete response (non-stream
 * call) and the response the stream accumulators rebuild from chunks. They take `unknown`,
 * tolerate any shape, and never throw (callers also guard them).
 */
import { dataArray, dataField, dataItems, dataRecord, type Span, type TokenUsage } from "@tracium/core";
import type { OpenAIOperation } from "./targets.js";
import { asRecord, field } from "./request.js";

/** A tool call as recorded on the span (`span.setToolCalls`), one shape for every API. */
export interface OpenAIToolCall {
  id: unknown;
  type: unknown;
  function: { name: unknown; arguments: unknown };
}

/**
 * The (non-array, non-Proxy) objects of an array, as they are: read them with `dataField`, so a
 * getter of a custom parser never runs. Not copied: a response is read a few fields at a time, and
 * a copy of every choice cost more than the rest of recording it (bench/experiments/openai-call-path.mjs).
 */
function records(value: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const item of dataItems(value)) {
    const r = dataRecord(item);
    if (r) out.push(r);
  }
  return out;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * OpenAI `usage` (Chat/Completions: `prompt_tokens`, `completion_tokens`,
 * `prompt_tokens_details.cached_tokens`, `completion_tokens_details.reasoning_tokens`; Responses:
 * `input_tokens`, `output_tokens`, `input_tokens_details`, `output_tokens_details`) → Tracium
 * token counts (DESIGN.md): input = prompt − cached, cached = cached, output includes reasoning,
 * reasoning also on its own. Fields the response leaves out stay unset.
 */
export function tokenUsage(usage: unknown): TokenUsage | undefined {
  const u = asRecord(usage);
  if (!u) return undefined;
  const prompt = count(field(u, "prompt_tokens")) ?? count(field(u, "input_tokens"));
  const completion = count(field(u, "completion_tokens")) ?? count(field(u, "output_tokens"));
  const inDetails = field(u, "prompt_tokens_details") ?? field(u, "input_tokens_details");
  const outDetails = field(u, "completion_tokens_details") ?? field(u, "output_tokens_details");
  const cached = count(field(inDetails, "cached_tokens"));
  const reasoning = count(field(outDetails, "reasoning_tokens"));
  const out: TokenUsage = {};
  if (prompt !== undefined) out.inputTokens = Math.max(0, prompt - (cached ?? 0));
  if (cached !== undefined) out.cachedInputTokens = prompt !== undefined ? Math.min(cached, prompt) : cached;
  if (completion !== undefined) out.outputTokens = completion;
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  return Object.keys(out).length > 0 ? out : undefined;
}

function toolCall(id: unknown, type: unknown, name: unknown, args: unknown): OpenAIToolCall {
  return { id, type: type ?? "function", function: { name, arguments: args } };
}

/** The `choices` of a chat or completions response, read once per response. */
function choicesOf(response: unknown): Record<string, unknown>[] {
  return records(field(response, "choices"));
}

/** Chat `message.tool_calls` (all choices), in the `{ id, type, function: { name, arguments } }` shape. */
export function chatToolCalls(response: unknown, choices = choicesOf(response)): OpenAIToolCall[] | undefined {
  const calls: OpenAIToolCall[] = [];
  for (const choice of choices) {
    for (const call of records(field(field(choice, "message"), "tool_calls"))) {
      const fn = dataRecord(dataField(call, "function"));
      const custom = dataRecord(dataField(call, "custom"));
      const id = dataField(call, "id");
      const type = dataField(call, "type");
      if (fn) calls.push(toolCall(id, type, dataField(fn, "name"), dataField(fn, "arguments")));
      else if (custom) calls.push(toolCall(id, type, dataField(custom, "name"), dataField(custom, "input")));
      else calls.push(toolCall(id, type, undefined, undefined));
    }
  }
  return calls.length > 0 ? calls : undefined;
}

/** Responses API `function_call` / `custom_tool_call` output items, in the same shape (id = `call_id`). */
export function responsesToolCalls(response: unknown): OpenAIToolCall[] | undefined {
  const calls: OpenAIToolCall[] = [];
  for (const item of records(field(response, "output"))) {
    const type = dataField(item, "type");
    if (type !== "function_call" && type !== "custom_tool_call") continue;
    const id = dataField(item, "call_id") ?? dataField(item, "id");
    if (type === "function_call") calls.push(toolCall(id, "function", dataField(item, "name"), dataField(item, "arguments")));
    else calls.push(toolCall(id, "custom", dataField(item, "name"), dataField(item, "input")));
  }
  return calls.length > 0 ? calls : undefined;
}

function single<T>(values: T[]): T | T[] | undefined {
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : values;
}

/** Chat output: the text of the choice (or its refusal); an array of them when `n > 1`. */
export function chatOutput(response: unknown, choices = choicesOf(response)): unknown {
  const texts: unknown[] = [];
  for (const choice of choices) {
    const message = dataField(choice, "message");
    const content = field(message, "content");
    const refusal = field(message, "refusal");
    if (typeof content === "string") texts.push(content);
    else if (Array.isArray(content)) texts.push(content);
    else if (typeof refusal === "string") texts.push({ refusal });
    else texts.push(null);
  }
  return texts.every((t) => t === null) ? undefined : single(texts);
}

/** Legacy completions output: `choices[].text`. */
export function completionsOutput(response: unknown, choices = choicesOf(response)): unknown {
  const texts = choices.map((c) => {
    const text = dataField(c, "text");
    return typeof text === "string" ? text : null;
  });
  return texts.every((t) => t === null) ? undefined : single(texts);
}

/** Responses output: `output_text` when present, else the text parts of the `message` output items. */
export function responsesOutput(response: unknown): string | undefined {
  const direct = field(response, "output_text");
  if (typeof direct === "string" && direct) return direct;
  const texts: string[] = [];
  for (const item of records(field(response, "output"))) {
    if (dataField(item, "type") !== "message") continue;
    for (const part of records(dataField(item, "content"))) {
      const type = dataField(part, "type");
      const text = type === "output_text" ? dataField(part, "text") : type === "refusal" ? dataField(part, "refusal") : undefined;
      if (typeof text === "string") texts.push(text);
    }
  }
  return texts.length > 0 ? texts.join("") : typeof direct === "string" ? direct : undefined;
}

/** Embeddings output: `{ embeddings_count, dimensions }` (the vectors are not recorded). */
export function embeddingsOutput(response: unknown): Record<string, unknown> | undefined {
  const data = dataArray(field(response, "data"));
  if (!data) return undefined;
  const first = field(dataItems(data, 1)[0], "embedding");
  const dimensions = Array.isArray(first) ? first.length : undefined;
  return dimensions !== undefined ? { embeddings_count: data.length, dimensions } : { embeddings_count: data.length };
}

/** `finish_reasons`: chat/completions `choices[].finish_reason`; Responses the incomplete reason or the status. */
export function finishReasons(response: unknown, operation: OpenAIOperation, choices?: Record<string, unknown>[]): string[] | undefined {
  if (operation === "responses") {
    const reason = field(field(response, "incomplete_details"), "reason");
    const status = field(response, "status");
    const value = typeof reason === "string" ? reason : typeof status === "string" ? status : undefined;
    return value !== undefined ? [value] : undefined;
  }
  const reasons: string[] = [];
  for (const choice of choices ?? choicesOf(response)) {
    const reason = dataField(choice, "finish_reason");
    if (typeof reason === "string") reasons.push(reason);
  }
  return reasons.length > 0 ? reasons : undefined;
}

/** `response_model`, `response_id`, `finish_reasons` and `system_fingerprint` metadata (only the keys present). */
export function responseMetadata(response: unknown, operation: OpenAIOperation, choices?: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const model = field(response, "model");
  const id = field(response, "id");
  const fingerprint = field(response, "system_fingerprint");
  const serviceTier = field(response, "service_tier");
  if (typeof model === "string" && model) out.response_model = model;
  if (typeof id === "string" && id) out.response_id = id;
  const reasons = finishReasons(response, operation, choices);
  if (reasons) out.finish_reasons = reasons;
  if (typeof fingerprint === "string" && fingerprint) out.system_fingerprint = fingerprint;
  if (typeof serviceTier === "string" && serviceTier) out.service_tier = serviceTier;
  return out;
}

/** The output recorded for `operation`. */
export function responseOutput(response: unknown, operation: OpenAIOperation, choices?: Record<string, unknown>[]): unknown {
  switch (operation) {
    case "chat":
      return chatOutput(response, choices);
    case "responses":
      return responsesOutput(response);
    case "embeddings":
      return embeddingsOutput(response);
    case "completions":
      return completionsOutput(response, choices);
    default:
      return undefined;
  }
}

/** The tool calls for `operation`. */
export function responseToolCalls(response: unknown, operation: OpenAIOperation, choices?: Record<string, unknown>[]): OpenAIToolCall[] | undefined {
  if (operation === "chat") return chatToolCalls(response, choices);
  if (operation === "responses") return responsesToolCalls(response);
  return undefined;
}

/**
 * Records a complete response on the span: model id, metadata, usage, output, tool calls. A
 * Responses API object with `status: "failed"` marks the span failed with its error message.
 */
export function recordResponse(span: Span, response: unknown, operation: OpenAIOperation): void {
  if (!asRecord(response)) return;
  // Chat and completions read the same choices three times over (output, finish reasons, tool calls).
  const choices = operation === "chat" || operation === "completions" ? choicesOf(response) : undefined;
  const meta = responseMetadata(response, operation, choices);
  if (typeof meta.response_model === "string") span.setModelId(meta.response_model);
  if (Object.keys(meta).length > 0) span.setMetadata(meta);
  const usage = tokenUsage(field(response, "usage"));
  if (usage) span.setTokenUsage(usage);
  const output = responseOutput(response, operation, choices);
  if (output !== undefined) span.recordOutput(output);
  const calls = responseToolCalls(response, operation, choices);
  if (calls) span.setToolCalls(calls);
  if (operation === "responses" && field(response, "status") === "failed") {
    const message = field(field(response, "error"), "message");
    span.markFailed(typeof message === "string" && message ? message : "response failed");
  }
}
