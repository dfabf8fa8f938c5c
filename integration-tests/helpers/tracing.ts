/**
 * Tracing set-up shared by the integration tests: a global client that records into a
 * `MemoryExporter`, and small waiting helpers.
 */
import { init, MemoryExporter, type TraciumOptions } from "@tracium/core";

/** Inits the global Tracium client with a fresh memory exporter (logs silenced) and returns it. */
export function setupTracing(options: TraciumOptions = {}): MemoryExporter {
  const memory = new MemoryExporter();
  init({ logLevel: "silent", ...options, exporter: memory });
  return memory;
}

/** Resolves after `ms` milliseconds (0: next macrotask). */
export const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every few ms until it holds; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2000, what = "condition"): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await tick(2);
  }
}
