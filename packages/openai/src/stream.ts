/**
 * Stream chunks → the response they add up to. Each accumulator takes the chunks in order (any
 * shape: unexpected ones are skipped) and rebuilds a response object that `recordResponse` reads
 * as if it came from a non-stream call; a stream cut short gives the partial response.
 */
import type { OpenAIOperation } from "./targets.js";
import { asRecord, field } from "./request.js";

/** Rebuilds a response from stream chunks. */
export interface StreamAccumulator {
  add(chunk: unknown): void;
  /** The response so far (complete once the stream is done). */
  response(): Record<string, unknown>;
}

/** True for the usage-only chunk `stream_options.include_usage` adds at the end (`choices: []`, `usage` set). */
export function isUsageOnlyChunk(chunk: unknown): boolean {
  const c = asRecord(chunk);
  if (!c) return false;
  const choices = field(c, "choices");
  return Array.isArray(choices) && choices.length === 0 && asRecord(field(c, "usage")) !== undefined;
}

function nonEmpty(value: unknown): boolean {
  return (typeof value === "string" && value.length > 0) || (Array.isArray(value) && value.length > 0) || asRecord(value) !== undefined;
}

/**
 * Whether a chunk carries generated output (for `time_to_first_token_ms`): chat — a delta with
 * content, refusal, reasoning, tool calls or audio (not the role-only first chunk, not the usage
 * chunk); legacy completions — text; Responses — a `*.delta` event.
 */
export function isTokenChunk(chunk: unknown, operation: OpenAIOperation): boolean {
  if (operation === "responses") {
    const type = field(chunk, "type");
    return typeof type === "string" && type.endsWith(".delta");
  }
  const choices = field(chunk, "choices");
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    if (operation === "completions") {
      if (nonEmpty(field(choice, "text"))) return true;
      continue;
    }
    const delta = field(choice, "delta");
    for (const key of ["content", "refusal", "reasoning_content", "reasoning", "tool_calls", "function_call", "audio"]) {
      if (nonEmpty(field(delta, key))) return true;
    }
  }
  return false;
}

interface ToolCallState {
  index: number;
  id: unknown;
  type: unknown;
  name: string;
  args: string[];
}

interface ChoiceState {
  index: number;
  role: unknown;
  content: string[];
  refusal: string[];
  text: string[];
  toolCalls: Map<number, ToolCallState>;
  finishReason: unknown;
}

/**
 * Chat Completions and legacy Completions chunks: text (`delta.content` / `text`), refusals, and
 * tool-call deltas assembled by `index` (id, name, argument fragments); the last `usage` seen.
 */
const HEAD_KEYS = ["id", "model", "system_fingerprint", "service_tier"] as const;

class ChoicesAccumulator implements StreamAccumulator {
  private readonly head: Record<string, unknown> = {};
  private readonly choices = new Map<number, ChoiceState>();
  private usage: unknown;

  constructor(
    private readonly operation: "chat" | "completions",
    private readonly keepText: boolean,
    private readonly chunkUsage: ChunkUsage,
  ) {}

  add(chunk: unknown): void {
    const c = asRecord(chunk);
    if (!c) return;
    for (const key of HEAD_KEYS) {
      if (this.head[key] !== undefined) continue; // known from an earlier chunk: not read again per chunk
      const v = field(c, key);
      if (typeof v === "string" && v) this.head[key] = v;
    }
    const usage = this.chunkUsage(c);
    if (asRecord(usage)) this.usage = usage;
    const choices = field(c, "choices");
    if (!Array.isArray(choices)) return;
    for (const raw of choices) {
      const choice = asRecord(raw);
      if (!choice) continue;
      const index = typeof choice.index === "number" ? choice.index : 0;
      let state = this.choices.get(index);
      if (!state) {
        state = { index, role: undefined, content: [], refusal: [], text: [], toolCalls: new Map(), finishReason: undefined };
        this.choices.set(index, state);
      }
      if (typeof choice.finish_reason === "string") state.finishReason = choice.finish_reason;
      if (this.keepText && typeof choice.text === "string") state.text.push(choice.text);
      const delta = asRecord(choice.delta);
      if (!delta) continue;
      if (typeof delta.role === "string") state.role = delta.role;
      if (this.keepText && typeof delta.content === "string") state.content.push(delta.content);
      if (this.keepText && typeof delta.refusal === "string") state.refusal.push(delta.refusal);
      if (Array.isArray(delta.tool_calls)) {
        for (const rawCall of delta.tool_calls) {
          const call = asRecord(rawCall);
          if (!call) continue;
          const callIndex = typeof call.index === "number" ? call.index : state.toolCalls.size;
          let tc = state.toolCalls.get(callIndex);
          if (!tc) {
            tc = { index: callIndex, id: undefined, type: undefined, name: "", args: [] };
            state.toolCalls.set(callIndex, tc);
          }
          if (call.id !== undefined && call.id !== null) tc.id = call.id;
          if (call.type !== undefined && call.type !== null) tc.type = call.type;
          const fn = asRecord(call.function);
          if (fn && typeof fn.name === "string") tc.name += fn.name;
          if (fn && typeof fn.arguments === "string") tc.args.push(fn.arguments);
        }
      }
    }
  }

