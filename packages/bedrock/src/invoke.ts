/**
 * InvokeModel / InvokeModelWithResponseStream: the bodies are bytes of the model's native JSON.
 * They are parsed when they can be read without consuming anything (a string or a `Uint8Array` of
 * at most 1 MB; a stream body is left alone), by shape, for the families Bedrock serves: Anthropic
 * messages, Amazon Nova (Converse-like), Amazon Titan text, Meta Llama, Mistral (text and chat) and
 * Cohere (Command and Command R). What is not recognised leaves the span with model id and timing.
 * Never throws.
 */
import type { Span, TokenUsage } from "@tracium/core";
import { blocksText, messageText, messageToolCalls, type BedrockToolCall } from "./converse.js";
import { asRecord, count, field, isList, jsonBody, path, str } from "./read.js";
import { anthropicUsage, converseUsage, invocationMetricsUsage } from "./usage.js";

/** Request keys recorded under `request_params`, whichever family the body is. */
export const INVOKE_PARAMS: readonly string[] = [
  "max_tokens",
  "max_gen_len",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "stop",
  "anthropic_version",
  "inferenceConfig",
  "textGenerationConfig",
  "tool_choice",
  "thinking",
];

/** What a parsed body says, in one shape. */
export interface InvokeResult {
  text?: string;
  toolCalls?: BedrockToolCall[];
  stopReason?: string;
  usage?: TokenUsage;
  model?: string;
  id?: string;
}

/** Span input, tools and parameters of an InvokeModel request body. */
export function invokeRequest(body: unknown): { input?: unknown; tools?: unknown[]; params?: Record<string, unknown> } {
  const b = asRecord(jsonBody(body));
  if (!b) return {};
  const out: { input?: unknown; tools?: unknown[]; params?: Record<string, unknown> } = {};
  const system = blocksText(field(b, "system"));
  const messages = field(b, "messages");
  if (messages !== undefined) out.input = system !== undefined ? { system, messages } : { messages };
  else if (typeof field(b, "prompt") === "string") out.input = { prompt: field(b, "prompt") };
  else if (typeof field(b, "inputText") === "string") out.input = { prompt: field(b, "inputText") };
  else if (typeof field(b, "message") === "string") out.input = { messages: [...(isList(field(b, "chat_history")) ? (field(b, "chat_history") as unknown[]) : []), { role: "USER", message: field(b, "message") }] };
  const tools = field(b, "tools");
  if (isList(tools) && tools.length > 0) out.tools = tools.slice(0, 1000);
  const params: Record<string, unknown> = {};
  for (const key of INVOKE_PARAMS) {
    const v = field(b, key);
    if (v !== undefined && v !== null) params[key] = v;
  }
  if (Object.keys(params).length > 0) out.params = params;
  return out;
}

function anthropicContent(content: unknown): { text?: string; toolCalls?: BedrockToolCall[] } {
  if (!isList(content)) return {};
  const texts: string[] = [];
  const calls: BedrockToolCall[] = [];
  for (const c of content.slice(0, 10_000)) {
    const type = field(c, "type");
    if (type === "text" && typeof field(c, "text") === "string") texts.push(field(c, "text") as string);
    if (type === "tool_use") calls.push({ id: field(c, "id"), type: "tool_use", name: field(c, "name"), input: field(c, "input") });
  }
  return { ...(texts.length ? { text: texts.join("\n") } : {}), ...(calls.length ? { toolCalls: calls } : {}) };
}

