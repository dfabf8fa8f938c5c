/**
 * Request → span for `chat`, `generate` and `embed` (Ollama's own snake_case API). Never mutates
 * the request (the SDK itself sets `stream: false` on it later), never throws.
 */
import { asRecord, field } from "./read.js";
import type { OllamaOperation } from "./targets.js";

/** The `model` the request names, if it is a non-empty string. */
export function requestModel(request: unknown): string | undefined {
  const model = field(request, "model");
  return typeof model === "string" && model ? model : undefined;
}

/** Whether the call asked for a stream (`stream: true`). */
export function isStreamRequest(request: unknown): boolean {
  return field(request, "stream") === true;
}

/** Top-level parameters recorded under `request_params` (besides `options`). */
const TOP_PARAMS = ["format", "think", "keep_alive", "truncate", "dimensions", "raw"] as const;

/** Model `options` keys that may hold prompt text: recorded only when content capture is on. */
const CONTENT_OPTIONS: ReadonlySet<string> = new Set(["stop"]);

/**
 * The recorded parameters: the model `options` (temperature, top_p, num_predict, num_ctx, seed…)
 * flattened, and `format` (its type only when it is a JSON schema), `think`, `keep_alive`.
 */
export function requestParams(request: unknown, captureContent: boolean): Record<string, unknown> | undefined {
  if (!asRecord(request)) return undefined;
  const out: Record<string, unknown> = {};
  const options = asRecord(field(request, "options"));
  if (options) {
    for (const key of Object.keys(options).slice(0, 64)) {
      if (!captureContent && CONTENT_OPTIONS.has(key)) continue;
      const value = field(options, key);
      if (value !== undefined && value !== null && typeof value !== "object") out[key] = value;
      else if (Array.isArray(value) && captureContent) out[key] = value;
    }
  }
  for (const key of TOP_PARAMS) {
    const value = field(request, key);
    if (value === undefined || value === null) continue;
    out[key] = key === "format" && asRecord(value) ? "json_schema" : value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The span input: chat `{ messages }`; generate `{ system?, prompt, suffix? }`; embed `{ input }`. */
export function requestInput(request: unknown, operation: OllamaOperation): Record<string, unknown> | undefined {
  const keys = operation === "chat" ? ["messages"] : operation === "generate" ? ["system", "prompt", "suffix"] : ["input", "prompt"];
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = field(request, key);
    if (v !== undefined && v !== null) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The tools offered to the model, when it is a non-empty array. */
export function requestTools(request: unknown): unknown[] | undefined {
  const tools = field(request, "tools");
  return Array.isArray(tools) && tools.length > 0 ? tools : undefined;
}
