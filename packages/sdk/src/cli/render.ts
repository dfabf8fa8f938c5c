/**
 * Renders traces read from the JSONL file as readable trees. Every string from the file goes
 * through `safe()` (control characters escaped): the file is data, and must not drive the terminal.
 */
import { costTotal, escapeControlChars as safe, formatUsd } from "@tracium/core";
import type { FileSpan, FileTrace } from "./traces.js";

/** ANSI styling, or none. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const ansi = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
export const colors: Style = { bold: ansi("1"), dim: ansi("2"), red: ansi("31"), green: ansi("32"), yellow: ansi("33"), cyan: ansi("36") };
const id = (s: string) => s;
export const plain: Style = { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };

/** `812 ms`, `2.31 s`, `3 min 4 s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function statusMark(status: string, style: Style): string {
  if (status === "completed") return style.green("✓");
  if (status === "failed") return style.red("✗");
  return style.yellow("…");
}

function statusWord(status: string, style: Style): string {
  if (status === "completed") return style.green("completed");
  if (status === "failed") return style.red("failed");
  return style.yellow("in progress");
}

function timeOf(iso: string | null): string {
  if (!iso) return "";
  return safe(iso.replace("T", " ").replace(/\.\d+Z$/, "Z").replace(/Z$/, " UTC"));
}

/** `in 120 · out 35 · cached 64`, or "" when the span has no counts. */
export function spanTokens(span: FileSpan): string {
  const parts: string[] = [];
  const input = num(span.input_tokens);
  const output = num(span.output_tokens);
  const cached = num(span.cached_input_tokens);
  const created = num(span.cache_creation_input_tokens);
  const reasoning = num(span.metadata?.reasoning_tokens);
  if (input !== undefined) parts.push(`in ${fmtInt(input)}`);
  if (output !== undefined) parts.push(`out ${fmtInt(output)}`);
  if (cached) parts.push(`cached ${fmtInt(cached)}`);
  if (created) parts.push(`cache write ${fmtInt(created)}`);
  if (reasoning) parts.push(`reasoning ${fmtInt(reasoning)}`);
  return parts.join(" · ");
}

function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return safe(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat);
}

const MODEL_SPANS = new Set(["llm", "embedding"]);

function spanLine(span: FileSpan, style: Style): string {
  const cols = [statusMark(span.status, style), style.cyan(safe(span.span_type)), style.bold(safe(span.name))];
  // The file gives every span the trace's model when it has none; it only means something on model calls.
  if (span.model_id && MODEL_SPANS.has(span.span_type)) cols.push(safe(span.model_id));
  const tokens = spanTokens(span);
  if (tokens) cols.push(style.dim(tokens));
  const cost = costTotal(span.metadata?.cost);
  if (cost !== undefined) cols.push(formatUsd(cost));
  cols.push(span.status === "in_progress" && span.latency_ms === null ? style.yellow("open") : formatDuration(span.latency_ms));
  const ttft = num(span.metadata?.time_to_first_token_ms);
  if (ttft !== undefined) cols.push(style.dim(`ttft ${formatDuration(ttft)}`));
  let line = cols.join("  ");
  if (span.status === "failed" && span.error) line += `  ${style.red(oneLine(span.error.split("\n")[0] ?? ""))}`;
  return line;
}

