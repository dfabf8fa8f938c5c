/**
 * An `llm` span's input and output as a conversation. Reads the shapes the plugins record (OpenAI
 * chat and Responses, Anthropic Messages, Gemini, LangChain) and the GenAI semantic-convention
 * messages (`parts`) the OTLP collector stores; anything else is shown as JSON.
 */
import { h, pretty, type Child } from "./dom.js";

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** One message: who says it and what (text and tool blocks). */
interface Message {
  role: string;
  blocks: Child[];
}

function toolCall(name: string, args: unknown, id: string | undefined): HTMLElement {
  const parsed = typeof args === "string" ? tryJson(args) : args;
  return h("div", { class: "tool-call" }, h("span", { class: "tool-call-name" }, `→ ${name}`), id ? h("span", { class: "muted" }, ` ${id}`) : null, h("pre", null, pretty(parsed)));
}

function toolResult(id: string | undefined, content: unknown): HTMLElement {
  return h("div", { class: "tool-result" }, h("span", { class: "muted" }, `result${id ? ` of ${id}` : ""}`), h("pre", null, pretty(textOf(content) ?? content)));
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}

/** Plain text of a content value when it is only text. */
function textOf(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    const texts = content.map((b) => (typeof b === "string" ? b : (str(rec(b)?.text) ?? str(rec(b)?.content))));
    if (texts.every((t) => t !== undefined)) return texts.join("");
  }
  return undefined;
}

/** One content block / part. */
function block(b: unknown): Child {
  if (typeof b === "string") return h("div", { class: "text" }, b);
  const r = rec(b);
  if (!r) return h("pre", null, pretty(b));
  const type = str(r.type) ?? "";
  if ((type === "text" || type === "input_text" || type === "output_text") && (typeof r.text === "string" || typeof r.content === "string")) {
    return h("div", { class: "text" }, (str(r.text) ?? str(r.content)) as string);
  }
  if (type === "tool_use" || type === "tool_call" || type === "function_call") return toolCall(str(r.name) ?? "?", r.input ?? r.arguments, str(r.id) ?? str(r.call_id));
  if (type === "tool_result") return toolResult(str(r.tool_use_id), r.content);
  if (type === "tool_call_response" || type === "function_call_output") return toolResult(str(r.id) ?? str(r.call_id), r.response ?? r.output);
  if (type === "reasoning" || type === "thinking") return h("div", { class: "reasoning" }, str(r.content) ?? str(r.thinking) ?? pretty(r));
  if (r.functionCall) return toolCall(str(rec(r.functionCall)?.name) ?? "?", rec(r.functionCall)?.args, undefined);
  if (r.functionResponse) return toolResult(str(rec(r.functionResponse)?.name), rec(r.functionResponse)?.response);
  if (typeof r.text === "string") return h("div", { class: "text" }, r.text);
  return h("pre", null, pretty(r));
}

function content(c: unknown): Child[] {
  if (c === undefined || c === null) return [];
  if (typeof c === "string") return [h("div", { class: "text" }, c)];
  if (Array.isArray(c)) return c.map(block);
  return [block(c)];
}

/** A message in any supported shape. */
function message(m: unknown, fallbackRole: string): Message {
  if (typeof m === "string") return { role: fallbackRole, blocks: [h("div", { class: "text" }, m)] };
  const r = rec(m);
  if (!r) return { role: fallbackRole, blocks: [h("pre", null, pretty(m))] };
  const role = str(r.role) ?? (str(r.type) === "function_call_output" ? "tool" : str(r.type) === "function_call" ? "assistant" : fallbackRole);
  const blocks: Child[] = [];
  if (Array.isArray(r.parts)) blocks.push(...r.parts.map(block));
  else if (r.content !== undefined) blocks.push(...content(r.content));
  else if (r.type === "function_call" || r.type === "function_call_output") blocks.push(block(r));
  else if (typeof r.text === "string") blocks.push(h("div", { class: "text" }, r.text));
  for (const call of Array.isArray(r.tool_calls) ? r.tool_calls : []) {
    const c = rec(call);
    const fn = rec(c?.function);
    blocks.push(toolCall(str(fn?.name) ?? str(c?.name) ?? "?", fn?.arguments ?? c?.args ?? c?.arguments, str(c?.id)));
  }
  if (role === "tool" && typeof r.tool_call_id === "string") blocks.unshift(h("span", { class: "muted" }, `result of ${r.tool_call_id}`));
  return { role: role === "developer" ? "system" : role === "model" ? "assistant" : role, blocks };
}

function messages(input: unknown): Message[] {
  if (input === undefined || input === null) return [];
  if (typeof input === "string") return [message(input, "user")];
  if (Array.isArray(input)) return input.map((m) => message(m, "user"));
  const r = rec(input) ?? {};
  const out: Message[] = [];
  const system = r.system ?? r.system_instructions ?? r.instructions ?? rec(r.config)?.systemInstruction;
  if (system !== undefined) out.push({ role: "system", blocks: content(textOf(system) ?? system) });
  const list = r.messages ?? r.input ?? r.contents ?? r.prompt;
  if (list !== undefined) out.push(...messages(list));
  else if (system === undefined) out.push({ role: "input", blocks: [h("pre", null, pretty(input))] });
  return out;
}

function outputs(output: unknown, toolCalls: unknown[] | undefined): Message[] {
  const out: Message[] = [];
  const r = rec(output);
  if (output === undefined || output === null) {
    // nothing
  } else if (typeof output === "string") out.push(message(output, "assistant"));
  else if (Array.isArray(output)) out.push(...output.map((m) => message(m, "assistant")));
  else if (r && Array.isArray(r.choices)) out.push(...r.choices.map((c) => message(rec(c)?.message ?? c, "assistant")));
  else if (r && (r.role !== undefined || r.content !== undefined || r.parts !== undefined)) out.push(message(r, "assistant"));
  else out.push({ role: "assistant", blocks: [h("pre", null, pretty(output))] });
  const hasCalls = out.some((m) => m.blocks.some((b) => b instanceof HTMLElement && b.classList.contains("tool-call")));
  if (!hasCalls && Array.isArray(toolCalls) && toolCalls.length > 0) out.push(message({ role: "assistant", tool_calls: toolCalls }, "assistant"));
  return out;
}

function bubble(m: Message, where: "input" | "output"): HTMLElement {
  return h("div", { class: `msg role-${m.role.replace(/[^a-z]/g, "")} ${where}`, testid: "chat-message" }, h("div", { class: "role" }, m.role), m.blocks);
}

/** The chat view of an `llm` span. */
export function chatView(input: unknown, output: unknown, toolCalls: unknown[] | undefined): HTMLElement {
  return h(
    "div",
    { class: "chat", testid: "chat" },
    messages(input).map((m) => bubble(m, "input")),
    h("div", { class: "chat-sep" }, "response"),
    outputs(output, toolCalls).map((m) => bubble(m, "output")),
  );
}
