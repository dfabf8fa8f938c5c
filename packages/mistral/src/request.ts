/**
 * Request → span: what a `chat.complete` / `chat.stream` / `embeddings.create` call asked for.
 * The SDK takes camelCase requests (`maxTokens`, `toolChoice`); parameters are recorded under their
 * wire names (`max_tokens`, `tool_choice`), like the other providers'. Never mutates, never throws.
 */
import { asRecord, field } from "./read.js";

/** The `model` the request names, if it is a non-empty string. */
export function requestModel(request: unknown): string | undefined {
  const model = field(request, "model");
  return typeof model === "string" && model ? model : undefined;
}

/** Recorded parameters: SDK name → wire name. Add a line to record one more. */
export const RECORDED_REQUEST_PARAMS: Readonly<Record<string, string>> = {
  temperature: "temperature",
  topP: "top_p",
  maxTokens: "max_tokens",
  randomSeed: "random_seed",
  n: "n",
  presencePenalty: "presence_penalty",
  frequencyPenalty: "frequency_penalty",
  toolChoice: "tool_choice",
  parallelToolCalls: "parallel_tool_calls",
  responseFormat: "response_format",
  reasoningEffort: "reasoning_effort",
  promptMode: "prompt_mode",
  safePrompt: "safe_prompt",
  serviceTier: "service_tier",
  outputDimension: "output_dimension",
  outputDtype: "output_dtype",
  encodingFormat: "encoding_format",
  stop: "stop",
};

/** Parameters that may hold prompt text: recorded only when content capture is on. */
const CONTENT_PARAMS: ReadonlySet<string> = new Set(["stop"]);

/** A response format is recorded as its type (and schema name), never the schema itself. */
function reduceFormat(format: unknown): unknown {
  const f = asRecord(format);
  if (!f) return format;
  const out: Record<string, unknown> = { type: field(f, "type") };
  const name = field(field(f, "jsonSchema"), "name");
  if (typeof name === "string") out.name = name;
  return out;
}

/** The recorded parameters that are set, under their wire names; undefined when none are. */
export function requestParams(request: unknown, captureContent: boolean): Record<string, unknown> | undefined {
  if (!asRecord(request)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, wire] of Object.entries(RECORDED_REQUEST_PARAMS)) {
    if (!captureContent && CONTENT_PARAMS.has(key)) continue;
    const value = field(request, key);
    if (value === undefined || value === null) continue;
    out[wire] = key === "responseFormat" ? reduceFormat(value) : value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The span input: chat `{ messages }`, embeddings `{ input }` (the SDK's `inputs`). */
export function requestInput(request: unknown, operation: "chat" | "embeddings"): Record<string, unknown> | undefined {
  if (operation === "embeddings") {
    const input = field(request, "inputs") ?? field(request, "input");
    return input !== undefined && input !== null ? { input } : undefined;
  }
  const messages = field(request, "messages");
  return messages !== undefined && messages !== null ? { messages } : undefined;
}

/** The tools offered to the model, when it is a non-empty array. */
export function requestTools(request: unknown): unknown[] | undefined {
  const tools = field(request, "tools");
  return Array.isArray(tools) && tools.length > 0 ? tools : undefined;
}
