/**
 * Reading the Agents SDK's trace and span objects. They are the SDK's own classes (getters over
 * private fields); every read goes through `safeGet`, so a missing or throwing field reads as
 * undefined and nothing here throws.
 */
import { safeGet } from "@tracium/core";

/** An Agents SDK span, as far as the processor reads it. */
export interface AgentsSpanView {
  readonly spanId: string;
  readonly traceId: string;
  readonly parentId: string | undefined;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly startedAt: number | undefined;
  readonly error: { message: string; data: unknown } | undefined;
}

/** An Agents SDK trace, as far as the processor reads it. */
export interface AgentsTraceView {
  readonly traceId: string;
  readonly name: string | undefined;
  readonly groupId: string | undefined;
  readonly metadata: Record<string, unknown> | undefined;
}

/** The id the SDK gives the spans and traces it does not record. */
export const NOOP_ID = "no-op";

export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function time(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The span's fields, or undefined when `span` is not an Agents SDK span (or a no-op one). */
export function readSpan(span: unknown): AgentsSpanView | undefined {
  const spanId = text(safeGet(span, "spanId"));
  const traceId = text(safeGet(span, "traceId"));
  const data = record(safeGet(span, "spanData"));
  const type = text(safeGet(data, "type"));
  if (!spanId || !traceId || !data || !type || spanId === NOOP_ID || traceId === NOOP_ID) return undefined;
  const err = record(safeGet(span, "error"));
  const message = text(safeGet(err, "message"));
  return {
    spanId,
    traceId,
    parentId: text(safeGet(span, "parentId")),
    type,
    data,
    startedAt: time(safeGet(span, "startedAt")),
    error: err ? { message: message ?? "error", data: safeGet(err, "data") } : undefined,
  };
}

/** The trace's fields, or undefined when `trace` is not an Agents SDK trace (or a no-op one). */
export function readTrace(trace: unknown): AgentsTraceView | undefined {
  const traceId = text(safeGet(trace, "traceId"));
  if (!traceId || traceId === NOOP_ID) return undefined;
  return {
    traceId,
    name: text(safeGet(trace, "name")),
    groupId: text(safeGet(trace, "groupId")),
    metadata: record(safeGet(trace, "metadata")),
  };
}

/** A field of the span data. */
export function dataOf(span: AgentsSpanView, key: string): unknown {
  return safeGet(span.data, key);
}
