/**
 * Shared set-up for the LangChain integration tests: a Tracium client writing to a MemoryExporter
 * (reset after each test), and span-tree helpers that read the tree the way a user would see it.
 */
import { afterEach, beforeAll, expect } from "vitest";
import { init, MemoryExporter, type SpanData, type TraceData, type TraciumOptions } from "@tracium/core";

export const memory = new MemoryExporter();

/** Inits the global client (logs silenced) once for the file, and resets the exporter after each test. */
export function useTracium(options: TraciumOptions = {}): void {
  beforeAll(() => {
    init({ logLevel: "silent", ...options, exporter: memory });
  });
  afterEach(() => {
    memory.reset();
  });
}

/** Spans (final data) in the order they started, of one trace when given. */
export function spansInStartOrder(traceId?: string): SpanData[] {
  const out: SpanData[] = [];
  for (const r of memory.records) {
    if (r.kind === "span_start" && (traceId === undefined || r.span.traceId === traceId)) out.push(r.span);
  }
  return out;
}

/**
 * The span tree of a trace, one line per span, children indented under their parent, in start
 * order: `chain:RunnableSequence`, `  llm:FakeListChatModel`, with ` [failed]` for failed spans.
 */
export function tree(traceId: string): string[] {
  const spans = spansInStartOrder(traceId);
  const ids = new Set(spans.map((s) => s.id));
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number): void => {
    for (const s of spans) {
      const p = s.parentSpanId !== undefined && ids.has(s.parentSpanId) ? s.parentSpanId : undefined;
      if (p !== parent) continue;
      lines.push(`${"  ".repeat(depth)}${s.spanType}:${s.name}${s.status === "failed" ? " [failed]" : ""}`);
      walk(s.id, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
}

/** The traces that ended. */
export function traces(): TraceData[] {
  return memory.traces();
}

/** The one trace that ended; fails when there is not exactly one. */
export function onlyTrace(): TraceData {
  const all = memory.traces();
  expect(all.map((t) => t.agentName)).toHaveLength(1);
  return all[0]!;
}

/** The ended spans of a trace with this type (and name, when given). */
export function spansOf(traceId: string, spanType: string, name?: string): SpanData[] {
  return memory.spans(traceId).filter((s) => s.spanType === spanType && (name === undefined || s.name === name));
}

/** The one ended span with this type (and name); fails when there is not exactly one. */
export function onlySpan(traceId: string, spanType: string, name?: string): SpanData {
  const found = spansOf(traceId, spanType, name);
  expect(found.map((s) => s.name), `${spanType} spans named ${name ?? "*"}`).toHaveLength(1);
  return found[0]!;
}

/** True when `value`'s JSON holds a LangChain constructor dump (`{"lc":1,"type":"constructor",…}`). */
export function hasLangChainDump(value: unknown): boolean {
  return /"lc":1|"type":"constructor"|"lc_kwargs"|"lc_namespace"/.test(JSON.stringify(value) ?? "");
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
