/** Record builders for the exporter and delivery tests. */
import { randomUUID } from "node:crypto";
import { logger } from "../../src/util/logger.js";
import type { ExportRecord, SpanData, TraceData } from "../../src/model/records.js";

/** 2026-03-01T12:00:00.000Z */
export const T0 = Date.UTC(2026, 2, 1, 12, 0, 0, 0);

export function makeTrace(over: Partial<TraceData> = {}): TraceData {
  return {
    id: randomUUID(),
    agentName: "support-bot",
    modelId: undefined,
    version: undefined,
    workspaceId: undefined,
    tags: [],
    metadata: {},
    status: "in_progress",
    startedAt: T0,
    endedAt: undefined,
    error: undefined,
    summary: {},
    systemPrompt: undefined,
    ...over,
  };
}

export function makeSpan(trace: TraceData, over: Partial<SpanData> = {}): SpanData {
  return {
    id: randomUUID(),
    traceId: trace.id,
    parentSpanId: undefined,
    spanType: "tool",
    name: "step",
    status: "in_progress",
    startedAt: T0 + 10,
    endedAt: undefined,
    latencyMs: undefined,
    depth: 0,
    modelId: undefined,
    input: undefined,
    output: undefined,
    tools: undefined,
    toolCalls: undefined,
    error: undefined,
    usage: {},
    metadata: {},
    tags: [],
    ...over,
  };
}

/** Ends a span in place (as the engine does with the live object) and returns it. */
export function endSpan(span: SpanData, at: number, over: Partial<SpanData> = {}): SpanData {
  Object.assign(span, { status: "completed", endedAt: at, latencyMs: at - span.startedAt, ...over });
  return span;
}

/** Ends a trace in place and returns it. */
export function endTrace(trace: TraceData, at: number, over: Partial<TraceData> = {}): TraceData {
  Object.assign(trace, { status: "completed", endedAt: at, ...over });
  return trace;
}

/** The records of a finished trace with finished spans: start, (span_start, span_end)*, end. */
export function finishedTraceRecords(trace: TraceData, spans: SpanData[]): ExportRecord[] {
  const records: ExportRecord[] = [{ kind: "trace_start", trace }];
  for (const span of spans) records.push({ kind: "span_start", trace, span });
  for (const span of spans) {
    if (span.endedAt === undefined) endSpan(span, span.startedAt + 5);
    records.push({ kind: "span_end", trace, span });
  }
  if (trace.endedAt === undefined) endTrace(trace, T0 + 1000);
  records.push({ kind: "trace_end", trace });
  return records;
}

/** The API key used by the tests; it must never show up in a log line. */
export const API_KEY = "tk_test_SECRET_7f3a9c2e5b1d";

/** Captures every log line at debug level; `restore()` puts the logger back. */
export function captureLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  logger.setSink((_level, line) => lines.push(line));
  logger.setLevel("debug");
  logger.resetOnce();
  return {
    lines,
    restore: () => {
      logger.setSink(undefined);
      logger.setLevel("warn");
      logger.resetOnce();
    },
  };
}

/** Lines that leak the key, or show that something tried to log it (the logger masks it as ***). */
export function keyLeaks(lines: readonly string[]): string[] {
  return lines.filter((l) => l.includes(API_KEY) || l.includes("***") || l.includes("SECRET"));
}
