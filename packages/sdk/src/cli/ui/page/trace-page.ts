/** The trace page: summary, waterfall, and the panel of the selected span. */
import { h, fill } from "./dom.js";
import { count, ms, num, time, usd } from "./format.js";
import { spanPanel } from "./span-panel.js";
import { toolLinks } from "./links.js";
import { flatten } from "./tree.js";
import type { Trace } from "./types.js";
import { waterfall } from "./waterfall.js";

export function summaryBar(trace: Trace): HTMLElement {
  const s = trace.summary;
  const llm = trace.spans.filter((x) => x.span_type === "llm");
  const tokens = num(s.total_tokens) ?? llm.reduce((a, x) => a + (x.input_tokens ?? 0) + (x.output_tokens ?? 0) + (x.cached_input_tokens ?? 0) + (x.cache_creation_input_tokens ?? 0), 0);
  const models = [...new Set(trace.spans.map((x) => x.model_id).filter((m): m is string => !!m && true))];
  const item = (label: string, value: string, testid?: string): HTMLElement =>
    h("div", { class: "sum-item", ...(testid ? { testid } : {}) }, h("div", { class: "label" }, label), h("div", { class: "value" }, value));
  return h(
    "div",
    { class: "summary", testid: "trace-summary" },
    item("agent", trace.agent_name, "sum-agent"),
    item("status", trace.status, "sum-status"),
    item("start", time(trace.started_at)),
    item("duration", ms(trace.duration_ms)),
    item("spans", count(trace.spans.length), "sum-spans"),
    item("llm calls", count(num(s.llm_calls) ?? llm.length), "sum-llm"),
    item("tokens", count(tokens), "sum-tokens"),
    item("cost", usd(num(s.cost_usd))),
    item("models", models.join(", ") || "–", "sum-models"),
    trace.tags.length > 0 ? item("tags", trace.tags.join(", ")) : null,
    trace.error ? h("pre", { class: "error" }, trace.error) : null,
  );
}

export function tracePage(trace: Trace, selectedId?: string): HTMLElement {
  const { rows, start, end } = flatten(trace.spans);
  const byId = new Map(trace.spans.map((s) => [s.id, s]));
  const links = toolLinks(trace.spans);
  const panel = h("div", { class: "side" }, h("div", { class: "muted" }, "Select a span."));
  const select = (id: string): void => {
    const span = byId.get(id);
    if (!span) return;
    wf.select(id);
    fill(panel, spanPanel(span, byId, links, select));
  };
  const wf = waterfall(rows, start, end, links, (row) => select(row.span.id));
  const page = h(
    "div",
    { class: "trace-page" },
    h("div", { class: "crumbs" }, h("a", { href: "#/" }, "← traces"), " ", h("span", { class: "muted" }, trace.trace_id)),
    summaryBar(trace),
    h("div", { class: "split" }, h("div", { class: "wf-col" }, h("div", { class: "scale" }, h("span", null, "0"), h("span", null, ms(end - start))), wf.el), panel),
  );
  const first = selectedId && byId.has(selectedId) ? selectedId : rows[0]?.span.id;
  if (first) queueMicrotask(() => select(first));
  return page;
}
