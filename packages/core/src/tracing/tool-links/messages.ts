/**
 * Reading tool calls and tool results out of what the provider plugins record: the calls a model
 * asked for (`span.setToolCalls`) and the results a later request carries (`span.recordInput`), in
 * each provider's message shape. Plain-data reads only (no getter, `toJSON` or Proxy trap runs),
 * bounded, never throws.
 */
import { dataArray, dataField, dataItem, dataItems, dataRecord, isProxy } from "../../util/plain-data.js";

/** Messages scanned from the end of a request for tool results. */
const MAX_SCANNED_MESSAGES = 512;
/** Characters of canonical arguments hashed into a key (longer arguments compare by their start). */
const MAX_ARGS_KEY = 4096;
const MAX_ID_CHARS = 256;

type Obj = Record<string, unknown>;

// Recorded values are the user's: read as plain data only (no getter, toJSON or Proxy trap runs).
function rec(value: unknown): Obj | undefined {
  return dataRecord(value);
}

/** An own or inherited data property of a (non-Proxy) object; undefined for an accessor. */
const get = dataField;

/** A non-empty string id, bounded; undefined for anything else. */
export function boundedId(value: unknown): string | undefined {
  return typeof value === "string" && value ? value.slice(0, MAX_ID_CHARS) : undefined;
}

/** Keys sorted, bounded: the same arguments give the same key whatever their key order. */
function stableJson(value: unknown, budget: { left: number }, depth: number): string {
  if (budget.left <= 0) return "";
  let out: string;
  if (value === null || typeof value !== "object") {
    out = typeof value === "string" ? JSON.stringify(value) : value === undefined ? "null" : String(value);
  } else if (depth > 16) {
    out = '"…"';
  } else if (isProxy(value)) {
    out = '"[Proxy]"';
  } else if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const v of dataItems(value)) {
      if (budget.left <= 0) break;
      parts.push(stableJson(v, budget, depth + 1));
    }
    out = `[${parts.join(",")}]`;
  } else {
    const parts: string[] = [];
    for (const k of Object.keys(value).slice(0, 1000).sort()) {
      if (budget.left <= 0) break;
      const v = get(value, k);
      if (v === undefined) continue;
      parts.push(`${JSON.stringify(k)}:${stableJson(v, budget, depth + 1)}`);
    }
    out = `{${parts.join(",")}}`;
  }
  budget.left -= out.length;
  return out;
}

/** cyrb53: a fast 53-bit string hash, so an entry keeps a short key whatever the arguments' size. */
function hash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * A canonical, bounded key for tool arguments: a JSON string is parsed first, so the model's
 * `arguments` string and the parsed object a tool receives give the same key.
 */
export function toolArgsKey(args: unknown): string | undefined {
  try {
    let v: unknown = args;
    if (typeof args === "string") {
      try {
        v = JSON.parse(args);
      } catch {
        return hash(args.slice(0, MAX_ARGS_KEY));
      }
    }
    if (v === undefined) return undefined;
    return hash(stableJson(v, { left: MAX_ARGS_KEY }, 0));
  } catch {
    return undefined;
  }
}

/** A recorded tool call, in any of the shapes the plugins record. */
export interface NormalizedToolCall {
  id: string;
  name: string | undefined;
  arguments: unknown;
}

/**
 * Reads tool calls in the shapes the integrations record: OpenAI `{ id, function: { name,
 * arguments } }`, Anthropic `{ id, name, input }`, LangChain `{ id, name, args }`, Responses items
 * `{ call_id, name, arguments }`. Calls without an id are skipped.
 */
export function normalizeToolCalls(calls: unknown): NormalizedToolCall[] {
  const out: NormalizedToolCall[] = [];
  for (const c of dataItems(calls)) {
    const call = rec(c);
    if (!call) continue;
    const id = boundedId(get(call, "id")) ?? boundedId(get(call, "call_id"));
    if (!id) continue;
    const fn = rec(get(call, "function"));
    const name = boundedId(get(fn, "name")) ?? boundedId(get(call, "name"));
    const input = get(call, "input");
    const callArgs = get(call, "args");
    const args = fn ? get(fn, "arguments") : input !== undefined ? input : callArgs !== undefined ? callArgs : get(call, "arguments");
    out.push({ id, name, arguments: args });
  }
  return out;
}

function messagesOf(input: unknown): unknown[] | undefined {
  let list: unknown = input;
  const r = rec(input);
  if (r) list = dataArray(get(r, "messages")) ?? dataArray(get(r, "input"));
  let messages = dataArray(list);
  // LangChain batches: [[messages…]]: read the first conversation.
  const first = messages && messages.length > 0 ? dataArray(dataItem(messages, 0)) : undefined;
  if (first) messages = first;
  return messages as unknown[] | undefined;
}

