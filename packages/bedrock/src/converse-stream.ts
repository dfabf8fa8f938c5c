/**
 * ConverseStream events → a Converse-shaped output, so the span gets the same output, tool calls,
 * stop reason and usage as a non-stream call. Usage and `metrics.latencyMs` come from the
 * `metadata` event (sent last). The accumulator only reads the events, tolerates any malformed or
 * out-of-order event, never throws, and a stream cut short yields what was seen so far.
 */
import { asRecord, field, path, str } from "./read.js";

interface Block {
  text: string[];
  toolUseId?: unknown;
  name?: unknown;
  json: string[];
}

const MAX_BLOCKS = 10_000;
const MAX_PIECES = 100_000;

export class ConverseStreamAccumulator {
  private readonly blocks = new Map<number, Block>();
  private stopReason: string | undefined;
  private usage: unknown;
  private metrics: unknown;
  private pieces = 0;
  private events = 0;

  get eventCount(): number {
    return this.events;
  }

  /** Adds one event. Never throws. */
  add(event: unknown): void {
    try {
      this.apply(event);
    } catch {
      // a malformed event: keep what was gathered
    }
  }

  private block(index: unknown): Block | undefined {
    const i = typeof index === "number" && Number.isInteger(index) && index >= 0 ? index : undefined;
    if (i === undefined) return undefined;
    let b = this.blocks.get(i);
    if (!b && this.blocks.size < MAX_BLOCKS) this.blocks.set(i, (b = { text: [], json: [] }));
    return b;
  }

  private apply(event: unknown): void {
    const e = asRecord(event);
    if (!e) return;
    this.events++;
    const start = asRecord(field(e, "contentBlockStart"));
    if (start) {
      const use = asRecord(path(start, ["start", "toolUse"]));
      const b = this.block(field(start, "contentBlockIndex"));
      if (b && use) {
        b.toolUseId = field(use, "toolUseId");
        b.name = field(use, "name");
      }
    }
    const delta = asRecord(field(e, "contentBlockDelta"));
    if (delta && this.pieces < MAX_PIECES) {
      const b = this.block(field(delta, "contentBlockIndex"));
      const d = field(delta, "delta");
      const text = field(d, "text");
      const json = path(d, ["toolUse", "input"]);
      if (b && typeof text === "string") b.text.push(text);
      if (b && typeof json === "string") b.json.push(json);
      this.pieces++;
    }
    const stop = str(path(e, ["messageStop", "stopReason"]));
    if (stop) this.stopReason = stop;
    const metadata = asRecord(field(e, "metadata"));
    if (metadata) {
      if (asRecord(field(metadata, "usage"))) this.usage = field(metadata, "usage");
      if (asRecord(field(metadata, "metrics"))) this.metrics = field(metadata, "metrics");
    }
  }

  /** The output as far as the stream got, shaped like a Converse output. Never throws. */
  output(): Record<string, unknown> {
    const content: Record<string, unknown>[] = [];
    for (const i of [...this.blocks.keys()].sort((a, b) => a - b)) {
      const b = this.blocks.get(i)!;
      if (b.toolUseId !== undefined || b.name !== undefined || b.json.length > 0) {
        content.push({ toolUse: { toolUseId: b.toolUseId, name: b.name, input: parseInput(b.json) } });
      } else if (b.text.length > 0) {
        content.push({ text: b.text.join("") });
      }
    }
    const out: Record<string, unknown> = { output: { message: { role: "assistant", content } } };
    if (this.stopReason !== undefined) out.stopReason = this.stopReason;
    if (this.usage !== undefined) out.usage = this.usage;
    if (this.metrics !== undefined) out.metrics = this.metrics;
    return out;
  }
}

function parseInput(json: string[]): unknown {
  const raw = json.join("");
  if (raw.trim() === "") return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Whether an event carries generated content (time to first token). */
export function isConverseTokenEvent(event: unknown): boolean {
  return asRecord(field(event, "contentBlockDelta")) !== undefined;
}
