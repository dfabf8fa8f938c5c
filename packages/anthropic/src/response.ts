/**
 * Response → span: what a Messages API call returned. The same functions read a complete `Message`
 * (non-stream call) and the message the stream accumulator rebuilt from events. They take
 * `unknown`, tolerate any shape, and never throw.
 */
import { dataItems, plainRecord, type Span, type TokenUsage } from "@tracium/core";

// The response may carry getters (a custom parser): it is read as plain data only.
const asRecord = plainRecord;

/** A tool call as recorded on the span (`span.setToolCalls`). */
export interface AnthropicToolCall {
  id: unknown;
  type: "tool_use";
  name: unknown;
  input: unknown;
}

function contentBlocks(message: unknown): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  for (const block of dataItems(asRecord(message)?.content)) {
    const b = asRecord(block);
    if (b) blocks.push(b);
  }
  return blocks;
}

/**
 * The reply's text: its `text` blocks joined with "\n" (as the Tracium Python SDK does), or
 * undefined when the reply has no text block (a reply with only tool calls records no output).
 */
export function outputText(message: unknown): string | undefined {
  const texts: string[] = [];
  for (const block of contentBlocks(message)) {
    if (block.type === "text" && typeof block.text === "string") texts.push(block.text);
  }
  return texts.length > 0 ? texts.join("\n") : undefined;
}

/** The `tool_use` blocks as `{ id, type: "tool_use", name, input }`, or undefined when there are none. */
export function toolCalls(message: unknown): AnthropicToolCall[] | undefined {
  const calls: AnthropicToolCall[] = [];
  for (const block of contentBlocks(message)) {
    if (block.type === "tool_use") calls.push({ id: block.id, type: "tool_use", name: block.name, input: block.input });
  }
  return calls.length > 0 ? calls : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Anthropic `usage` → Tracium token counts (DESIGN.md, token normalisation). Anthropic's
 * `input_tokens` already excludes both cache counts, so it is kept as is; cache reads and cache
 * writes go to their own fields. Fields the response leaves out (or sends as null) stay unset.
 */
export function tokenUsage(usage: unknown): TokenUsage | undefined {
  const u = asRecord(usage);
  if (!u) return undefined;
  const out: TokenUsage = {};
  const input = count(u.input_tokens);
  const output = count(u.output_tokens);
  const cacheRead = count(u.cache_read_input_tokens);
  const cacheCreation = count(u.cache_creation_input_tokens);
  const reasoning = count(asRecord(u.output_tokens_details)?.thinking_tokens);
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  if (cacheRead !== undefined) out.cachedInputTokens = cacheRead;
  if (cacheCreation !== undefined) out.cacheCreationInputTokens = cacheCreation;
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `response_model`, `response_id` and `finish_reasons` metadata of a message (only the keys it has). */
export function responseMetadata(message: unknown): Record<string, unknown> {
  const m = asRecord(message);
  const out: Record<string, unknown> = {};
  if (!m) return out;
  if (typeof m.model === "string" && m.model) out.response_model = m.model;
  if (typeof m.id === "string" && m.id) out.response_id = m.id;
  if (typeof m.stop_reason === "string" && m.stop_reason) out.finish_reasons = [m.stop_reason];
  return out;
}

/**
 * Records a message on the span: output text, tool calls, usage, model and metadata. Used for the
 * non-stream result and for the message a stream accumulated (complete or cut short).
 */
export function recordMessage(span: Span, message: unknown): void {
  const m = asRecord(message);
  if (!m) return;
  const meta = responseMetadata(m);
  if (typeof meta.response_model === "string") span.setModelId(meta.response_model);
  if (Object.keys(meta).length > 0) span.setMetadata(meta);
  const usage = tokenUsage(m.usage);
  if (usage) span.setTokenUsage(usage);
  const text = outputText(m);
  if (text !== undefined) span.recordOutput(text);
  const calls = toolCalls(m);
  if (calls) span.setToolCalls(calls);
}
