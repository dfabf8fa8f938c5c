/**
 * Request → span: what a `generateContent` / `embedContent` call asked for. Every function takes
 * the raw parameters object the SDK hands to its `*Internal` method (which may be anything at all),
 * reads only plain data, and never throws.
 */
import { dataArray, dataField, dataRecord } from "@tracium/core";

/** A plain object view of `value`, or undefined when it is not a (non-array, non-Proxy) object. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return dataRecord(value);
}

/** Whether `value` is a real array (false for a Proxy, revoked or not). */
export function isList(value: unknown): value is unknown[] {
  return dataArray(value) !== undefined;
}

/** The data property `key` of `obj` (own or inherited): no getter or Proxy trap runs, nothing throws. */
export function field(obj: unknown, key: string): unknown {
  return dataField(obj, key);
}

/**
 * `config` keys recorded under the span's `request_params` metadata. Declarative: add a key here
 * and it is recorded. Content (`contents`, `systemInstruction`, `tools`) is recorded elsewhere.
 */
export const RECORDED_REQUEST_PARAMS: readonly string[] = [
  "temperature",
  "topP",
  "topK",
  "candidateCount",
  "maxOutputTokens",
  "stopSequences",
  "presencePenalty",
  "frequencyPenalty",
  "seed",
  "responseMimeType",
  "responseModalities",
  "thinkingConfig",
  "toolConfig",
  "safetySettings",
  "cachedContent",
  "mediaResolution",
  "serviceTier",
  "taskType",
  "outputDimensionality",
];

/** `config` keys that hold text a user may consider content: dropped when `captureContent` is off. */
export const CONTENT_PARAMS: readonly string[] = ["stopSequences"];

/** The model the request names, without the Gemini API's `models/` prefix. */
export function requestModel(params: unknown): string | undefined {
  const model = field(params, "model");
  if (typeof model !== "string" || !model) return undefined;
  return model.startsWith("models/") ? model.slice("models/".length) || model : model;
}

/** The recorded `config` parameters that are set (not undefined/null), or undefined when none are. */
export function requestParams(params: unknown): Record<string, unknown> | undefined {
  const config = asRecord(field(params, "config"));
  if (!config) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of RECORDED_REQUEST_PARAMS) {
    const value = field(config, key);
    if (value !== undefined && value !== null) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The text of a `Part`, a `Part[]`, a `Content` or a string; undefined when there is none. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  const parts = isList(value) ? value : field(value, "parts");
  if (isList(parts)) {
    const texts: string[] = [];
    for (const part of parts.slice(0, 1000)) {
      const t = typeof part === "string" ? part : field(part, "text");
      if (typeof t === "string") texts.push(t);
    }
    return texts.length > 0 ? texts.join("\n") : undefined;
  }
  const text = field(value, "text");
  return typeof text === "string" ? text : undefined;
}

/**
 * The span input: `{ system?, messages }`, where `messages` are the request's `contents` as given
 * (Gemini `Content` objects, with `role` "user"/"model", or the shorthand forms the SDK accepts)
 * and `system` is the system instruction's text. Undefined when there are no contents.
 */
export function requestInput(params: unknown): { system?: string; messages: unknown } | undefined {
  const contents = field(params, "contents");
  if (contents === undefined || contents === null) return undefined;
  const system = textOf(field(field(params, "config"), "systemInstruction"));
  const messages = isList(contents) ? contents : [contents];
  return system !== undefined ? { system, messages } : { messages };
}

/**
 * The tools offered to the model: each function declaration as `{ type: "function", name,
 * description, parameters }`, and each other tool kind (`googleSearch`, `codeExecution`, …) as
 * `{ type: <kind> }`. Callable tools (MCP clients, user objects) are never read: only plain
 * declarations are. Undefined when there are none.
 */
export function requestTools(params: unknown): Record<string, unknown>[] | undefined {
  const tools = field(field(params, "config"), "tools");
  if (!isList(tools)) return undefined;
  const out: Record<string, unknown>[] = [];
  try {
    collectTools(tools, out);
  } catch {
    // an exotic tool list: keep what was read
  }
  return out.length > 0 ? out : undefined;
}

function collectTools(tools: unknown[], out: Record<string, unknown>[]): void {
  for (const tool of tools.slice(0, 1000)) {
    const t = asRecord(tool);
    if (!t) continue;
    if (typeof field(t, "callTool") === "function") {
      out.push({ type: "callable" });
      continue;
    }
    for (const key of Object.keys(t)) {
      if (key === "functionDeclarations") {
        const decls = field(t, key);
        if (!isList(decls)) continue;
        for (const d of decls.slice(0, 1000)) {
          const decl = asRecord(d);
          if (!decl) continue;
          const entry: Record<string, unknown> = { type: "function", name: field(decl, "name") };
          const description = field(decl, "description");
          if (description !== undefined) entry.description = description;
          const parameters = field(decl, "parametersJsonSchema") ?? field(decl, "parameters");
          if (parameters !== undefined) entry.parameters = parameters;
          out.push(entry);
        }
      } else if (field(t, key) !== undefined) {
        out.push({ type: key });
      }
    }
  }
}

/** The request's `config.abortSignal`, when it looks like an AbortSignal. */
export function requestSignal(params: unknown): AbortSignal | undefined {
  const signal = field(field(params, "config"), "abortSignal");
  return signal !== null && typeof signal === "object" && typeof field(signal, "addEventListener") === "function" ? (signal as AbortSignal) : undefined;
}
