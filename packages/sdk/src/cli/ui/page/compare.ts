/**
 * Two traces side by side: summaries with their deltas, and the span trees aligned (spans paired by
 * type and name in tree order), with differing outputs and token/latency/cost changes marked.
 */
import { h, pretty } from "./dom.js";
import { count, ms, num, usd } from "./format.js";
import { flatten, type TreeRow } from "./tree.js";
import type { Span, Trace } from "./types.js";

const key = (r: TreeRow): string => `${r.depth}|${r.span.span_type}|${r.span.name}`;
const tokens = (s: Span): number => (s.input_tokens ?? 0) + (s.output_tokens ?? 0) + (s.cached_input_tokens ?? 0) + (s.cache_creation_input_tokens ?? 0);
const cost = (s: Span): number | undefined => num((s.metadata?.cost as Record<string, unknown> | undefined)?.total);

/** Pairs rows of equal key in order (a longest-common-subsequence alignment, bounded in size). */
function align(a: TreeRow[], b: TreeRow[]): Array<[TreeRow | undefined, TreeRow | undefined]> {
  if (a.length * b.length > 4_000_000) return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => [a[i], b[i]]);
  const n = a.length;
  const m = b.length;
  const dp = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i]![j] = key(a[i]!) === key(b[j]!) ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const out: Array<[TreeRow | undefined, TreeRow | undefined]> = [];
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

function delta(a: number | undefined, b: number | undefined, fmt: (v: number) => string): HTMLElement | null {
  if (a === undefined || b === undefined || a === b) return null;
  const d = b - a;
  return h("span", { class: d > 0 ? "delta up" : "delta down" }, ` ${d > 0 ? "+" : "−"}${fmt(Math.abs(d))}`);
}

function cell(r: TreeRow | undefined): HTMLElement {
  if (!r) return h("td", { class: "missing" }, "—");
  const s = r.span;
  const name = h("span", null, h("span", { class: `badge type-${s.span_type.replace(/[^a-z_]/g, "")}` }, s.span_type), " ", s.name);
  name.style.paddingLeft = `${Math.min(r.depth, 30) * 12}px`;
  return h("td", { class: s.status === "failed" ? "failed" : "" }, name, h("div", { class: "muted small" }, `${ms(s.latency_ms)} · ${count(tokens(s))} tok · ${usd(cost(s))}${s.model_id ? ` · ${s.model_id}` : ""}`));
}

export function comparePage(a: Trace, b: Trace): HTMLElement {
  const ra = flatten(a.spans).rows;
  const rb = flatten(b.spans).rows;
  const total = (t: Trace, k: string): number | undefined => num(t.summary[k]);
  const rows = align(ra, rb).map(([x, y]) => {
    const differs = x && y && pretty(x.span.output) !== pretty(y.span.output);
    return h(
      "tr",
      { class: differs ? "differs" : "", testid: "compare-row" },
      cell(x),
      cell(y),
      h(
        "td",
        { class: "num" },
        x && y ? [delta(x.span.latency_ms ?? undefined, y.span.latency_ms ?? undefined, ms), delta(tokens(x.span), tokens(y.span), (v) => `${count(v)} tok`), delta(cost(x.span), cost(y.span), usd)] : null,
        differs ? h("div", { class: "small differs-label" }, "output differs") : null,
      ),
    );
  });
  const head = (t: Trace): HTMLElement => h("th", null, h("a", { href: `#/trace/${encodeURIComponent(t.trace_id)}` }, t.agent_name), h("div", { class: "muted small" }, t.trace_id));
  return h(
    "div",
    { class: "compare-page", testid: "compare-page" },
    h("div", { class: "crumbs" }, h("a", { href: "#/" }, "← traces")),
    h(
      "div",
      { class: "summary" },
      h("div", { class: "sum-item" }, h("div", { class: "label" }, "duration"), h("div", { class: "value" }, `${ms(a.duration_ms)} → ${ms(b.duration_ms)}`, delta(a.duration_ms ?? undefined, b.duration_ms ?? undefined, ms))),
      h("div", { class: "sum-item" }, h("div", { class: "label" }, "tokens"), h("div", { class: "value" }, `${count(total(a, "total_tokens"))} → ${count(total(b, "total_tokens"))}`, delta(total(a, "total_tokens"), total(b, "total_tokens"), count))),
      h("div", { class: "sum-item" }, h("div", { class: "label" }, "cost"), h("div", { class: "value" }, `${usd(total(a, "cost_usd"))} → ${usd(total(b, "cost_usd"))}`, delta(total(a, "cost_usd"), total(b, "cost_usd"), usd))),
    ),
    h("table", { class: "compare" }, h("thead", null, h("tr", null, head(a), head(b), h("th", null, "change"))), h("tbody", null, rows)),
  );
}
