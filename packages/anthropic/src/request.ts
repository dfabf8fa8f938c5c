/**
 * Request → span: what a Messages API call asked for. Every function here takes the raw
 * `params` argument the user passed to `create()` (which may be anything at all), reads it as plain
 * data only (`plainRecord`: no getter, `toJSON` or Proxy trap of the user's runs) and never throws.
 */

import { plainRecord } from "@tracium/core";

/**
 * A plain object view of `value`, or undefined when it is not an object. For the SDK's own parsed
 * stream events; what the user passed is read through `plainRecord` (no getter or Proxy trap runs).
 */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Request parameters recorded under the span's `request_params` metadata key. Declarative: add a
 * parameter here and it is recorded. Content (`messages`, `system`, `tools`) is recorded elsewhere.
 */
export const RECORDED_REQUEST_PARAMS: readonly string[] = [
  "max_tokens",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "tool_choice",
  "thinking",
  "service_tier",
  "speed",
  "inference_geo",
  "output_config",
  "cache_control",
  "betas",
];

/** The `model` the request names, if it is a string. */
export function requestModel(params: unknown): string | undefined {
  const model = plainRecord(params)?.model;
  return typeof model === "string" && model ? model : undefined;
}

/** Whether the call asked for a server-sent-event stream (`stream: true`). */
export function isStreamRequest(params: unknown): boolean {
  return plainRecord(params)?.stream === true;
}

/** The recorded request parameters that are set (not undefined/null), or undefined when none are. */
export function requestParams(params: unknown): Record<string, unknown> | undefined {
  const p = plainRecord(params);
  if (!p) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of RECORDED_REQUEST_PARAMS) {
    const value = p[key];
    if (value !== undefined && value !== null) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The span input: `{ system?, messages }`. Undefined when the params carry neither. */
export function requestInput(params: unknown): { system?: unknown; messages: unknown } | undefined {
  const p = plainRecord(params);
  if (!p) return undefined;
  const hasSystem = p.system !== undefined && p.system !== null;
  if (!hasSystem && p.messages === undefined) return undefined;
  return hasSystem ? { system: p.system, messages: p.messages } : { messages: p.messages };
}

/** The tools offered to the model (`params.tools`), when it is a non-empty array. */
export function requestTools(params: unknown): unknown[] | undefined {
  const tools = plainRecord(params)?.tools;
  return Array.isArray(tools) && tools.length > 0 ? tools : undefined;
}
