/**
 * Two traces side by side: their summaries with the changes, and the span trees aligned (a
 * longest-common-subsequence over the rows in tree order, pairing spans of the same depth and type,
 * and the same name except for `llm` calls, whose names carry the model), with the spans only one
 * trace has, the outputs that differ (both shown), and the latency, token and cost changes marked.
 */
import { h, pretty, type Child } from "./dom.js";
import { count, ms, num, usd } from "./format.js";
import { flatten, type TreeRow } from "./tree.js";
import type { Span, Trace } from "./types.js";

const key = (r: TreeRow): string => `${r.depth}|${r.span.span_type}|${r.span.span_type === "llm" ? "" : r.span.name}`;
const tokens = (s: Span): number => (s.input_tokens ?? 0) + (s.output_tokens ?? 0) + (s.cached_input_tokens ?? 0) + (s.cache_creation_input_tokens ?? 0);
const cost = (s: Span): number | undefined => num((s.metadata?.cost as Record<string, unknown> | undefined)?.total);
/** Longest output shown in a cell. */
const PREVIEW = 600;

type Pair = [TreeRow | undefined, TreeRow | undefined];

/** Pairs rows of equal key in order (a longest-common-subsequence alignment, bounded in size). */
function align(a: TreeRow[], b: TreeRow[]): Pair[] {
  if (a.length * b.length > 4_000_000) return Array.from({ length: Math.max(a.length, b.length) }, (_, i): Pair => [a[i], b[i]]);
  const n = a.length;
  const m = b.length;
  const dp = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i]![j] = key(a[i]!) === key(b[j]!) ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const out: Pair[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (key(a[i]!) === key(b[j]!)) out.push([a[i++], b[j++]]);
    else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) out.push([a[i++], undefined]);
    else out.push([undefined, b[j++]]);
  }
  while (i < n) out.push([a[i++], undefined]);
  while (j < m) out.push([undefined, b[j++]]);
  return out;
}

/** The change from `a` to `b` (red when it grew, green when it shrank), or null when equal or unknown. */
function delta(a: number | undefined | null, b: number | undefined | null, fmt: (v: number) => string, testid: string): HTMLElement | null {
  if (a === undefined || a === null || b === undefined || b === null || a === b) return null;
  const d = b - a;
  return h("span", { class: d > 0 ? "delta up" : "delta down", testid }, `${d > 0 ? "+" : "−"}${fmt(Math.abs(d))}`);
}

function preview(v: unknown): string {
  const text = pretty(v);
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
}

function cell(r: TreeRow | undefined, showOutput: boolean): HTMLElement {
  if (!r) return h("td", { class: "missing" }, "—");
  const s = r.span;
  const name = h("div", null, h("span", { class: `badge type-${s.span_type.replace(/[^a-z_]/g, "")}` }, s.span_type), " ", h("span", { testid: "compare-name" }, s.name));
  name.style.paddingLeft = `${Math.min(r.depth, 30) * 12}px`;
  return h(
    "td",
    { class: s.status === "failed" ? "failed" : "" },
    name,
    h("div", { class: "muted small" }, `${ms(s.latency_ms)} · ${count(tokens(s))} tok · ${usd(cost(s))}${s.model_id ? ` · ${s.model_id}` : ""}`),
    showOutput ? h("pre", { class: "out", testid: "compare-output" }, preview(s.output)) : null,
  );
}

/** A trace's totals, from its summary or, when the summary lacks them, from its spans. */
function totals(t: Trace): { tokens: number; cost: number | undefined; llm: number } {
  const llm = t.spans.filter((s) => s.span_type === "llm");
  const costs = t.spans.map(cost).filter((c): c is number => c !== undefined);
  return {
    tokens: num(t.summary.total_tokens) ?? llm.reduce((a, s) => a + tokens(s), 0),
    cost: num(t.summary.cost_usd) ?? (costs.length > 0 ? costs.reduce((a, c) => a + c, 0) : undefined),
    llm: num(t.summary.llm_calls) ?? llm.length,
  };
}

function item(label: string, a: string, b: string, change: Child, testid: string): HTMLElement {
  return h("div", { class: "sum-item", testid }, h("div", { class: "label" }, label), h("div", { class: "value" }, `${a} → ${b} `, change));
}

export function comparePage(a: Trace, b: Trace): HTMLElement {
  const pairs = align(flatten(a.spans).rows, flatten(b.spans).rows);
  const rows = pairs.map(([x, y]) => {
    const differs = !!x && !!y && pretty(x.span.output) !== pretty(y.span.output);
    const kind = !x ? "only-b" : !y ? "only-a" : differs ? "differs" : "same";
    const tr = h(
      "tr",
      { class: kind, testid: "compare-row" },
      cell(x, differs),
      cell(y, differs),
      h(
        "td",
        { class: "num change" },
        x && y
          ? [
              delta(x.span.latency_ms, y.span.latency_ms, ms, "delta-latency"),
              delta(tokens(x.span), tokens(y.span), (v) => `${count(v)} tok`, "delta-tokens"),
              delta(cost(x.span), cost(y.span), usd, "delta-cost"),
            ]
          : h("span", { class: "muted small" }, x ? "only in A" : "only in B"),
        differs ? h("div", { class: "small differs-label" }, "output differs") : null,
        x && y && (x.span.model_id ?? "") !== (y.span.model_id ?? "") ? h("div", { class: "small differs-label" }, "model differs") : null,
      ),
    );
    tr.dataset.kind = kind;
    return tr;
  });
  const ta = totals(a);
  const tb = totals(b);
  const head = (label: string, t: Trace): HTMLElement =>
    h("th", null, `${label}: `, h("a", { href: `#/trace/${encodeURIComponent(t.trace_id)}` }, t.agent_name), h("div", { class: "muted small" }, t.trace_id));
  return h(
    "div",
    { class: "compare-page", testid: "compare-page" },
    h("div", { class: "crumbs" }, h("a", { href: "#/" }, "← traces")),
    h(
      "div",
      { class: "summary" },
      item("duration", ms(a.duration_ms), ms(b.duration_ms), delta(a.duration_ms, b.duration_ms, ms, "sum-delta-duration"), "cmp-duration"),
      item("spans", count(a.spans.length), count(b.spans.length), delta(a.spans.length, b.spans.length, count, "sum-delta-spans"), "cmp-spans"),
      item("llm calls", count(ta.llm), count(tb.llm), delta(ta.llm, tb.llm, count, "sum-delta-llm"), "cmp-llm"),
      item("tokens", count(ta.tokens), count(tb.tokens), delta(ta.tokens, tb.tokens, count, "sum-delta-tokens"), "cmp-tokens"),
      item("cost", usd(ta.cost), usd(tb.cost), delta(ta.cost, tb.cost, usd, "sum-delta-cost"), "cmp-cost"),
    ),
    h("table", { class: "compare" }, h("thead", null, h("tr", null, head("A", a), head("B", b), h("th", null, "change (B − A)"))), h("tbody", null, rows)),
  );
}
