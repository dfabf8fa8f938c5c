/**
 * Streamed `chat` / `generate` parts → the response they add up to: text concatenated
 * (`message.content` or `response`), tool calls collected, and the final part's counts, timings
 * and `done_reason`. A stream cut short gives the partial response.
 */
import { asRecord, field, records } from "./read.js";
import type { OllamaOperation } from "./targets.js";

/** Whether a part carries generated output (text, thinking or a tool call), for time to first token. */
export function isTokenPart(part: unknown, operation: OllamaOperation): boolean {
  if (operation === "generate") {
    const text = field(part, "response");
    const thinking = field(part, "thinking");
    return (typeof text === "string" && text.length > 0) || (typeof thinking === "string" && thinking.length > 0);
  }
  const message = field(part, "message");
  const content = field(message, "content");
  const thinking = field(message, "thinking");
  return (typeof content === "string" && content.length > 0) || (typeof thinking === "string" && thinking.length > 0) || records(field(message, "tool_calls")).length > 0;
}

/** Rebuilds a response from streamed parts. */
export class StreamAccumulator {
  private last: Record<string, unknown> = {};
  private readonly text: string[] = [];
  private readonly calls: unknown[] = [];
  parts = 0;

  constructor(
    private readonly operation: OllamaOperation,
    private readonly keepText: boolean,
  ) {}

  add(part: unknown): void {
    const p = asRecord(part);
    if (!p) return;
    this.parts++;
    this.last = p;
    if (this.operation === "generate") {
      const text = field(p, "response");
      if (this.keepText && typeof text === "string") this.text.push(text);
      return;
    }
    const message = field(p, "message");
    const content = field(message, "content");
    if (this.keepText && typeof content === "string") this.text.push(content);
    this.calls.push(...records(field(message, "tool_calls")));
  }

  /** The response so far, shaped like a non-streamed one. */
  response(): Record<string, unknown> {
    const text = this.text.join("");
    if (this.operation === "generate") return { ...this.last, response: text };
    const message: Record<string, unknown> = { role: "assistant", content: text };
    if (this.calls.length > 0) message.tool_calls = this.calls;
    return { ...this.last, message };
  }
}