/** Reads a parsed InvokeModel response body of any supported family. */
export function invokeResult(json: unknown): InvokeResult {
  const b = asRecord(json);
  if (!b) return {};
  // Anthropic messages.
  if (isList(field(b, "content")) && (field(b, "type") === "message" || asRecord(field(b, "usage")))) {
    return { ...anthropicContent(field(b, "content")), stopReason: str(field(b, "stop_reason")), usage: anthropicUsage(field(b, "usage")), model: str(field(b, "model")), id: str(field(b, "id")) };
  }
  // Amazon Nova (Converse-like).
  const message = path(b, ["output", "message"]);
  if (asRecord(message)) {
    const text = messageText(message);
    const toolCalls = messageToolCalls(message);
    return { ...(text !== undefined ? { text } : {}), ...(toolCalls ? { toolCalls } : {}), stopReason: str(field(b, "stopReason")), usage: converseUsage(field(b, "usage")) };
  }
  // Meta Llama.
  if (typeof field(b, "generation") === "string") {
    return { text: field(b, "generation") as string, stopReason: str(field(b, "stop_reason")), usage: tokens(count(field(b, "prompt_token_count")), count(field(b, "generation_token_count"))) };
  }
  // Mistral text completion.
  const outputs = field(b, "outputs");
  if (isList(outputs)) {
    return { text: outputs.map((o) => field(o, "text")).filter((t): t is string => typeof t === "string").join(""), stopReason: str(field(outputs[0], "stop_reason")) };
  }
  // Mistral (and other OpenAI-style) chat.
  const choices = field(b, "choices");
  if (isList(choices)) {
    const msg = field(choices[0], "message");
    const content = field(msg, "content");
    return { ...(typeof content === "string" ? { text: content } : {}), stopReason: str(field(choices[0], "finish_reason")), usage: tokens(count(path(b, ["usage", "prompt_tokens"])), count(path(b, ["usage", "completion_tokens"]))) };
  }
  // Amazon Titan text.
  const results = field(b, "results");
  if (isList(results)) {
    return { text: results.map((r) => field(r, "outputText")).filter((t): t is string => typeof t === "string").join(""), stopReason: str(field(results[0], "completionReason")), usage: tokens(count(field(b, "inputTextTokenCount")), count(field(results[0], "tokenCount"))) };
  }
  // Cohere Command R (`text`) and Command (`generations`).
  const billed = path(b, ["meta", "billed_units"]);
  const usage = tokens(count(field(billed, "input_tokens")), count(field(billed, "output_tokens")));
  if (typeof field(b, "text") === "string") return { text: field(b, "text") as string, stopReason: str(field(b, "finish_reason")), usage };
  const generations = field(b, "generations");
  if (isList(generations)) return { text: generations.map((g) => field(g, "text")).filter((t): t is string => typeof t === "string").join(""), stopReason: str(field(generations[0], "finish_reason")), usage };
  return {};
}

function tokens(input: number | undefined, output: number | undefined): TokenUsage | undefined {
  if (input === undefined && output === undefined) return undefined;
  return { ...(input !== undefined ? { inputTokens: input } : {}), ...(output !== undefined ? { outputTokens: output } : {}) };
}

/** Records an InvokeModel result on the span. */
export function recordInvokeResult(span: Span, result: InvokeResult): void {
  const meta: Record<string, unknown> = {};
  if (result.stopReason) meta.finish_reasons = [result.stopReason];
  if (result.model) meta.response_model = result.model;
  if (result.id) meta.response_id = result.id;
  if (Object.keys(meta).length > 0) span.setMetadata(meta);
  if (result.usage) span.setTokenUsage(result.usage);
  if (result.text !== undefined) span.recordOutput(result.text);
  if (result.toolCalls) span.setToolCalls(result.toolCalls);
}

/** Records an InvokeModel output (`body` bytes, read without consuming). */
export function recordInvokeOutput(span: Span, output: unknown): void {
  recordInvokeResult(span, invokeResult(jsonBody(field(output, "body"))));
}

const decoder = new TextDecoder();
const MAX_CHUNK_BYTES = 256_000;
const MAX_PIECES = 100_000;

/**
 * InvokeModelWithResponseStream chunks (`{ chunk: { bytes } }`, each the model's own stream event
 * as JSON) → one result: Anthropic events (`message_start`, `content_block_*`, `message_delta`),
 * Nova events (`contentBlockDelta`, `messageStop`, `metadata`), and the text-only streams of the
 * other families. Usage comes from the model's own events, else from the
 * `amazon-bedrock-invocationMetrics` Bedrock adds to the last chunk.
 */
export class InvokeStreamAccumulator {
  private readonly texts: string[] = [];
  private readonly tools = new Map<number, { id: unknown; name: unknown; json: string[] }>();
  private usage: Record<string, unknown> = {};
  private modelUsage: TokenUsage | undefined;
  private metricsUsage: TokenUsage | undefined;
  private stopReason: string | undefined;
  private model: string | undefined;
  private id: string | undefined;
  private firstToken = false;
  private chunks = 0;

  get chunkCount(): number {
    return this.chunks;
  }

  /** Adds one chunk; returns true when it is the first carrying generated content. Never throws. */
  add(chunk: unknown): boolean {
    try {
      return this.apply(chunk);
    } catch {
      return false;
    }
  }

