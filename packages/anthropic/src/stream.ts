/**
 * Stream → message: rebuilds what a streamed Messages API call produced from its server-sent
 * events (`message_start`, `content_block_start` / `_delta` / `_stop`, `message_delta`,
 * `message_stop`), so the span gets the same output, tool calls and usage as a non-stream call.
 *
 * The accumulator only reads the events (the user's objects are never changed), tolerates any
 * malformed or out-of-order event, and never throws. A stream cut short still yields the partial
 * message seen so far.
 *
 * Usage follows the SDK's own accumulator: `message_start` carries the initial counts, and each
 * `message_delta` carries running totals that OVERWRITE the earlier values (only the fields that are
 * present and non-null); counts are never added together.
 */
import { asRecord } from "./request.js";

interface BlockState {
  type: string;
  id?: unknown;
  name?: unknown;
  /** Text of a `text` block: start text + every `text_delta`. */
  text: string[];
  /** Input of a `tool_use` block as given by `content_block_start` (usually `{}`). */
  input?: unknown;
  /** The `input_json_delta` fragments of a `tool_use` block. */
  json: string[];
}

/** The event types that mean the model has started producing output (time to first token). */
const TOKEN_DELTAS = new Set(["text_delta", "input_json_delta", "thinking_delta", "citations_delta"]);

/** Content blocks kept per stream; a stream with more is malformed and the rest are ignored. */
const MAX_BLOCKS = 10_000;

export class MessageAccumulator {
  private id: string | undefined;
  private model: string | undefined;
  private role: unknown;
  private stopReason: string | undefined;
  private readonly usage: Record<string, unknown> = {};
  private readonly blocks = new Map<number, BlockState>();
  private firstToken = false;
  private events = 0;

  /** Number of events seen. */
  get eventCount(): number {
    return this.events;
  }

  /** True once an event carrying generated content (a text, thinking or tool-input delta) was seen. */
  get sawFirstToken(): boolean {
    return this.firstToken;
  }

  /**
   * Adds one stream event. Returns true when this event is the first one carrying generated
   * content (the moment "time to first token" measures). Never throws.
   */
  add(event: unknown): boolean {
    try {
      return this.apply(event);
    } catch {
      return false;
    }
  }

  private apply(event: unknown): boolean {
    const e = asRecord(event);
    if (!e) return false;
    this.events++;
    switch (e.type) {
      case "message_start": {
        const m = asRecord(e.message);
        if (!m) return false;
        if (typeof m.id === "string") this.id = m.id;
        if (typeof m.model === "string") this.model = m.model;
        if (m.role !== undefined) this.role = m.role;
        if (typeof m.stop_reason === "string") this.stopReason = m.stop_reason;
        this.mergeUsage(m.usage);
        // A message_start may already carry content (it normally has `content: []`).
        if (Array.isArray(m.content)) {
          m.content.forEach((block, index) => this.startBlock(index, block));
        }
        return false;
      }
      case "content_block_start":
        this.startBlock(e.index, e.content_block);
        return false;
      case "content_block_delta":
        return this.applyDelta(e.index, asRecord(e.delta));
      case "message_delta": {
        const delta = asRecord(e.delta);
        if (delta && typeof delta.stop_reason === "string") this.stopReason = delta.stop_reason;
        this.mergeUsage(e.usage);
        return false;
      }
      default:
        // content_block_stop, message_stop, ping and unknown events carry nothing we record.
        return false;
    }
  }

  /** Overwrites the usage fields `usage` sets (non-null ones only): running totals, never summed. */
  private mergeUsage(usage: unknown): void {
    const u = asRecord(usage);
    if (!u) return;
    for (const key of Object.keys(u)) {
      const value = u[key];
      if (value !== undefined && value !== null) this.usage[key] = value;
    }
  }

  private static index(value: unknown): number | undefined {
    return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
  }

  private startBlock(rawIndex: unknown, rawBlock: unknown): void {
    const index = MessageAccumulator.index(rawIndex);
    const block = asRecord(rawBlock);
    if (index === undefined || !block) return;
    if (!this.blocks.has(index) && this.blocks.size >= MAX_BLOCKS) return;
    const state: BlockState = {
      type: typeof block.type === "string" ? block.type : "unknown",
      id: block.id,
      name: block.name,
      text: typeof block.text === "string" && block.text ? [block.text] : [],
      input: block.input,
      json: [],
    };
    this.blocks.set(index, state);
  }

  private applyDelta(rawIndex: unknown, delta: Record<string, unknown> | undefined): boolean {
    if (!delta) return false;
    const first = !this.firstToken && typeof delta.type === "string" && TOKEN_DELTAS.has(delta.type);
    if (first) this.firstToken = true;
    const index = MessageAccumulator.index(rawIndex);
    const block = index === undefined ? undefined : this.blocks.get(index);
    if (!block) return first;
    if (delta.type === "text_delta" && typeof delta.text === "string") block.text.push(delta.text);
    else if (delta.type === "input_json_delta" && typeof delta.partial_json === "string") block.json.push(delta.partial_json);
    return first;
  }

  /**
   * The message as far as the stream got: `{ id, model, role, content, stop_reason, usage }`, with
   * `text` blocks and `tool_use` blocks (whose streamed JSON input is assembled; input that does
   * not parse, as when the stream was cut, is kept as the raw partial string). Never throws.
   */
  message(): Record<string, unknown> {
    const content: Record<string, unknown>[] = [];
    try {
      const indexes = [...this.blocks.keys()].sort((a, b) => a - b);
      for (const i of indexes) {
        const b = this.blocks.get(i);
        if (!b) continue;
        if (b.type === "text") content.push({ type: "text", text: b.text.join("") });
        else if (b.type === "tool_use") content.push({ type: "tool_use", id: b.id, name: b.name, input: toolInput(b) });
        else content.push({ type: b.type });
      }
    } catch {
      // keep what was built
    }
    const out: Record<string, unknown> = { content, usage: { ...this.usage } };
    if (this.id !== undefined) out.id = this.id;
    if (this.model !== undefined) out.model = this.model;
    if (this.role !== undefined) out.role = this.role;
    if (this.stopReason !== undefined) out.stop_reason = this.stopReason;
    return out;
  }
}

function toolInput(block: BlockState): unknown {
  if (block.json.length === 0) return block.input;
  const raw = block.json.join("");
  if (raw.trim() === "") return block.input;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