/** Orders spans into a forest: roots (no parent, or a parent not in the file) and their children by start time. */
export function spanForest(spans: readonly FileSpan[]): Array<{ span: FileSpan; children: FileSpan[] }> & { childrenOf: Map<string, FileSpan[]> } {
  const ids = new Set(spans.map((s) => s.id));
  const childrenOf = new Map<string, FileSpan[]>();
  const roots: FileSpan[] = [];
  const byStart = (a: FileSpan, b: FileSpan) => (a.started_at ?? "").localeCompare(b.started_at ?? "");
  for (const s of spans) {
    if (s.parent_span_id && ids.has(s.parent_span_id) && s.parent_span_id !== s.id) {
      const list = childrenOf.get(s.parent_span_id) ?? [];
      list.push(s);
      childrenOf.set(s.parent_span_id, list);
    } else {
      roots.push(s);
    }
  }
  for (const list of childrenOf.values()) list.sort(byStart);
  roots.sort(byStart);
  const out = roots.map((span) => ({ span, children: childrenOf.get(span.id) ?? [] })) as Array<{ span: FileSpan; children: FileSpan[] }> & {
    childrenOf: Map<string, FileSpan[]>;
  };
  out.childrenOf = childrenOf;
  return out;
}

/** Levels drawn by indentation; deeper spans keep that indentation and show their depth. */
const MAX_INDENT = 24;

/**
 * The span lines of a forest, children under their parent. Walked with an explicit stack: the SDK
 * writes traces 10,000 levels deep, and a recursive walk would overflow. Spans caught in a parent
 * cycle (bad data) are reachable from no root; they are shown as roots after the rest.
 */
function treeLines(spans: readonly FileSpan[], forest: ReturnType<typeof spanForest>, style: Style): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const stack: Array<{ span: FileSpan; prefix: string; last: boolean; depth: number }> = [];
  const walk = (): void => {
    while (stack.length > 0) {
      const { span, prefix, last, depth } = stack.pop()!;
      if (seen.has(span.id)) continue;
      seen.add(span.id);
      const deep = depth > MAX_INDENT ? style.dim(`[depth ${depth}] `) : "";
      out.push(`${prefix}${last ? "└─ " : "├─ "}${deep}${spanLine(span, style)}`);
      const kids = forest.childrenOf.get(span.id) ?? [];
      const childPrefix = depth >= MAX_INDENT ? prefix : `${prefix}${last ? "   " : "│  "}`;
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, prefix: childPrefix, last: i === kids.length - 1, depth: depth + 1 });
    }
  };
  for (let i = forest.length - 1; i >= 0; i--) stack.push({ span: forest[i]!.span, prefix: "  ", last: i === forest.length - 1, depth: 0 });
  walk();
  for (const span of spans) {
    if (seen.has(span.id)) continue;
    stack.push({ span, prefix: "  ", last: true, depth: 0 });
    walk();
  }
  return out;
}

/** Token and call totals: the trace summary when the trace ended, else summed from its llm spans. */
export function traceTotals(trace: FileTrace): {
  llmCalls: number;
  input: number;
  output: number;
  cached: number;
  total: number;
  models: string[];
  /** US dollars, when some call was priced. */
  cost: number | undefined;
} {
  const s = trace.summary;
  if (trace.status !== "in_progress" && num(s.llm_calls) !== undefined) {
    const input = num(s.input_tokens) ?? 0;
    const output = num(s.output_tokens) ?? 0;
    const cached = num(s.cached_input_tokens) ?? 0;
    const created = num(s.cache_creation_input_tokens) ?? 0;
    return {
      llmCalls: num(s.llm_calls) ?? 0,
      input,
      output,
      cached,
      total: num(s.total_tokens) ?? input + output + cached + created,
      models: Array.isArray(s.models) ? s.models.filter((m): m is string => typeof m === "string") : [],
      cost: num(s.cost_usd),
    };
  }
  const t = { llmCalls: 0, input: 0, output: 0, cached: 0, total: 0, models: [] as string[], cost: undefined as number | undefined };
  for (const span of trace.spans) {
    const cost = costTotal(span.metadata?.cost);
    if (cost !== undefined) t.cost = (t.cost ?? 0) + cost;
    if (span.span_type !== "llm") continue;
    t.llmCalls++;
    t.input += num(span.input_tokens) ?? 0;
    t.output += num(span.output_tokens) ?? 0;
    t.cached += num(span.cached_input_tokens) ?? 0;
    t.total += (num(span.input_tokens) ?? 0) + (num(span.output_tokens) ?? 0) + (num(span.cached_input_tokens) ?? 0) + (num(span.cache_creation_input_tokens) ?? 0);
    if (span.model_id && !t.models.includes(span.model_id)) t.models.push(span.model_id);
  }
  return t;
}

