/**
 * What each tracing object needs from the one that owns it, as interfaces: a span from its trace,
 * a trace from its client. `Trace` and `TraciumClient` implement them, so `span.ts` does not import
 * `trace.ts` and `trace.ts` does not import `client.ts`: the classes import only downward.
 */
import type { ResolvedConfig } from "../config/config.js";
import type { Status } from "../model/records.js";
import type { SpanEvents } from "./span-events.js";
import type { SpanOptions } from "./span-options.js";

/** The trace a span belongs to, as the span sees it (`S` is the span class). */
export interface SpanOwner<S> {
  readonly id: string;
  readonly agentName: string;
  readonly tags: string[];
  readonly status: Status;
  readonly summary: Record<string, unknown>;
  readonly isEnded: boolean;
  addTags(tags: string[]): void;
  setSummary(summary: Record<string, unknown>): void;
  setMetadata(metadata: Record<string, unknown>): void;
  setModelId(modelId: string): void;
  markFailed(reason: unknown): void;
  /** @internal Whether records are exported (sampled in, tracing enabled). */
  readonly recording: boolean;
  /** @internal */
  readonly capturesContent: boolean;
  /** @internal */
  readonly secrets: readonly string[];
  /** @internal */
  readonly remoteParentSpanId: string | undefined;
  /** @internal */
  readonly remoteDepth: number;
  /** @internal */
  clean(value: unknown): unknown;
  /** @internal */
  cleanRecord(value: unknown, what: string): Record<string, unknown>;
  /** @internal */
  cleanText(text: string): string;
  /** @internal */
  maskText<T extends string | undefined>(text: T): T;
  /** @internal */
  openSpan(parent: S | undefined, options: SpanOptions): S;
  /** @internal */
  runSpan<R>(parent: S | undefined, options: SpanOptions, fn: (span: S) => R): R;
  /** @internal */
  onSpanEnd(span: S): void;
  /** @internal The span events a span emits itself (what it records); see `span-events.ts`. */
  readonly events: Pick<SpanEvents<S, unknown>, "inputRecorded" | "outputRecorded" | "toolCallsRecorded" | "metadataRecorded">;
}

/** @internal The client a trace belongs to, as the trace sees it (`T`, `S`: the trace and span classes). */
export interface TraceHost<T, S> {
  readonly config: ResolvedConfig;
  readonly secrets: readonly string[];
  shouldRecord(): boolean;
  clean(value: unknown): unknown;
  cleanRecord(value: unknown, what: string): Record<string, unknown>;
  maskText<U extends string | undefined>(text: U): U;
  defaultMetadata(): Record<string, unknown>;
  defaultTags(): string[];
  /** The span lifecycle events of this client's recorded traces. */
  readonly events: SpanEvents<S, T>;
  onTraceEnd(trace: T): void;
}
