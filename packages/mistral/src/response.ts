/**
 * Response → span. Mistral results are camelCase (`usage.promptTokens`, `finishReason`,
 * `message.toolCalls`); the same functions read a complete response and the one the stream
 * accumulator rebuilds. Any shape is tolerated; nothing throws.
 */
import type { Span, TokenUsage } from "@tracium/core";
import { asRecord, count, field, records } from "./read.js";

/**
 * Mistral usage → Tracium counts: input = prompt − cached, cached = cache reads (reported as
 * `prompt_tokens_details.cached_tokens` or `num_cached_tokens`, kept as sent by the SDK), output =
 * completion tokens.
 */
export function tokenUsage(usage: unknown): TokenUsage | undefined {
  const u = asRecord(usage);
  if (!u) return undefined;
  const prompt = count(field(u, "promptTokens")) ?? count(field(u, "prompt_tokens"));
  const completion = count(field(u, "completionTokens")) ?? count(field(u, "completion_tokens"));
  const details = field(u, "prompt_tokens_details") ?? field(u, "promptTokensDetails");
  const cached = count(field(details, "cached_tokens")) ?? count(field(details, "cachedTokens")) ?? count(field(u, "num_cached_tokens"));
  const out: TokenUsage = {};
  if (prompt !== undefined) out.inputTokens = Math.max(0, prompt - (cached ?? 0));
  if (cached !== undefined) out.cachedInputTokens = prompt !== undefined ? Math.min(cached, prompt) : cached;
  if (completion !== undefined) out.outputTokens = completion;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Message content as text: a string, or the text parts of a content-chunk array joined. */
export function contentText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of records(content)) {
    const text = field(part, "text");
    if (typeof text === "string") texts.push(text);
  }
  return texts.length > 0 ? texts.join("") : undefined;
}

/** A tool call as recorded (`{ id, type, function: { name, arguments } }`, the shape tool links read). */
export interface MistralToolCall {
  id: unknown;
  type: unknown;
  function: { name: unknown; arguments: unknown };
}

/** The tool calls of every choice. */
export function toolCalls(response: unknown): MistralToolCall[] | undefined {
  const out: MistralToolCall[] = [];
  for (const choice of records(field(response, "choices"))) {
    for (const call of records(field(field(choice, "message"), "toolCalls"))) {
      const fn = field(call, "function");
      out.push({ id: field(call, "id"), type: field(call, "type") ?? "function", function: { name: field(fn, "name"), arguments: field(fn, "arguments") } });
    }
  }
  return out.length > 0 ? out : undefined;
}

/** Chat output: each choice's text; one value for one choice. */
export function chatOutput(response: unknown): unknown {
  const texts = records(field(response, "choices")).map((c) => contentText(field(field(c, "message"), "content")) ?? null);
  if (texts.every((t) => t === null)) return undefined;
  return texts.length === 1 ? texts[0] : texts;
}

/** Embeddings output: `{ embeddings_count, dimensions }` (the vectors are not recorded). */
export function embeddingsOutput(response: unknown): Record<string, unknown> | undefined {
  const data = field(response, "data");
  if (!Array.isArray(data)) return undefined;
  const first = field(data[0], "embedding");
  return Array.isArray(first) ? { embeddings_count: data.length, dimensions: first.length } : { embeddings_count: data.length };
}

/** `response_model`, `response_id` and `finish_reasons` (only those present). */
export function responseMetadata(response: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const model = field(response, "model");
  const id = field(response, "id");
  if (typeof model === "string" && model) out.response_model = model;
  if (typeof id === "string" && id) out.response_id = id;
  const reasons = records(field(response, "choices"))
    .map((c) => field(c, "finishReason"))
    .filter((r): r is string => typeof r === "string");
  if (reasons.length > 0) out.finish_reasons = reasons;
  return out;
}

/** Records a chat or embeddings response on the span: model, metadata, usage, output, tool calls. */
export function recordResponse(span: Span, response: unknown, operation: "chat" | "embeddings"): void {
  if (!asRecord(response)) return;
  const meta = responseMetadata(response);
  if (typeof meta.response_model === "string") span.setModelId(meta.response_model);
  if (Object.keys(meta).length > 0) span.setMetadata(meta);
  const usage = tokenUsage(field(response, "usage"));
  if (usage) span.setTokenUsage(usage);
  const output = operation === "embeddings" ? embeddingsOutput(response) : chatOutput(response);
  if (output !== undefined) span.recordOutput(output);
  if (operation === "chat") {
    const calls = toolCalls(response);
    if (calls) span.setToolCalls(calls);
  }
}
