/**
 * Request → span: what a call asked for. Every function takes the raw `body` argument the user
 * passed to `create()` (which may be anything at all), never mutates it, and never throws.
 */
import { dataField, dataRecord } from "@tracium/core";
import type { OpenAIOperation } from "./targets.js";

/** A plain-object view of `value`, or undefined when it is not a (non-array, non-Proxy) object. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return dataRecord(value);
}

/**
 * `obj[key]` when it is plain data: a getter is not called and a Proxy is not entered (both give
 * undefined), so reading the user's body or a parsed response runs none of their code.
 */
export function field(obj: unknown, key: string): unknown {
  return dataRecord(obj) ? dataField(obj, key) : undefined;
}

/** The `model` the request names, if it is a non-empty string. */
export function requestModel(body: unknown): string | undefined {
  const model = field(body, "model");
  return typeof model === "string" && model ? model : undefined;
}

/** Whether the call asked for a server-sent-event stream (`stream: true`). */
export function isStreamRequest(body: unknown): boolean {
  return field(body, "stream") === true;
}

/**
 * Request parameters recorded under `request_params`. Declarative: add a name and it is recorded.
 * Values that can hold prompt text are handled in `CONTENT_PARAMS`; shapes are reduced in `reduce`.
 */
export const RECORDED_REQUEST_PARAMS: readonly string[] = [
  "temperature",
  "top_p",
  "max_tokens",
  "max_completion_tokens",
  "max_output_tokens",
  "frequency_penalty",
  "presence_penalty",
  "seed",
  "n",
  "best_of",
  "logprobs",
  "top_logprobs",
  "tool_choice",
  "parallel_tool_calls",
  "max_tool_calls",
  "response_format",
  "text",
  "reasoning_effort",
  "reasoning",
  "verbosity",
  "service_tier",
  "store",
  "background",
  "truncation",
  "modalities",
  "previous_response_id",
  "dimensions",
  "encoding_format",
  "stop",
];

const PARAM_INDEX: ReadonlyMap<string, number> = new Map(RECORDED_REQUEST_PARAMS.map((key, i) => [key, i]));

/** Parameters whose values may contain prompt text: recorded only when content capture is on. */
const CONTENT_PARAMS: ReadonlySet<string> = new Set(["stop"]);

function reduceFormat(format: unknown): unknown {
  const f = asRecord(format);
  if (!f) return format;
  const out: Record<string, unknown> = { type: field(f, "type") };
  const schema = field(f, "json_schema");
  const fName = field(f, "name");
  const schemaName = field(schema, "name");
  const name = typeof fName === "string" ? fName : typeof schemaName === "string" ? schemaName : undefined;
  if (name !== undefined) out.name = name;
  return out;
}

/** Keeps only the descriptive part of structured parameters (a JSON schema is not a parameter). */
function reduce(key: string, value: unknown): unknown {
  if (key === "response_format") return reduceFormat(value);
  if (key === "text") {
    const t = asRecord(value);
    if (!t) return undefined;
    const out: Record<string, unknown> = {};
    const format = field(t, "format");
    const verbosity = field(t, "verbosity");
    if (format !== undefined) out.format = reduceFormat(format);
    if (verbosity !== undefined) out.verbosity = verbosity;
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (key === "tool_choice") {
    const c = asRecord(value);
    if (!c) return value;
    const fnName = field(field(c, "function"), "name");
    const cName = field(c, "name");
    const name = typeof fnName === "string" ? fnName : typeof cName === "string" ? cName : undefined;
    return name !== undefined ? { type: field(c, "type"), name } : { type: field(c, "type") };
  }
  if (key === "reasoning") {
    const r = asRecord(value);
    return r ? { effort: field(r, "effort"), summary: field(r, "summary") } : undefined;
  }
  return value;
}

/**
 * The recorded parameters that are set (not undefined/null) as own enumerable properties of the
 * body (what the SDK sends), or undefined when none are. With
 * `captureContent` off, parameters that may hold prompt text (`stop`) are left out.
 */
export function requestParams(body: unknown, captureContent: boolean): Record<string, unknown> | undefined {
  const b = asRecord(body);
  if (!b) return undefined;
  // The body's own enumerable keys (what the SDK serialises) against the list, not the list's 29
  // names probed one by one up the prototype chain: a body has a handful of keys.
  const found: number[] = [];
  for (const key of Object.keys(b)) {
    const index = PARAM_INDEX.get(key);
    if (index === undefined || (!captureContent && CONTENT_PARAMS.has(key))) continue;
    // Kept in the list's order, whatever the body's (an insertion: a few entries, cheaper than sort()).
    let at = found.length;
    while (at > 0 && found[at - 1]! > index) at--;
    found.splice(at, 0, index);
  }
  if (found.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  let any = false;
  for (const index of found) {
    const key = RECORDED_REQUEST_PARAMS[index]!;
    const raw = dataField(b, key);
    if (raw === undefined || raw === null) continue;
    const value = reduce(key, raw);
    if (value !== undefined && value !== null) {
      out[key] = value;
      any = true;
    }
  }
  return any ? out : undefined;
}

/**
 * The span input: chat `{ messages }`; Responses `{ instructions?, input }`; embeddings
 * `{ input }`; legacy completions `{ prompt }`. Undefined when the body has none of them.
 */
export function requestInput(body: unknown, operation: OpenAIOperation): Record<string, unknown> | undefined {
  const b = asRecord(body);
  if (!b) return undefined;
  const pick = (...keys: string[]): Record<string, unknown> | undefined => {
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const v = field(b, key);
      if (v !== undefined && v !== null) out[key] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  switch (operation) {
    case "chat":
      return pick("messages");
    case "responses":
      return pick("instructions", "input");
    case "embeddings":
      return pick("input");
    case "completions":
      return pick("prompt");
    default:
      return undefined;
  }
}

/** The tools offered to the model (`body.tools`), when it is a non-empty array. */
export function requestTools(body: unknown): unknown[] | undefined {
  const tools = field(body, "tools");
  return Array.isArray(tools) && tools.length > 0 ? tools : undefined;
}
