/**
 * Stream → response: rebuilds what a streamed `generateContent` call produced from its chunks
 * (each one a `GenerateContentResponse` holding the next parts of the first candidate), so the
 * span gets the same output, tool calls and usage as a non-stream call.
 *
 * Every chunk carries `usageMetadata` with the counts so far: the last chunk that has it wins, the
 * counts are never added up. The accumulator only reads the chunks (the user's objects are never
 * changed), tolerates any malformed chunk, and never throws. A stream cut short still yields the
 * partial response seen so far.
 */
import { asRecord, field, isList } from "./request.js";

/** Parts kept per stream; a stream with more is malformed and the rest are ignored. */
const MAX_PARTS = 10_000;

export class ResponseAccumulator {
  private readonly texts: string[] = [];
  private readonly thoughts: string[] = [];
  private readonly calls: unknown[] = [];
  private usage: unknown;
  private model: unknown;
  private id: unknown;
  private finishReason: unknown;
  private safetyRatings: unknown;
  private promptFeedback: unknown;
  private chunks = 0;

  /** Number of chunks seen. */
  get chunkCount(): number {
    return this.chunks;
  }

  /** Adds one chunk. Never throws. */
  add(chunk: unknown): void {
    try {
      this.apply(chunk);
    } catch {
      // a malformed chunk: keep what was gathered
    }
  }

  private apply(chunk: unknown): void {
    const c = asRecord(chunk);
    if (!c) return;
    this.chunks++;
    const usage = field(c, "usageMetadata");
    if (asRecord(usage)) this.usage = usage;
    const model = field(c, "modelVersion");
    if (typeof model === "string" && model) this.model = model;
    const id = field(c, "responseId");
    if (typeof id === "string" && id) this.id = id;
    const feedback = field(c, "promptFeedback");
    if (asRecord(feedback)) this.promptFeedback = feedback;
    const candidates = field(c, "candidates");
    const candidate = isList(candidates) ? asRecord(candidates[0]) : undefined;
    if (!candidate) return;
    const reason = field(candidate, "finishReason");
    if (typeof reason === "string" && reason) this.finishReason = reason;
    const ratings = field(candidate, "safetyRatings");
    if (isList(ratings)) this.safetyRatings = ratings;
    const parts = field(field(candidate, "content"), "parts");
    if (!isList(parts)) return;
    for (const p of parts.slice(0, MAX_PARTS)) {
      const text = field(p, "text");
      if (typeof text === "string") {
        if (field(p, "thought") === true) this.pushBounded(this.thoughts, text);
        else this.pushBounded(this.texts, text);
      }
      const call = field(p, "functionCall");
      if (asRecord(call)) this.pushBounded(this.calls, call);
    }
  }

  private pushBounded<T>(list: T[], value: T): void {
    if (list.length < MAX_PARTS) list.push(value);
  }

  /** The response as far as the stream got, in the shape of a non-stream `GenerateContentResponse`. Never throws. */
  response(): Record<string, unknown> {
    const parts: Record<string, unknown>[] = [];
    if (this.thoughts.length > 0) parts.push({ text: this.thoughts.join(""), thought: true });
    if (this.texts.length > 0) parts.push({ text: this.texts.join("") });
    for (const call of this.calls) parts.push({ functionCall: call });
    const candidate: Record<string, unknown> = { content: { role: "model", parts } };
    if (this.finishReason !== undefined) candidate.finishReason = this.finishReason;
    if (this.safetyRatings !== undefined) candidate.safetyRatings = this.safetyRatings;
    const out: Record<string, unknown> = { candidates: [candidate] };
    if (this.usage !== undefined) out.usageMetadata = this.usage;
    if (this.model !== undefined) out.modelVersion = this.model;
    if (this.id !== undefined) out.responseId = this.id;
    if (this.promptFeedback !== undefined) out.promptFeedback = this.promptFeedback;
    return out;
  }
}

/** Whether a chunk carries generated content (a text, thought or function-call part): time to first token. */
export function isTokenChunk(chunk: unknown): boolean {
  try {
    const candidates = field(chunk, "candidates");
    const parts = field(field(isList(candidates) ? candidates[0] : undefined, "content"), "parts");
    if (!isList(parts)) return false;
    return parts.some((p) => {
      const text = field(p, "text");
      return (typeof text === "string" && text.length > 0) || asRecord(field(p, "functionCall")) !== undefined;
    });
  } catch {
    return true;
  }
}