  response(): Record<string, unknown> {
    const sorted = [...this.choices.values()].sort((a, b) => a.index - b.index);
    const choices = sorted.map((s) => {
      if (this.operation === "completions") return { index: s.index, text: s.text.length > 0 ? s.text.join("") : null, finish_reason: s.finishReason };
      const toolCalls = [...s.toolCalls.values()]
        .sort((a, b) => a.index - b.index)
        .map((tc) => ({ id: tc.id, type: tc.type ?? "function", function: { name: tc.name, arguments: tc.args.join("") } }));
      const message: Record<string, unknown> = {
        role: s.role ?? "assistant",
        content: s.content.length > 0 ? s.content.join("") : null,
      };
      if (s.refusal.length > 0) message.refusal = s.refusal.join("");
      if (toolCalls.length > 0) message.tool_calls = toolCalls;
      return { index: s.index, message, finish_reason: s.finishReason };
    });
    const out: Record<string, unknown> = { ...this.head, choices };
    if (this.usage !== undefined) out.usage = this.usage;
    return out;
  }
}

/**
 * Responses API events: the final `response` of `response.completed` / `response.incomplete` /
 * `response.failed` when it arrives; until then id/model from `response.created`, text from
 * `response.output_text.delta`, finished output items from `response.output_item.done`.
 */
class ResponsesAccumulator implements StreamAccumulator {
  private base: Record<string, unknown> | undefined;
  private final: Record<string, unknown> | undefined;
  private readonly text: string[] = [];
  private readonly items: unknown[] = [];
  /** A stream-level `error` event: the API's way to fail a stream midway (the SDK passes it on). */
  private error: Record<string, unknown> | undefined;

  constructor(private readonly keepText: boolean) {}

  add(chunk: unknown): void {
    const event = asRecord(chunk);
    if (!event) return;
    const type = field(event, "type");
    if (typeof type !== "string") return;
    const response = asRecord(field(event, "response"));
    if (type === "error") {
      const message = field(event, "message");
      const code = field(event, "code");
      this.error = { message: typeof message === "string" && message ? message : "stream error", ...(typeof code === "string" ? { code } : {}) };
    } else if (type === "response.completed" || type === "response.incomplete" || type === "response.failed") {
      if (response) this.final = response;
    } else if (response && (type === "response.created" || type === "response.in_progress" || type === "response.queued")) {
      this.base = response;
    } else if (type === "response.output_text.delta") {
      const delta = field(event, "delta");
      if (this.keepText && typeof delta === "string") this.text.push(delta);
    } else if (type === "response.output_item.done") {
      const item = field(event, "item");
      if (asRecord(item)) this.items.push(item);
    }
  }

  response(): Record<string, unknown> {
    if (this.final) {
      const finalText = field(this.final, "output_text");
      if (typeof finalText === "string" && finalText) return this.final;
      return this.text.length > 0 ? { ...this.final, output_text: this.text.join("") } : this.final;
    }
    const out: Record<string, unknown> = {};
    for (const key of ["id", "model", "service_tier"]) {
      const v = field(this.base, key);
      if (v !== undefined) out[key] = v;
    }
    out.output = [...this.items];
    if (this.text.length > 0) out.output_text = this.text.join("");
    // No final response after an error event: the response failed (recordResponse fails the span).
    if (this.error) {
      out.status = "failed";
      out.error = this.error;
    }
    return out;
  }
}

/** Embeddings are never streamed: an accumulator that keeps the last object seen. */
class LastValueAccumulator implements StreamAccumulator {
  private last: Record<string, unknown> = {};
  add(chunk: unknown): void {
    const c = asRecord(chunk);
    if (c) this.last = c;
  }
  response(): Record<string, unknown> {
    return this.last;
  }
}

/**
 * Where a chat/completions chunk carries usage: `usage` for OpenAI; an OpenAI-compatible SDK may put
 * it elsewhere (Groq: `x_groq.usage` on the last chunk).
 */
export type ChunkUsage = (chunk: Record<string, unknown>) => unknown;

/** OpenAI: the chunk's `usage`. */
export const openaiChunkUsage: ChunkUsage = (chunk) => field(chunk, "usage");

/**
 * The accumulator for streams of `operation`. `keepText: false` (content capture off) skips text;
 * `chunkUsage` says where a chunk carries token usage.
 */
export function createAccumulator(operation: OpenAIOperation, keepText = true, chunkUsage: ChunkUsage = openaiChunkUsage): StreamAccumulator {
  switch (operation) {
    case "chat":
      return new ChoicesAccumulator("chat", keepText, chunkUsage);
    case "completions":
      return new ChoicesAccumulator("completions", keepText, chunkUsage);
    case "responses":
      return new ResponsesAccumulator(keepText);
    default:
      return new LastValueAccumulator();
  }
}
