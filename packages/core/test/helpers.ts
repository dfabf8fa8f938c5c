import { init, type TraciumOptions } from "../src/index.js";
import { MemoryExporter } from "../src/export/exporters/memory.js";
import type { SpanData, TraceData } from "../src/model/records.js";

/** Inits the global client with a memory exporter and returns it. */
export function setup(options: TraciumOptions = {}): MemoryExporter {
  const memory = new MemoryExporter();
  init({ logLevel: "silent", ...options, exporter: memory });
  return memory;
}

/** The ended spans of a trace, by name. */
export function spansByName(memory: MemoryExporter, traceId?: string): Map<string, SpanData> {
  return new Map(memory.spans(traceId).map((s) => [s.name, s]));
}

export function onlyTrace(memory: MemoryExporter): TraceData {
  const traces = memory.traces();
  if (traces.length !== 1) throw new Error(`expected one trace, got ${traces.length}`);
  return traces[0]!;
}

export const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A deterministic pseudo-random source (xorshift32), for generated test inputs. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}
