/**
 * Response → span: what a `generateContent` call returned. The same functions read a complete
 * `GenerateContentResponse` (non-stream call) and the response the stream accumulator rebuilt from
 * the chunks. They read only the response's own data fields (`candidates`, `usageMetadata`,
 * `modelVersion`, `promptFeedback`, `responseId`), never its getters (`text`, `functionCalls`),
 * tolerate any shape, and never throw.
 */
import type { Span, TokenUsage } from "@tracium/core";
import { asRecord, field, isList } from "./request.js";

/** A tool call as recorded on the span (`span.setToolCalls`). */
export interface GeminiToolCall {
  /** The API's call id when it gives one, else `<span id>:<index>` so tool spans can still be linked. */
  id: string;
  type: "function_call";
  name: unknown;
  input: unknown;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Gemini `usageMetadata` → Tracium token counts (DESIGN.md, token normalisation):
 * input = `promptTokenCount` − `cachedContentTokenCount` + `toolUsePromptTokenCount`,
 * cached input = `cachedContentTokenCount`,
 * output = `candidatesTokenCount` + `thoughtsTokenCount`, reasoning = `thoughtsTokenCount`.
 * Fields the response leaves out stay unset; undefined when it has no count at all.
 */
export function tokenUsage(usage: unknown): TokenUsage | undefined {
  const u = asRecord(usage);
  if (!u) return undefined;
  const prompt = count(field(u, "promptTokenCount"));
  const cached = count(field(u, "cachedContentTokenCount"));
  const toolUse = count(field(u, "toolUsePromptTokenCount"));
  const candidates = count(field(u, "candidatesTokenCount"));
  const thoughts = count(field(u, "thoughtsTokenCount"));
  const out: TokenUsage = {};
  if (prompt !== undefined || toolUse !== undefined) out.inputTokens = Math.max(0, (prompt ?? 0) - (cached ?? 0)) + (toolUse ?? 0);
  if (cached !== undefined) out.cachedInputTokens = cached;
  if (candidates !== undefined || thoughts !== undefined) out.outputTokens = (candidates ?? 0) + (thoughts ?? 0);
  if (thoughts !== undefined) out.reasoningTokens = thoughts;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The first candidate's parts (the SDK's own `text` getter reads the first candidate too). */
function firstCandidate(response: unknown): Record<string, unknown> | undefined {
  const candidates = field(response, "candidates");
  return isList(candidates) ? asRecord(candidates[0]) : undefined;
}

function partsOf(candidate: unknown): Record<string, unknown>[] {
  const parts = field(field(candidate, "content"), "parts");
  if (!isList(parts)) return [];
  const out: Record<string, unknown>[] = [];
  for (const p of parts.slice(0, 10_000)) {
    const part = asRecord(p);
    if (part) out.push(part);
  }
  return out;
}

/** The reply's text (first candidate, thought parts left out), or undefined when it has none. */
export function outputText(response: unknown): string | undefined {
  const texts: string[] = [];
  for (const part of partsOf(firstCandidate(response))) {
    const text = field(part, "text");
    if (typeof text === "string" && field(part, "thought") !== true) texts.push(text);
  }
  return texts.length > 0 ? texts.join("") : undefined;
}

/**
 * The `functionCall` parts of the first candidate as tool calls. The Gemini API gives no call id
 * (Vertex AI and newer models may): a missing id becomes `<spanId>:<index>`.
 */
export function toolCalls(response: unknown, spanId: string): GeminiToolCall[] | undefined {
  const calls: GeminiToolCall[] = [];
  for (const part of partsOf(firstCandidate(response))) {
    const call = asRecord(field(part, "functionCall"));
    if (!call) continue;
    const id = field(call, "id");
    calls.push({
      id: typeof id === "string" && id ? id : `${spanId}:${calls.length}`,
      type: "function_call",
      name: field(call, "name"),
      input: field(call, "args") ?? {},
    });
  }
  return calls.length > 0 ? calls : undefined;
}

/**
 * `response_model`, `response_id`, `finish_reasons` and the safety outcome of a response (only the
 * keys it has): a prompt the API blocked gets `blocked: true` and `block_reason`; a candidate
 * stopped for safety keeps its `finish_reasons` (`SAFETY`, `PROHIBITED_CONTENT`, …) and its
 * `safety_ratings`.
 */
export function responseMetadata(response: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = asRecord(response);
  if (!r) return out;
  const model = field(r, "modelVersion");
  if (typeof model === "string" && model) out.response_model = model;
  const id = field(r, "responseId");
  if (typeof id === "string" && id) out.response_id = id;
  const candidates = field(r, "candidates");
  if (isList(candidates)) {
    const reasons = candidates
      .slice(0, 100)
      .map((c) => field(c, "finishReason"))
      .filter((x): x is string => typeof x === "string" && x.length > 0);
    if (reasons.length > 0) out.finish_reasons = reasons;
    const ratings = field(candidates[0], "safetyRatings");
    if (isList(ratings) && ratings.some((x) => field(x, "blocked") === true)) out.safety_ratings = ratings;
  }
  const feedback = asRecord(field(r, "promptFeedback"));
  const blockReason = field(feedback, "blockReason");
  if (typeof blockReason === "string" && blockReason) {
    out.blocked = true;
    out.block_reason = blockReason;
    const message = field(feedback, "blockReasonMessage");
    if (typeof message === "string") out.block_reason_message = message;
    const ratings = field(feedback, "safetyRatings");
    if (isList(ratings)) out.safety_ratings = ratings;
  }
  return out;
}

/**
 * Records a response on the span: output text, tool calls, usage, model and metadata. Used for the
 * non-stream result and for the response a stream accumulated (complete or cut short).
 */
export function recordResponse(span: Span, response: unknown): void {
  if (!asRecord(response)) return;
  const meta = responseMetadata(response);
  if (typeof meta.response_model === "string") span.setModelId(meta.response_model);
  if (Object.keys(meta).length > 0) span.setMetadata(meta);
  const usage = tokenUsage(field(response, "usageMetadata"));
  if (usage) span.setTokenUsage(usage);
  const text = outputText(response);
  if (text !== undefined) span.recordOutput(text);
  const calls = toolCalls(response, span.id);
  if (calls) span.setToolCalls(calls);
}

/**
 * Records an `embedContent` response. The Gemini API's response carries no usage (the SDK drops
 * it), so none is recorded there; Vertex AI gives a token count per embedding, summed as input.
 */
export function recordEmbedding(span: Span, response: unknown): void {
  const embeddings = field(response, "embeddings");
  if (!isList(embeddings)) return;
  let tokens: number | undefined;
  let dimensions: number | undefined;
  for (const e of embeddings.slice(0, 10_000)) {
    const n = count(field(field(e, "statistics"), "tokenCount"));
    if (n !== undefined) tokens = (tokens ?? 0) + n;
    const values = field(e, "values");
    if (dimensions === undefined && isList(values)) dimensions = values.length;
  }
  const meta: Record<string, unknown> = { embedding_count: embeddings.length };
  if (dimensions !== undefined) meta.embedding_dimensions = dimensions;
  span.setMetadata(meta);
  if (tokens !== undefined) span.setTokenUsage({ inputTokens: tokens });
}
