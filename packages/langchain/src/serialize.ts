/**
 * LangChain values → readable span values. LangChain hands callbacks class instances (messages,
 * documents, prompt values, `Command`s) whose JSON form is a constructor dump
 * (`{lc, type, id, kwargs}`); spans get `{role, content, tool_calls?, tool_call_id?, name?}` for a
 * message, `{page_content, metadata}` for a document, and plain data for the rest. Every function
 * takes `unknown`, tolerates any shape and never throws (the callers guard anyway).
 */

import { dataField, dataItems, dataRecord, isProxy, plainRecord } from "@tracium/core";

const MAX_DEPTH = 12;
const MAX_ITEMS = 500;
const GETTER = "[getter]";

/**
 * A copy of the plain data of `value` (own data properties; getters left out, a Proxy not
 * entered), or undefined when it is not an object: what LangChain and the user hand to callbacks
 * is read without running any of their code.
 */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return plainRecord(value);
}

/** A message as recorded on a span. */
export interface PlainMessage {
  role: string;
  content: unknown;
  tool_calls?: PlainToolCall[];
  tool_call_id?: string;
  name?: string;
}

/** A tool call as recorded on a span (LangChain's own shape). */
export interface PlainToolCall {
  id?: string;
  type: "tool_call";
  name: string;
  args: unknown;
}

const ROLES: Record<string, string> = {
  human: "user",
  user: "user",
  ai: "assistant",
  assistant: "assistant",
  system: "system",
  developer: "developer",
  tool: "tool",
  function: "function",
  remove: "remove",
};

function messageType(value: Record<string, unknown>): string | undefined {
  for (const method of ["getType", "_getType"] as const) {
    // LangChain's own method, found as plain data on the class (a getter would not be called).
    const fn = dataField(value, method);
    if (typeof fn === "function") {
      try {
        const t: unknown = fn.call(value);
        if (typeof t === "string") return t;
      } catch {
        // try the next way
      }
    }
  }
  const type = dataField(value, "type");
  return typeof type === "string" ? type : undefined;
}

/** True for a LangChain message instance (`HumanMessage`, `AIMessageChunk`, …). */
export function isLangChainMessage(value: unknown): boolean {
  const v = dataRecord(value);
  if (!v || dataField(v, "content") === undefined) return false;
  if (typeof dataField(v, "_getType") === "function" || typeof dataField(v, "getType") === "function") return true;
  return dataItems(dataField(v, "lc_namespace")).includes("messages");
}