  private apply(chunk: unknown): boolean {
    const bytes = path(chunk, ["chunk", "bytes"]);
    if (!(bytes instanceof Uint8Array) || bytes.byteLength > MAX_CHUNK_BYTES) return false;
    this.chunks++;
    const e = asRecord(JSON.parse(decoder.decode(bytes)) as unknown);
    if (!e) return false;
    const metrics = field(e, "amazon-bedrock-invocationMetrics");
    if (asRecord(metrics)) this.metricsUsage = invocationMetricsUsage(metrics);
    const before = this.texts.length + this.tools.size;
    this.anthropic(e);
    this.nova(e);
    this.plain(e);
    const produced = this.texts.length + this.tools.size > before || (this.tools.size > 0 && field(field(e, "delta"), "type") === "input_json_delta");
    if (produced && !this.firstToken) {
      this.firstToken = true;
      return true;
    }
    return false;
  }

  private push(text: unknown): void {
    if (typeof text === "string" && text.length > 0 && this.texts.length < MAX_PIECES) this.texts.push(text);
  }

  private anthropic(e: Record<string, unknown>): void {
    const type = field(e, "type");
    if (type === "message_start") {
      const m = field(e, "message");
      this.model = str(field(m, "model")) ?? this.model;
      this.id = str(field(m, "id")) ?? this.id;
      this.mergeUsage(field(m, "usage"));
    } else if (type === "content_block_start") {
      const block = field(e, "content_block");
      const index = field(e, "index");
      if (field(block, "type") === "tool_use" && typeof index === "number" && this.tools.size < 1000) this.tools.set(index, { id: field(block, "id"), name: field(block, "name"), json: [] });
    } else if (type === "content_block_delta") {
      const delta = field(e, "delta");
      if (field(delta, "type") === "text_delta") this.push(field(delta, "text"));
      const tool = this.tools.get(field(e, "index") as number);
      const json = field(delta, "partial_json");
      if (tool && typeof json === "string" && tool.json.length < MAX_PIECES) tool.json.push(json);
    } else if (type === "message_delta") {
      this.stopReason = str(path(e, ["delta", "stop_reason"])) ?? this.stopReason;
      this.mergeUsage(field(e, "usage"));
    }
  }

  private mergeUsage(usage: unknown): void {
    const u = asRecord(usage);
    if (!u) return;
    for (const key of Object.keys(u)) if (u[key] !== null && u[key] !== undefined) this.usage[key] = u[key];
    this.modelUsage = anthropicUsage(this.usage);
  }

  private nova(e: Record<string, unknown>): void {
    this.push(path(e, ["contentBlockDelta", "delta", "text"]));
    this.stopReason = str(path(e, ["messageStop", "stopReason"])) ?? this.stopReason;
    const usage = path(e, ["metadata", "usage"]);
    if (asRecord(usage)) this.modelUsage = converseUsage(usage);
  }

  private plain(e: Record<string, unknown>): void {
    if (typeof field(e, "generation") === "string") this.push(field(e, "generation")); // Llama
    const outputs = field(e, "outputs"); // Mistral text
    if (isList(outputs)) for (const o of outputs.slice(0, 100)) this.push(field(o, "text"));
    const choices = field(e, "choices"); // Mistral chat
    if (isList(choices)) this.push(path(choices[0], ["delta", "content"]) ?? path(choices[0], ["message", "content"]));
    if (typeof field(e, "outputText") === "string") this.push(field(e, "outputText")); // Titan
    if (typeof field(e, "text") === "string" && field(e, "type") === undefined) this.push(field(e, "text")); // Cohere
    const reason = str(field(e, "stop_reason")) ?? str(field(e, "finish_reason")) ?? str(field(e, "completionReason"));
    if (reason) this.stopReason = reason;
  }

  /** The result as far as the stream got. Never throws. */
  result(): InvokeResult {
    const out: InvokeResult = {};
    if (this.texts.length > 0) out.text = this.texts.join("");
    const calls: BedrockToolCall[] = [];
    for (const t of this.tools.values()) {
      const raw = t.json.join("");
      let input: unknown = {};
      if (raw.trim()) {
        try {
          input = JSON.parse(raw) as unknown;
        } catch {
          input = raw;
        }
      }
      calls.push({ id: t.id, type: "tool_use", name: t.name, input });
    }
    if (calls.length > 0) out.toolCalls = calls;
    if (this.stopReason) out.stopReason = this.stopReason;
    const usage = this.modelUsage ?? this.metricsUsage;
    if (usage) out.usage = usage;
    if (this.model) out.model = this.model;
    if (this.id) out.id = this.id;
    return out;
  }
}
