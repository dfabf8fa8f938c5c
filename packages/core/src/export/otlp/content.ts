/**
 * Span content → the GenAI semantic-convention message schema (`gen_ai.input.messages`,
 * `gen_ai.output.messages`, `gen_ai.system_instructions`, `gen_ai.tool.definitions`): messages made
 * of typed parts (`text`, `tool_call`, `tool_call_response`, `reasoning`, `blob`, `uri`, or a
 * generic part keeping the provider's own type). Reads what the plugins record — OpenAI chat,
 * Responses and completions inputs, Anthropic Messages inputs, plain strings — and anything else
 * as well as it can. Never throws.
 */

export type Part = { type: string } & Record<string, unknown>;
export interface ChatMessage {
  role: string;
  parts: Part[];
  name?: string;
}
export interface OutputMessage extends ChatMessage {
  finish_reason: string;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Tool-call arguments as a value: a JSON string is parsed, anything else kept. */
function args(v: unknown): unknown {
  if (typeof v !== "string") return v ?? null;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

function roleOf(role: unknown): string {
  if (role === "developer") return "system";
  if (role === "model" || role === "ai") return "assistant";
  if (role === "human") return "user";
  return typeof role === "string" && role ? role : "user";
}

/** Text of a tool result (Anthropic `tool_result.content` may be a list of blocks). */
function resultValue(content: unknown): unknown {
  if (!Array.isArray(content)) return content ?? null;
  const texts = content.map((b) => str(rec(b)?.text)).filter((t): t is string => t !== undefined);
  return texts.length === content.length ? texts.join("") : content;
}

/** One content block of any supported provider → a part. */
export function toPart(block: unknown): Part | undefined {
  if (typeof block === "string") return { type: "text", content: block };
  const b = rec(block);
  if (!b) return undefined;
  const type = str(b.type);
  switch (type) {
    case "text":
    case "input_text":
    case "output_text":
      return { type: "text", content: str(b.text) ?? str(b.content) ?? "" };
    case "refusal":
      return { type: "text", content: str(b.refusal) ?? "" };
    case "thinking":
    case "reasoning":
      return { type: "reasoning", content: str(b.thinking) ?? str(b.text) ?? str(b.content) ?? "" };
    case "tool_use":
    case "server_tool_use":
      return { type: "tool_call", id: str(b.id) ?? null, name: str(b.name) ?? "", arguments: b.input ?? null };
    case "tool_result":
      return { type: "tool_call_response", id: str(b.tool_use_id) ?? null, response: resultValue(b.content) };
    case "function_call":
      return { type: "tool_call", id: str(b.call_id) ?? str(b.id) ?? null, name: str(b.name) ?? "", arguments: args(b.arguments) };
    case "function_call_output":
      return { type: "tool_call_response", id: str(b.call_id) ?? null, response: args(b.output) };
    case "image_url": {
      const url = str(rec(b.image_url)?.url) ?? str(b.image_url);
      return url !== undefined ? { type: "uri", modality: "image", uri: url } : { ...b, type };
    }
    case "input_image": {
      const url = str(b.image_url);
      return url !== undefined ? { type: "uri", modality: "image", uri: url } : { ...b, type };
    }
    case "image":
    case "document": {
      const source = rec(b.source);
      const modality = type === "image" ? "image" : "document";
      if (source?.type === "base64") return { type: "blob", modality, mime_type: str(source.media_type) ?? null, content: str(source.data) ?? "" };
      if (source?.type === "url" && typeof source.url === "string") return { type: "uri", modality, uri: source.url };
      return { ...b, type };
    }
    case undefined:
      if (typeof b.text === "string") return { type: "text", content: b.text };
      return { ...b, type: "unknown" };
    default:
      return { ...b, type };
  }
}

function partsOf(content: unknown): Part[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return [{ type: "text", content }];
  if (Array.isArray(content)) return content.map(toPart).filter((p): p is Part => p !== undefined);
  const part = toPart(content);
  return part ? [part] : [];
}

/** OpenAI chat `tool_calls` / Tracium `toolCalls` entries → `tool_call` parts. */
export function toolCallParts(calls: unknown): Part[] {
  if (!Array.isArray(calls)) return [];
  const out: Part[] = [];
  for (const c of calls) {
    const call = rec(c);
    if (!call) continue;
    const fn = rec(call.function);
    if (fn) out.push({ type: "tool_call", id: str(call.id) ?? null, name: str(fn.name) ?? "", arguments: args(fn.arguments) });
    else if (call.type === "function_call") out.push(toPart(call)!);
    else out.push({ type: "tool_call", id: str(call.id) ?? str(call.call_id) ?? null, name: str(call.name) ?? "", arguments: args(call.input ?? call.arguments) });
  }
  return out;
}

/** One provider message (or Responses input item) → a chat message. */
export function toMessage(value: unknown): ChatMessage | undefined {
  if (typeof value === "string") return { role: "user", parts: [{ type: "text", content: value }] };
  const m = rec(value);
  if (!m) return undefined;
  // Responses API items that are not messages.
  if (m.type === "function_call") return { role: "assistant", parts: [toPart(m)!] };
  if (m.type === "function_call_output") return { role: "tool", parts: [toPart(m)!] };
  if (m.role === undefined && m.type !== undefined && m.type !== "message") return { role: "assistant", parts: [toPart(m)!] };
  const role = roleOf(m.role);
  let parts: Part[];
  if (role === "tool" && m.tool_call_id !== undefined) {
    parts = [{ type: "tool_call_response", id: str(m.tool_call_id) ?? null, response: resultValue(m.content) }];
  } else {
    parts = partsOf(m.content);
    parts.push(...toolCallParts(m.tool_calls));
  }
  const msg: ChatMessage = { role, parts };
  if (typeof m.name === "string" && m.name) msg.name = m.name;
  return msg;
}

function messagesOf(list: unknown): ChatMessage[] {
  if (typeof list === "string") return [{ role: "user", parts: [{ type: "text", content: list }] }];
  if (!Array.isArray(list)) return [];
  return list.map(toMessage).filter((m): m is ChatMessage => m !== undefined);
}

/** The recorded input of an LLM span → input messages and system instructions (either may be empty). */
export function inputContent(input: unknown): { messages: ChatMessage[]; system: Part[] } {
  if (input === undefined || input === null) return { messages: [], system: [] };
  if (typeof input === "string" || Array.isArray(input)) return { messages: messagesOf(input), system: [] };
  const i = rec(input);
  if (!i) return { messages: [], system: [] };
  const system = partsOf(i.system ?? i.instructions);
  let messages: ChatMessage[] = [];
  if (i.messages !== undefined) messages = messagesOf(i.messages);
  else if (i.input !== undefined) messages = messagesOf(i.input);
  else if (i.prompt !== undefined) messages = Array.isArray(i.prompt) ? i.prompt.flatMap(messagesOf) : messagesOf(i.prompt);
  else if (i.role !== undefined || i.content !== undefined) {
    const one = toMessage(i);
    if (one) messages = [one];
  }
  return { messages, system };
}

/**
 * The recorded output (and tool calls) of an LLM span → output messages, one per choice.
 * `finishReasons[i]` is used for choice i; absent, `"stop"` (or `"tool_call"` with tool calls).
 */
export function outputContent(output: unknown, toolCalls: unknown, finishReasons: readonly string[]): OutputMessage[] {
  const messages: ChatMessage[] = [];
  if (typeof output === "string") messages.push({ role: "assistant", parts: [{ type: "text", content: output }] });
  else if (Array.isArray(output) && output.every((o) => typeof o === "string" || o === null)) {
    for (const o of output) messages.push({ role: "assistant", parts: o === null ? [] : [{ type: "text", content: o }] });
  } else if (Array.isArray(output)) {
    const parts = output.map(toPart).filter((p): p is Part => p !== undefined);
    messages.push({ role: "assistant", parts });
  } else if (rec(output)) {
    const o = rec(output)!;
    const m = o.role !== undefined || o.content !== undefined ? toMessage(o) : undefined;
    messages.push(m ? { ...m, role: m.role === "user" ? "assistant" : m.role } : { role: "assistant", parts: [{ type: "text", content: JSON.stringify(o) }] });
  }
  const calls = toolCallParts(toolCalls);
  if (calls.length > 0) {
    if (messages.length === 0) messages.push({ role: "assistant", parts: [] });
    const first = messages[0]!;
    const known = new Set(first.parts.filter((p) => p.type === "tool_call").map((p) => p.id));
    for (const c of calls) if (c.id === null || !known.has(c.id)) first.parts.push(c);
  }
  return messages.map((m, i) => ({
    ...m,
    finish_reason: finishReasons[i] ?? (m.parts.some((p) => p.type === "tool_call") ? "tool_call" : "stop"),
  }));
}

/** Tool definitions offered to the model → the semconv shape `{ type, name, description, parameters }`. */
export function toolDefinitions(tools: unknown): unknown[] {
  if (!Array.isArray(tools)) return [];
  return tools.map((t) => {
    const tool = rec(t);
    if (!tool) return t;
    const fn = rec(tool.function);
    if (fn) return { type: "function", name: fn.name, description: fn.description, parameters: fn.parameters };
    if (tool.input_schema !== undefined) return { type: "function", name: tool.name, description: tool.description, parameters: tool.input_schema };
    return tool;
  });
}
