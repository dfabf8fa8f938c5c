/**
 * @tracium/groq: the Tracium plugin for `groq-sdk` (1.x).
 *
 * ```ts
 * import Groq from "groq-sdk";
 * import * as tracium from "@tracium/sdk";   // registers this plugin
 * tracium.init();
 * tracium.instrument(Groq);                   // or the module namespace, or a client instance
 * ```
 *
 * `groq-sdk` is generated like `openai` (APIPromise, Stream, the same bodies), so this plugin is
 * the OpenAI plugin's machinery with a description of Groq: its client shape, the two patched
 * methods, and where streamed usage arrives (`x_groq.usage` on the last chunk; the API takes no
 * `stream_options`).
 */
import { safeGet, type TraciumPlugin } from "@tracium/core";
import { createCompatiblePlugin, type ChunkUsage, type CompatibleDialect, type OpenAIPluginOptions } from "@tracium/openai";
import { GROQ_SHAPE, PATCHED_METHODS } from "./shape.js";

export { PATCHED_METHODS, isGroqClass, isGroqInstance } from "./shape.js";

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Streamed usage: `x_groq.usage` on the last chunk (a plain `usage` is taken too, should Groq send one). */
const groqChunkUsage: ChunkUsage = (chunk) => {
  try {
    return record(chunk.usage) ?? record(record(chunk.x_groq)?.usage);
  } catch {
    return undefined;
  }
};

/** Groq's dialect of the OpenAI API. */
export const GROQ_DIALECT: CompatibleDialect = { provider: "groq", streamOptions: false, chunkUsage: groqChunkUsage };

const groq = createCompatiblePlugin({
  name: "groq",
  modules: ["groq-sdk"],
  shape: GROQ_SHAPE,
  methods: PATCHED_METHODS,
  dialect: GROQ_DIALECT,
  testedVersions: { "groq-sdk": ">=1 <2" },
  looksLike: (cls) => typeof safeGet(cls, "GroqError") === "function",
});

/**
 * Patches the `groq-sdk` build `target` comes from (module namespace, CJS exports, the `Groq`
 * class or a client). Idempotent; never throws. True when `target` is a Groq SDK value.
 */
export function instrumentGroq(target: unknown): boolean {
  return groq.instrument(target, {} satisfies OpenAIPluginOptions);
}

/** Restores the original methods. True when something was unpatched. */
export function uninstrumentGroq(target: unknown): boolean {
  return groq.uninstrument(target);
}

/** Whether every method `target` reaches is patched. */
export function isGroqInstrumented(target: unknown): boolean {
  return groq.isInstrumented(target);
}

/** The plugin, registered by `@tracium/sdk` (by hand: `registerPlugin(groqPlugin)`). */
export const groqPlugin: TraciumPlugin = groq.plugin;
