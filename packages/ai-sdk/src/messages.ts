/**
 * AI SDK prompts → span input. The SDK's messages (`ModelMessage` in the operation events, the
 * provider-level prompt a model's `doGenerate`/`doStream` receives) are recorded in the chat shape
 * every Tracium view and the tool linking read: `{ role, content }`, assistant `tool_calls`
 * (`{ id, type: "function", function: { name, arguments } }`) and one `role: "tool"` message per
 * tool result (`tool_call_id`).
 */
import { list, own, rec, str, type Obj } from "./read.js";

/** Messages recorded at most (the most recent ones). */
const MAX_MESSAGES = 512;
/** Parts read per message. */
const MAX_PARTS = 256;

/** The text of a tool result's `output` (`{ type: "text" | "json" | "error-text" …, value }`), or the raw value. */
function toolOutput(part: unknown): unknown {
  const output = own(part, "output");
  if (rec(output) && "value" in (output as Obj)) return own(output, "value");
  if (output !== undefined) return output;
  return own(part, "result");
}

/** A tool call's arguments as the JSON string chat APIs use. */
export function argumentsText(input: unknown): string {
  if (typeof input === "string") return input;
  try {
    return JSON.stringify(input ?? {}) ?? "{}";
  } catch {
    return "{}";
  }
}

/** A tool-call part (`{ toolCallId, toolName, input | args }`) in the chat shape. */
export function chatToolCall(part: unknown): Obj | undefined {
  const id = str(part, "toolCallId");
  const name = str(part, "toolName");
  if (!id && !name) return undefined;
  const input = own(part, "input") !== undefined ? own(part, "input") : own(part, "args");
  return { id, type: "function", function: { name, arguments: argumentsText(input) } };
}

function partsOf(message: unknown): unknown[] | string | undefined {
  const content = own(message, "content");
  if (typeof content === "string") return content;
  return Array.isArray(content) ? content.slice(0, MAX_PARTS) : undefined;
}

/** A user/system content part kept for display: text as is, files and images as their media type. */
function displayPart(part: unknown): unknown {
  const type = str(part, "type");
  if (type === "text") return { type: "text", text: own(part, "text") };
  if (type === "image" || type === "file") {
    const mediaType = str(part, "mediaType") ?? str(part, "mimeType");
    return { type, ...(mediaType ? { media_type: mediaType } : {}) };
  }
  return type ? { type } : part;
}

function plainContent(parts: unknown[] | string): unknown {
  if (typeof parts === "string") return parts;
  if (parts.every((p) => str(p, "type") === "text")) return parts.map((p) => String(own(p, "text") ?? "")).join("\n");
  return parts.map(displayPart);
}

function convertOne(message: unknown, out: Obj[]): void {
  const role = str(message, "role");
  const parts = partsOf(message);
  if (!role || parts === undefined) return;
  if (role === "assistant") {
    if (typeof parts === "string") {
      out.push({ role, content: parts });
      return;
    }
    const text: string[] = [];
    const reasoning: string[] = [];
    const calls: Obj[] = [];
    for (const part of parts) {
      const type = str(part, "type");
      if (type === "text") text.push(String(own(part, "text") ?? ""));
      else if (type === "reasoning") reasoning.push(String(own(part, "text") ?? ""));
      else if (type === "tool-call") {
        const call = chatToolCall(part);
        if (call) calls.push(call);
      }
    }
    const msg: Obj = { role, content: text.length > 0 ? text.join("") : null };
    if (reasoning.length > 0) msg.reasoning = reasoning.join("");
    if (calls.length > 0) msg.tool_calls = calls;
    out.push(msg);
    return;
  }
  if (role === "tool") {
    if (typeof parts === "string") return;
    for (const part of parts) {
      if (str(part, "type") !== "tool-result") continue;
      out.push({ role: "tool", tool_call_id: str(part, "toolCallId"), name: str(part, "toolName"), content: toolOutput(part) });
    }
    return;
  }
  out.push({ role, content: plainContent(parts) });
}

/**
 * The chat-shaped messages of an AI SDK prompt: `instructions` (ai 7; a string or system messages)
 * or `system` first, then `messages` (or a provider-level `prompt` array).
 */
export function chatMessages(messages: unknown, system?: unknown): Obj[] {
  const out: Obj[] = [];
  if (typeof system === "string" && system) out.push({ role: "system", content: system });
  else if (Array.isArray(system)) for (const m of system.slice(0, MAX_PARTS)) convertOne(m, out);
  else if (rec(system)) convertOne(system, out);
  if (Array.isArray(messages)) {
    const recent = messages.length > MAX_MESSAGES ? messages.slice(-MAX_MESSAGES) : messages;
    for (const m of recent) convertOne(m, out);
  } else if (typeof messages === "string" && messages) {
    out.push({ role: "user", content: messages });
  }
  return out;
}

/** The tools a model call offers (`[{ type: "function", name, description, inputSchema }]`), in the chat shape. */
export function chatTools(tools: unknown): Obj[] | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const out: Obj[] = [];
  for (const t of tools.slice(0, MAX_PARTS)) {
    const name = str(t, "name");
    if (!name) continue;
    const type = str(t, "type");
    if (type === "function" || type === undefined) {
      out.push({ type: "function", function: { name, description: str(t, "description"), parameters: own(t, "inputSchema") ?? own(t, "parameters") } });
    } else {
      out.push({ type, name, id: str(t, "id") });
    }
  }
  return out.length > 0 ? out : undefined;
}

/** Tool names of a user's `ToolSet` (`{ weather: tool({...}) }`), never reading their schemas. */
export function toolSetNames(tools: unknown): string[] | undefined {
  const r = rec(tools);
  if (!r) return undefined;
  try {
    const names = Object.keys(r).slice(0, MAX_PARTS);
    return names.length > 0 ? names : undefined;
  } catch {
    return undefined;
  }
}

/** The messages of an operation's options: `messages`, else `prompt` (a string or messages). */
export function optionMessages(options: unknown): unknown {
  const messages = list(options, "messages");
  if (messages) return messages;
  return own(options, "prompt");
}
