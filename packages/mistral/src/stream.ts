/**
 * `chat.stream()` events → the response they add up to. Each event is `{ data: chunk }` with a
 * camelCase chunk (`choices[].delta.content`, `delta.toolCalls`, `finishReason`, `usage` on the
 * last one). A stream cut short gives the partial response.
 */
import { asRecord, field, records } from "./read.js";
import { contentText } from "./response.js";

interface ToolCallState {
  id: unknown;
  type: unknown;
  name: string;
  args: string[];
  objectArgs: unknown;
}

interface ChoiceState {
  index: number;
  text: string[];
  toolCalls: Map<number, ToolCallState>;
  finishReason: unknown;
}

/** The chunk of a stream event (`event.data`). */
export function eventChunk(event: unknown): Record<string, unknown> | undefined {
  return asRecord(field(event, "data"));
}

/** Whether an event carries generated output (text or a tool call), for time to first token. */
export function isTokenEvent(event: unknown): boolean {
  for (const choice of records(field(eventChunk(event), "choices"))) {
    const delta = field(choice, "delta");
    const text = contentText(field(delta, "content"));
    if (text) return true;
    if (records(field(delta, "toolCalls")).length > 0) return true;
  }
  return false;
}

/** Rebuilds a chat response (camelCase, like `chat.complete()`'s) from stream events. */
export class StreamAccumulator {
  private readonly head: Record<string, unknown> = {};
  private readonly choices = new Map<number, ChoiceState>();
  private usage: unknown;
  events = 0;

  constructor(private readonly keepText: boolean) {}

  add(event: unknown): void {
    const chunk = eventChunk(event);
    if (!chunk) return;
    this.events++;
    for (const key of ["id", "model"]) {
      const v = field(chunk, key);
      if (typeof v === "string" && v && this.head[key] === undefined) this.head[key] = v;
    }
    const usage = field(chunk, "usage");
    if (asRecord(usage)) this.usage = usage;
    for (const choice of records(field(chunk, "choices"))) {
      const index = typeof choice.index === "number" ? choice.index : 0;
      let state = this.choices.get(index);
      if (!state) this.choices.set(index, (state = { index, text: [], toolCalls: new Map(), finishReason: undefined }));
      const reason = field(choice, "finishReason");
      if (typeof reason === "string") state.finishReason = reason;
      const delta = field(choice, "delta");
      const text = contentText(field(delta, "content"));
      if (this.keepText && text) state.text.push(text);
      for (const call of records(field(delta, "toolCalls"))) this.addToolCall(state, call);
    }
  }

  private addToolCall(state: ChoiceState, call: Record<string, unknown>): void {
    const index = typeof call.index === "number" ? call.index : state.toolCalls.size;
    let tc = state.toolCalls.get(index);
    if (!tc) state.toolCalls.set(index, (tc = { id: undefined, type: undefined, name: "", args: [], objectArgs: undefined }));
    const id = field(call, "id");
    if (typeof id === "string" && id && id !== "null") tc.id = id;
    const type = field(call, "type");
    if (type !== undefined && type !== null) tc.type = type;
    const fn = field(call, "function");
    const name = field(fn, "name");
    if (typeof name === "string") tc.name += name;
    const args = field(fn, "arguments");
    if (typeof args === "string") tc.args.push(args);
    else if (args !== undefined && args !== null) tc.objectArgs = args;
  }

  /** The response so far. */
  response(): Record<string, unknown> {
    const choices = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((s) => {
        const message: Record<string, unknown> = { role: "assistant", content: s.text.length > 0 ? s.text.join("") : null };
        const calls = [...s.toolCalls.values()].map((tc) => ({
          id: tc.id,
          type: tc.type ?? "function",
          function: { name: tc.name, arguments: tc.objectArgs ?? tc.args.join("") },
        }));
        if (calls.length > 0) message.toolCalls = calls;
        return { index: s.index, message, finishReason: s.finishReason };
      });
    const out: Record<string, unknown> = { ...this.head, choices };
    if (this.usage !== undefined) out.usage = this.usage;
    return out;
  }
}
