/**
 * Response → span. The same functions read a complete response and the one the stream
 * accumulator rebuilds. `prompt_eval_count` / `eval_count` are the input and output tokens.
 */
import type { Span, TokenUsage } from "@tracium/core";
import { asRecord, count, field, records } from "./read.js";
import type { OllamaOperation } from "./targets.js";

/** `prompt_eval_count` → input tokens, `eval_count` → output tokens. */
export function tokenUsage(response: unknown): TokenUsage | undefined {
  const input = count(field(response, "prompt_eval_count"));
  const output = count(field(response, "eval_count"));
  const out: TokenUsage = {};
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A tool call as recorded: the `{ id, type, function: { name, arguments } }` shape, with no id
 * (Ollama gives none) and the arguments as the object Ollama returns.
 */
export interface OllamaToolCall {
  id: undefined;
  type: "function";
  function: { name: unknown; arguments: unknown };
}

/** The tool calls of a chat response's message. */
export function toolCalls(response: unknown): OllamaToolCall[] | undefined {
  const out: OllamaToolCall[] = [];
  for (const call of records(field(field(response, "message"), "tool_calls"))) {
    const fn = field(call, "function");
    out.push({ id: undefined, type: "function", function: { name: field(fn, "name"), arguments: field(fn, "arguments") } });
  }
  return out.length > 0 ? out : undefined;
}

/** The output: chat `message.content`, generate `response`, embed `{ embeddings_count, dimensions }`. */
export function responseOutput(response: unknown, operation: OllamaOperation): unknown {
  if (operation === "chat") {
    const content = field(field(response, "message"), "content");
    return typeof content === "string" && content ? content : undefined;
  }
  if (operation === "generate") {
    const text = field(response, "response");
    return typeof text === "string" && text ? text : undefined;
  }
  const many = field(response, "embeddings");
  const one = field(response, "embedding");
  const vectors = Array.isArray(many) ? many : Array.isArray(one) ? [one] : undefined;
  if (!vectors) return undefined;
  const first = vectors[0];
  return Array.isArray(first) ? { embeddings_count: vectors.length, dimensions: first.length } : { embeddings_count: vectors.length };
}

const NS_PER_MS = 1e6;

/** `response_model`, `finish_reasons` (`done_reason`), and the server's timings in ms. */
export function responseMetadata(response: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const model = field(response, "model");
  const reason = field(response, "done_reason");
  if (typeof model === "string" && model) out.response_model = model;
  if (typeof reason === "string" && reason) out.finish_reasons = [reason];
  for (const key of ["total_duration", "load_duration", "prompt_eval_duration", "eval_duration"]) {
    const ns = count(field(response, key));
    if (ns !== undefined) out[`${key}_ms`] = Math.round((ns / NS_PER_MS) * 1000) / 1000;
  }
  return out;
}

/** Records a response on the span: model, metadata, usage, output, tool calls. */
export function recordResponse(span: Span, response: unknown, operation: OllamaOperation): void {
  if (!asRecord(response)) return;
  const meta = responseMetadata(response);
  if (typeof meta.response_model === "string") span.setModelId(meta.response_model);
  if (Object.keys(meta).length > 0) span.setMetadata(meta);
  const usage = tokenUsage(response);
  if (usage) span.setTokenUsage(usage);
  const output = responseOutput(response, operation);
  if (output !== undefined) span.recordOutput(output);
  const calls = operation === "chat" ? toolCalls(response) : undefined;
  if (calls) span.setToolCalls(calls);
}