function isModelTurn(m: Obj): boolean {
  const role = get(m, "role");
  if (role === "assistant" || role === "ai" || role === "model") return true;
  const type = get(m, "type");
  if (type === "function_call" || type === "custom_tool_call" || type === "ai") return true;
  const calls = dataArray(get(m, "tool_calls"));
  return calls !== undefined && calls.length > 0;
}

/** A tool result in a request: the call id it answers, or only the tool name (Gemini without ids). */
export type ToolResultRef = string | { readonly name: string };

/** Gemini `{ functionResponse: { id?, name } }`: the call id, else the tool name. */
function functionResponseRef(part: unknown, into: ToolResultRef[]): void {
  const response = rec(get(part, "functionResponse"));
  if (!response) return;
  const id = boundedId(get(response, "id"));
  const name = boundedId(get(response, "name"));
  if (id) into.push(id);
  else if (name) into.push({ name });
}

/** Keys under which a message can carry a tool result, besides an array `content`. */
const RESULT_KEYS = ["tool_call_id", "toolCallId", "call_id", "parts", "functionResponse"] as const;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A plain object whose `content` is not an array and that has none of {@link RESULT_KEYS}, own or
 * on `Object.prototype`: it carries no tool result. Most messages of a conversation are such, and
 * this costs a few `hasOwnProperty` checks where reading each key costs a descriptor lookup.
 */
function isPlainTextMessage(m: Obj): boolean {
  if (Object.getPrototypeOf(m) !== Object.prototype) return false;
  for (const key of RESULT_KEYS) if (hasOwn.call(m, key) || hasOwn.call(Object.prototype, key)) return false;
  return !Array.isArray(get(m, "content"));
}

/**
 * Tool results carried by one message / item: OpenAI `role: "tool"` messages (`tool_call_id`),
 * Mistral's (`toolCallId`), Responses `function_call_output` items (`call_id`), Anthropic
 * `tool_result` blocks (`tool_use_id`), Bedrock Converse `toolResult` blocks (`toolUseId`), Gemini
 * `functionResponse` parts (`id`, else `name`).
 */
function resultIdsOf(m: Obj, into: ToolResultRef[]): void {
  if (isPlainTextMessage(m)) return;
  const role = get(m, "role");
  const type = get(m, "type");
  const direct = boundedId(get(m, "tool_call_id")) ?? boundedId(get(m, "toolCallId"));
  if (direct && (role === "tool" || type === "tool" || role === undefined || role === "function")) into.push(direct);
  if (type === "function_call_output" || type === "custom_tool_call_output") {
    const id = boundedId(get(m, "call_id"));
    if (id) into.push(id);
  }
  for (const b of dataItems(get(m, "content"))) {
    const block = rec(b);
    if (!block) continue;
    const blockType = get(block, "type");
    if (blockType === "tool_result" || blockType === "mcp_tool_result") {
      const id = boundedId(get(block, "tool_use_id"));
      if (id) into.push(id);
    }
    const bedrock = rec(get(block, "toolResult"));
    if (bedrock) {
      const id = boundedId(get(bedrock, "toolUseId"));
      if (id) into.push(id);
    }
  }
  // Gemini: a Content's parts, or a bare Part given as one item of `contents`.
  for (const part of dataItems(get(m, "parts"))) functionResponseRef(part, into);
  functionResponseRef(m, into);
}

/**
 * The tool results a model request carries: `{ recent, all }` call ids, in message order. `recent`
 * are those sent since the model's last turn (the trailing tool messages); `all` every one in the
 * last {@link MAX_SCANNED_MESSAGES} messages, or only the recent ones when `olderToo` is false (an
 * agent resends its whole conversation with every call: reading it all is only worth it while a
 * call still waits for its result). Accepts the span inputs the plugins record (`{ messages }`,
 * `{ system, messages }`, `{ instructions, input }`) and plain message arrays.
 */
export function toolResultIds(input: unknown, olderToo = true): { recent: ToolResultRef[]; all: ToolResultRef[] } {
  const recent: ToolResultRef[] = [];
  const all: ToolResultRef[] = [];
  try {
    const messages = messagesOf(input);
    if (!messages) return { recent, all };
    const start = Math.max(0, messages.length - MAX_SCANNED_MESSAGES);
    let trailing = true;
    const perMessage: ToolResultRef[][] = [];
    for (let i = messages.length - 1; i >= start; i--) {
      if (!trailing && !olderToo) break;
      const m = rec(dataItem(messages, i));
      if (!m) continue;
      const ids: ToolResultRef[] = [];
      resultIdsOf(m, ids);
      if (trailing && isModelTurn(m)) trailing = false;
      if (ids.length === 0) continue;
      perMessage.push(ids);
      if (trailing) recent.unshift(...ids);
    }
    for (let i = perMessage.length - 1; i >= 0; i--) all.push(...perMessage[i]!);
  } catch {
    // an exotic input: no links
  }
  return { recent, all };
}