/** The tool calls of an AI message, or undefined when it has none. */
export function toolCallsOf(message: unknown): PlainToolCall[] | undefined {
  const record = plainRecord(message);
  const calls = dataItems(record?.tool_calls);
  if (calls.length === 0) return toolCallsOfChunks(record?.tool_call_chunks);
  const out: PlainToolCall[] = [];
  for (const c of calls) {
    const call = plainRecord(c);
    if (!call) continue;
    out.push({
      ...(typeof call.id === "string" ? { id: call.id } : {}),
      type: "tool_call",
      name: typeof call.name === "string" ? call.name : String(call.name),
      args: call.args,
    });
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The tool calls of a streamed message (an `AIMessageChunk` made from chunks), from its
 * `tool_call_chunks` data. Its `tool_calls` is then a lazy getter (LangChain 1.x), which is not
 * called: the chunks, merged per call by the time the stream ends, hold each call's name, id and
 * arguments as JSON text.
 */
function toolCallsOfChunks(value: unknown): PlainToolCall[] | undefined {
  const out: PlainToolCall[] = [];
  for (const c of dataItems(value)) {
    const chunk = plainRecord(c);
    if (!chunk || typeof chunk.name !== "string" || !chunk.name) continue;
    out.push({ ...(typeof chunk.id === "string" ? { id: chunk.id } : {}), type: "tool_call", name: chunk.name, args: parseArgs(chunk.args) });
  }
  return out.length > 0 ? out : undefined;
}

/** Arguments given as JSON text, parsed; left as they are when they are not JSON (a cut stream). */
function parseArgs(args: unknown): unknown {
  if (typeof args !== "string") return args;
  if (args.trim() === "") return {};
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

/** A LangChain message (instance or plain `{role|type, content}` object) as `{role, content, …}`. */
export function toPlainMessage(value: unknown): PlainMessage | undefined {
  const v = plainRecord(value);
  if (!v) return undefined;
  const type = isLangChainMessage(value) ? messageType(value as Record<string, unknown>) : typeof v.role === "string" ? v.role : typeof v.type === "string" ? v.type : undefined;
  if (type === undefined) return undefined;
  const role = type === "generic" && typeof v.role === "string" ? v.role : ROLES[type] ?? type;
  const out: PlainMessage = { role, content: toPlain(v.content, 1) };
  const calls = toolCallsOf(value);
  if (calls) out.tool_calls = calls;
  if (typeof v.tool_call_id === "string" && v.tool_call_id) out.tool_call_id = v.tool_call_id;
  if (typeof v.name === "string" && v.name) out.name = v.name;
  return out;
}

/** A list of messages (e.g. one group of `handleChatModelStart`). */
export function toPlainMessages(value: unknown): unknown[] {
  return dataItems(value, MAX_ITEMS).map((m) => toPlainMessage(m) ?? toPlain(m, 1));
}

function isDocument(v: Record<string, unknown>): boolean {
  return typeof dataField(v, "pageContent") === "string" && dataField(v, "metadata") !== undefined;
}

/** A retrieved document as `{page_content, metadata, id?}`. */
export function toPlainDocument(value: unknown): unknown {
  const v = plainRecord(value);
  if (!v || typeof v.pageContent !== "string") return toPlain(value, 1);
  return {
    page_content: v.pageContent,
    metadata: toPlain(v.metadata ?? {}, 1),
    ...(typeof v.id === "string" && v.id ? { id: v.id } : {}),
  };
}

/**
 * Any LangChain input/output as plain, readable data: messages and documents converted, prompt
 * values unwrapped, other LangChain objects reduced to their constructor arguments, plain data
 * walked (bounded depth and width, cycles cut). The result is sanitised again by the core.
 */
export function toPlain(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== "object") return value;
  // A Proxy is left for the core sanitiser, which records a placeholder without entering it.
  if (isProxy(value)) return value;
  if (depth > MAX_DEPTH) return "[MaxDepth]";
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const out = dataItems(value, MAX_ITEMS).map((v) => toPlain(v, depth + 1, seen));
      if (value.length > MAX_ITEMS) out.push(`… ${value.length - MAX_ITEMS} more items`);
      return out;
    }
    if (value instanceof Date || value instanceof Error || value instanceof Map || value instanceof Set || ArrayBuffer.isView(value)) {
      return value; // the core sanitiser renders these
    }
    const v = value as Record<string, unknown>;
    if (isLangChainMessage(v)) return toPlainMessage(v);
    if (isDocument(v)) return toPlainDocument(v);
    // Prompt values: ChatPromptValue → its messages, StringPromptValue → its text.
    if (typeof dataField(v, "toChatMessages") === "function") {
      const messages = dataField(v, "messages");
      const text = dataField(v, "value");
      if (Array.isArray(messages)) return { messages: toPlainMessages(messages) };
      if (typeof text === "string") return text;
    }
    // Other LangChain serializables (their toJSON is a constructor dump): the constructor arguments.
    const proto = Object.getPrototypeOf(v) as object | null;
    const plainObject = proto === Object.prototype || proto === null;
    const kwargs = plainObject ? undefined : dataField(v, "lc_kwargs");
    if (kwargs && typeof kwargs === "object") return toPlain(kwargs, depth + 1, seen);
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const key of Object.keys(v)) {
      if (n++ >= MAX_ITEMS) {
        out["…"] = "more keys";
        break;
      }
      if (!plainObject && key.startsWith("lc_")) continue;
      const d = Object.getOwnPropertyDescriptor(v, key);
      const item: unknown = d === undefined ? undefined : "value" in d ? d.value : GETTER;
      if (typeof item === "function") continue;
      out[key] = toPlain(item, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * Chain inputs/outputs: LangChain wraps a non-object value as `{input: x}` / `{output: x}`;
 * unwrap that single key so the span shows the value itself.
 */
export function unwrapChainValues(value: unknown, key: "input" | "output"): unknown {
  const v = dataRecord(value);
  if (v && Object.getPrototypeOf(v) === Object.prototype) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === key) return toPlain(dataField(v, key));
  }
  return toPlain(value);
}

/** A tool's input string as recorded: parsed when it is a JSON object or array, else the string. */
export function toolInput(input: unknown): unknown {
  if (typeof input !== "string") return toPlain(input);
  const s = input.trim();
  if ((s.startsWith("{") && s.endsWith("}")) || (s.startsWith("[") && s.endsWith("]"))) {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      return input;
    }
  }
  return input;
}

/** A tool's result as recorded: a `ToolMessage` gives its content (and artifact), else the value. */
export function toolOutput(output: unknown): unknown {
  const v = dataRecord(output);
  if (v && isLangChainMessage(v)) {
    const content = toPlain(dataField(v, "content"), 1);
    const artifact = dataField(v, "artifact");
    return artifact !== undefined ? { content, artifact: toPlain(artifact, 1) } : content;
  }
  // A Command returned by a tool (LangGraph) or any other value.
  return toPlain(output);
}

/** Display name of a run: its runName, else the serialized `name`, else the class name. */
export function runNameOf(serialized: unknown, runName: unknown, fallback: string): string {
  if (typeof runName === "string" && runName) return runName;
  const s = asRecord(serialized);
  if (s) {
    if (typeof s.name === "string" && s.name) return s.name;
    const id = s.id;
    if (Array.isArray(id) && id.length > 0) {
      const last: unknown = id[id.length - 1];
      if (typeof last === "string" && last) return last;
    }
  }
  return fallback;
}
