/** Well-known span types; any other string is accepted too. */
export type SpanType = "llm" | "tool" | "retrieval" | "plan" | "action" | "agent" | "chain" | "embedding" | "custom" | (string & {});

/** Options for a new span. */
export interface SpanOptions {
  /** Kind of step. Default "custom". */
  spanType?: SpanType;
  /** Display name. Default: the span type. */
  name?: string;
  input?: unknown;
  metadata?: Record<string, unknown>;
  tags?: string[];
  modelId?: string;
  /** Use this id instead of a new UUID. */
  spanId?: string;
  /** Parent span id, overriding the active span (e.g. a span from another process). */
  parentSpanId?: string;
  /** Start time (Date or epoch ms) for a step that began before the span was created. */
  startedAt?: Date | number;
}

/** The keys of {@link SpanOptions}, for reading options as plain data. */
export const SPAN_OPTION_KEYS: ReadonlyArray<keyof SpanOptions> = ["spanType", "name", "input", "metadata", "tags", "modelId", "spanId", "parentSpanId", "startedAt"];