/** The tree of one trace, as lines. */
export function renderTrace(trace: FileTrace, style: Style = plain): string {
  const lines: string[] = [];
  const head = [
    style.bold(safe(trace.agent_name)),
    statusWord(trace.status, style),
    formatDuration(trace.duration_ms),
    style.dim(timeOf(trace.started_at)),
    style.dim(`trace ${safe(trace.trace_id)}`),
  ].filter(Boolean);
  lines.push(head.join("  "));
  const extra: string[] = [];
  if (trace.model) extra.push(`model ${safe(trace.model)}`);
  if (trace.tags.length > 0) extra.push(`tags ${safe(trace.tags.join(", "))}`);
  if (extra.length > 0) lines.push(`  ${style.dim(extra.join(" · "))}`);
  if (trace.status === "failed" && trace.error) lines.push(`  ${style.red(`error: ${oneLine(trace.error.split("\n")[0] ?? "", 120)}`)}`);

  const forest = spanForest(trace.spans);
  if (trace.spans.length === 0) lines.push(`  ${style.dim("(no spans)")}`);
  for (const line of treeLines(trace.spans, forest, style)) lines.push(line);

  const t = traceTotals(trace);
  const totals = [`${t.llmCalls} llm call${t.llmCalls === 1 ? "" : "s"}`, `${fmtInt(t.input)} in`, `${fmtInt(t.output)} out`];
  if (t.cached) totals.push(`${fmtInt(t.cached)} cached`);
  totals.push(`${fmtInt(t.total)} tokens`);
  if (t.cost !== undefined) totals.push(formatUsd(t.cost));
  if (t.models.length > 0) totals.push(`models ${safe(t.models.join(", "))}`);
  const userKeys = Object.keys(trace.summary).filter((k) => !AUTO_SUMMARY_KEYS.has(k));
  for (const k of userKeys.slice(0, 6)) totals.push(`${oneLine(k, 40)}=${oneLine(JSON.stringify(trace.summary[k]) ?? "", 40)}`);
  lines.push(`  ${style.dim("total")}  ${totals.join(" · ")}`);
  return lines.join("\n");
}

const AUTO_SUMMARY_KEYS = new Set([
  "input_tokens",
  "output_tokens",
  "cached_input_tokens",
  "cache_creation_input_tokens",
  "reasoning_tokens",
  "total_tokens",
  "llm_calls",
  "models",
  "cost_usd",
  "cost",
  "unpriced_llm_calls",
]);

/** The closing line over several traces. */
export function renderFooter(traces: readonly FileTrace[], shownOf: number, style: Style = plain): string {
  const failed = traces.filter((t) => t.status === "failed").length;
  const open = traces.filter((t) => t.status === "in_progress").length;
  let tokens = 0;
  let calls = 0;
  let cost: number | undefined;
  for (const t of traces) {
    const totals = traceTotals(t);
    tokens += totals.total;
    calls += totals.llmCalls;
    if (totals.cost !== undefined) cost = (cost ?? 0) + totals.cost;
  }
  const parts = [`${traces.length} trace${traces.length === 1 ? "" : "s"}${shownOf > traces.length ? ` (of ${shownOf})` : ""}`];
  if (failed) parts.push(style.red(`${failed} failed`));
  if (open) parts.push(style.yellow(`${open} in progress`));
  parts.push(`${calls} llm call${calls === 1 ? "" : "s"}`, `${fmtInt(tokens)} tokens`);
  if (cost !== undefined) parts.push(formatUsd(cost));
  return parts.join(" · ");
}
