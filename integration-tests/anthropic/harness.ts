/**
 * Shared set-up for the Anthropic integration tests: a Tracium client writing to a MemoryExporter,
 * the plugin registered, both SDK majors (ESM builds) instrumented, nock guarding the network.
 */
import nock from "nock";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { init, instrument, MemoryExporter, registerPlugin, type SpanData, type TraceData } from "@tracium/core";
import { anthropicPlugin } from "@tracium/anthropic";
import { VERSIONS } from "./fixtures.js";

export const exporter = new MemoryExporter();

/** Installs the hooks; `options` go to `init()` (e.g. `captureContent: false`). */
export function useTracium(options: Record<string, unknown> = {}): void {
  beforeAll(() => {
    nock.disableNetConnect();
    init({ exporter, ...options });
    registerPlugin(anthropicPlugin);
    for (const v of VERSIONS) expect(instrument(v.Anthropic)).toBe(true);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    exporter.reset();
    expect(pending).toEqual([]);
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
}

/** Ended `llm` spans (of one trace when given). */
export function llmSpans(traceId?: string): SpanData[] {
  return exporter.spans(traceId).filter((s) => s.spanType === "llm");
}

/** The one ended llm span; fails when there is not exactly one. */
export function onlyLlmSpan(traceId?: string): SpanData {
  const spans = llmSpans(traceId);
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

export function endedTrace(traceId: string): TraceData | undefined {
  return exporter.traces().find((t) => t.id === traceId);
}

/** Lets pending microtasks and immediates (span ends after an abort) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}
