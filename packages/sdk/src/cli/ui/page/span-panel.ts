/**
 * The panel of one span: what it is, its tokens and cost, an `llm` span's conversation and tools
 * (offered vs called), a tool span's arguments and result, the tool-call links, metadata and error.
 */
import { chatView } from "./chat.js";
import { h, pretty, type Child } from "./dom.js";
import { count, ms, num, time, usd } from "./format.js";
import type { ToolLink } from "./links.js";
import type { Span } from "./types.js";

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : undefined);

function field(label: string, value: Child, testid?: string): HTMLElement {
  return h("div", { class: "field", ...(testid ? { testid } : {}) }, h("span", { class: "label" }, label), h("span", { class: "value" }, value));
}

function section(title: string, ...body: Child[]): HTMLElement {
  return h("section", null, h("h3", null, title), body);
}

/** A name read from trace data, whatever it holds (a file may carry anything): text, or "?". */
function label(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "?";
}

function toolName(t: unknown): string {
  const r = rec(t);
  return label(rec(r?.function)?.name ?? r?.name ?? rec(r?.toolSpec)?.name);
}

/** The items of a field that should be a list (anything else in a trace file reads as none). */
function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Names of the tools an `llm` span asked for. */
export function calledTools(span: Span): string[] {
  return list(span.tool_calls).map(toolName);
}

function tools(span: Span): HTMLElement | null {
  const offered = list(span.tools).map(toolName);
  const called = calledTools(span);
  if (offered.length === 0 && called.length === 0) return null;
  const names = [...new Set([...offered, ...called])];
  return section(
    "Tools",
    h(
      "ul",
      { class: "tools", testid: "tools" },
      names.map((n) =>
        h("li", { class: called.includes(n) ? "called" : "offered" }, n, " ", h("span", { class: "muted" }, called.includes(n) ? (offered.includes(n) ? "offered · called" : "called") : "offered")),
      ),
    ),
  );
}

/** The tool-call links that touch this span (see `links.ts`), each a button that selects the other span. */
function links(span: Span, all: ToolLink[], byId: Map<string, Span>, select: (id: string) => void): HTMLElement | null {
  const meta = span.metadata ?? {};
  const items: Child[] = [];
  const go = (id: string, label: string, inferred: boolean): HTMLElement => {
    const target = byId.get(id);
    const text = `${label}: ${target?.name ?? id}`;
    return h("li", null, h("button", { class: "link", testid: "span-link", onclick: () => select(id) }, text), inferred ? h("span", { class: "muted small" }, " (by name)") : null);
  };
  const asked = typeof meta.llm_span_id === "string" ? meta.llm_span_id : undefined;
  if (asked !== undefined && !byId.has(asked)) items.push(h("li", { class: "muted" }, `asked by ${asked} (not in this trace)`));
  for (const l of all) if (l.kind === "call" && l.to === span.id) items.push(go(l.from, "asked by", l.inferred));
  for (const l of all) if (l.kind === "result" && l.to === span.id) items.push(go(l.from, "reads the result of", l.inferred));
  for (const l of all) if (l.kind === "call" && l.from === span.id) items.push(go(l.to, "ran", l.inferred));
  for (const l of all) if (l.kind === "result" && l.from === span.id) items.push(go(l.to, "result read by", l.inferred));
  if (typeof meta.tool_call_id === "string") items.push(h("li", null, `tool call id ${meta.tool_call_id}`));
  if (Array.isArray(meta.tool_results_for)) items.push(h("li", null, `tool results for ${meta.tool_results_for.map(label).join(", ")}`));
  return items.length > 0 ? section("Tool-call links", h("ul", { class: "links", testid: "tool-links" }, items)) : null;
}

export function spanPanel(span: Span, byId: Map<string, Span>, toolLinks: ToolLink[], select: (id: string) => void): HTMLElement {
  const meta = span.metadata ?? {};
  const cost = num(rec(meta.cost)?.total);
  const isLlm = span.span_type === "llm";
  const tokenFields = [
    field("input", count(span.input_tokens), "tokens-input"),
    field("output", count(span.output_tokens), "tokens-output"),
    span.cached_input_tokens !== undefined ? field("cached", count(span.cached_input_tokens), "tokens-cached") : null,
    span.cache_creation_input_tokens !== undefined ? field("cache write", count(span.cache_creation_input_tokens), "tokens-cache-write") : null,
    num(meta.reasoning_tokens) !== undefined ? field("reasoning", count(num(meta.reasoning_tokens)), "tokens-reasoning") : null,
    cost !== undefined ? field("cost", usd(cost), "span-cost") : null,
  ];
  const hasTokens = span.input_tokens !== undefined || span.output_tokens !== undefined || cost !== undefined;
  const stack = typeof meta.error_stack === "string" ? meta.error_stack : undefined;
  const { cost: _c, error_stack: _s, ...restMeta } = meta;
  return h(
    "div",
    { class: "panel", testid: "span-panel" },
    h("h2", null, h("span", { class: `badge type-${span.span_type.replace(/[^a-z_]/g, "")}` }, span.span_type), " ", h("span", { testid: "span-name" }, span.name)),
    h(
      "div",
      { class: "fields" },
      field("status", h("span", { class: `status ${span.status === "failed" ? "failed" : ""}` }, span.status)),
      field("duration", ms(span.latency_ms)),
      field("start", time(span.started_at)),
      span.model_id ? field("model", span.model_id, "span-model") : null,
      typeof meta.time_to_first_token_ms === "number" ? field("first token", ms(meta.time_to_first_token_ms), "span-ttft") : null,
      span.tags && span.tags.length > 0 ? field("tags", span.tags.join(", ")) : null,
    ),
    span.error !== undefined || span.status === "failed" ? section("Error", h("pre", { class: "error", testid: "span-error" }, span.error ?? "failed"), stack ? h("pre", { class: "stack", testid: "span-stack" }, stack) : null) : null,
    hasTokens ? section("Tokens", h("div", { class: "fields" }, tokenFields)) : null,
    isLlm ? section("Conversation", chatView(span.input, span.output, span.tool_calls)) : null,
    isLlm ? tools(span) : null,
    !isLlm && span.input !== undefined ? section(span.span_type === "tool" ? "Arguments" : "Input", h("pre", { testid: "span-input" }, pretty(span.input))) : null,
    !isLlm && span.output !== undefined ? section(span.span_type === "tool" ? "Result" : "Output", h("pre", { testid: "span-output" }, pretty(span.output))) : null,
    links(span, toolLinks, byId, select),
    Object.keys(restMeta).length > 0
      ? section("Metadata", h("div", { class: "meta" }, Object.entries(restMeta).map(([k, v]) => field(k, typeof v === "object" && v !== null ? h("pre", null, pretty(v)) : String(v)))))
      : null,
    h("div", { class: "muted small" }, `span ${span.id}`),
  );
}
