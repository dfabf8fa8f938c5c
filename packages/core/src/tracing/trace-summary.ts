/**
 * The trace summary as a span event subscriber: each `llm` and `embedding` span that ends while its
 * trace is open adds to the trace's running totals (tokens, calls, models, cost); the first `llm`
 * span gives the trace its model id (unless the user set one) and its system prompt. The trace
 * turns the totals into `summary` when it ends.
 */
import type { SpanData, TraceData } from "../model/records.js";
import type { SummaryAccumulator } from "../model/summary.js";
import type { SpanEventHandlers } from "./span-events.js";

/** What the summary reads and fills in on a trace (`Trace` has it). */
export interface SummarisedTrace {
  readonly data: TraceData;
  readonly totals: SummaryAccumulator;
  readonly userModelId: boolean;
}

/** Rolls an ended span up into its trace (after cost: the span's price is part of the totals). */
export const summarySubscriber: SpanEventHandlers<{ readonly data: SpanData }, SummarisedTrace> = {
  spanEnded(span, trace) {
    const d = span.data;
    const t = trace.data;
    if ((d.spanType !== "llm" && d.spanType !== "embedding") || t.endedAt !== undefined) return;
    trace.totals.add(d);
    if (d.spanType === "llm") {
      if (!trace.userModelId && t.modelId === undefined && d.modelId) t.modelId = d.modelId;
      if (t.systemPrompt === undefined) t.systemPrompt = systemPromptOf(d.input);
    }
  },
};

function systemPromptOf(input: unknown): string | undefined {
  if (!input || typeof input !== "object") return undefined;
  const i = input as Record<string, unknown>;
  if (typeof i.system === "string") return i.system;
  // Anthropic also accepts the system prompt as text blocks.
  if (Array.isArray(i.system)) {
    const text = i.system
      .map((b: unknown) => (b && typeof b === "object" && typeof (b as { text?: unknown }).text === "string" ? (b as { text: string }).text : ""))
      .filter(Boolean)
      .join("\n");
    if (text) return text;
  }
  if (typeof i.instructions === "string") return i.instructions;
  const messages = Array.isArray(i.messages) ? i.messages : Array.isArray(input) ? input : undefined;
  const first = messages?.[0] as Record<string, unknown> | undefined;
  if (first && (first.role === "system" || first.role === "developer") && typeof first.content === "string") return first.content;
  return undefined;
}
