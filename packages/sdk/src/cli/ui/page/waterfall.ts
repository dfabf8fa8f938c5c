/**
 * The waterfall: one row per span (name indented by depth, type badge, a bar placed and sized on
 * the trace's time scale, TTFT marked on streamed `llm` spans, failed spans in red), and in a
 * gutter on its left the tool-call links drawn as connectors (see `link-lines.ts`). Only the rows
 * and connectors in view exist in the DOM, so a 10,000-span trace scrolls as smoothly as a small one.
 */
import { h, fill } from "./dom.js";
import { ms } from "./format.js";
import { linkLayout, linkLines } from "./link-lines.js";
import type { ToolLink } from "./links.js";
import type { TreeRow } from "./tree.js";

export const ROW = 26;

export interface Waterfall {
  el: HTMLElement;
  select(spanId: string): void;
}

export function waterfall(rows: TreeRow[], start: number, end: number, links: ToolLink[], onSelect: (row: TreeRow) => void): Waterfall {
  const span = end - start;
  const layout = linkLayout(rows, links);
  const inner = h("div", { class: "wf-inner" });
  inner.style.height = `${rows.length * ROW}px`;
  const viewport = h("div", { class: "wf", testid: "waterfall" }, inner);
  let selected: string | undefined;
  let drawn = "";

  const line = (row: TreeRow, i: number): HTMLElement => {
    const s = row.span;
    const failed = s.status === "failed";
    const left = Number.isFinite(row.start) ? ((row.start - start) / span) * 100 : 0;
    const width = Number.isFinite(row.end - row.start) ? Math.max(0.3, ((row.end - row.start) / span) * 100) : 0.3;
    const bar = h("div", { class: `bar type-${s.span_type.replace(/[^a-z_]/g, "")}${failed ? " failed" : ""}${s.status === "in_progress" ? " open" : ""}` });
    bar.style.left = `${left}%`;
    bar.style.width = `${width}%`;
    const ttft = typeof s.metadata?.time_to_first_token_ms === "number" ? s.metadata.time_to_first_token_ms : undefined;
    let marker: HTMLElement | null = null;
    if (ttft !== undefined && Number.isFinite(row.start)) {
      marker = h("div", { class: "ttft", title: `first token after ${ms(ttft)}`, testid: "ttft" });
      marker.style.left = `${((row.start + ttft - start) / span) * 100}%`;
    }
    const name = h(
      "div",
      { class: "wf-name" },
      h("span", { class: `badge type-${s.span_type.replace(/[^a-z_]/g, "")}` }, s.span_type),
      h("span", { class: "wf-label" }, s.name),
      failed ? h("span", { class: "fail-mark", title: s.error ?? "failed" }, "✕") : null,
    );
    name.style.paddingLeft = `${layout.gutter + 6 + Math.min(row.depth, 40) * 14}px`;
    const el = h(
      "div",
      { class: `wf-row${failed ? " failed" : ""}${s.id === selected ? " selected" : ""}`, testid: "span-row", onclick: () => onSelect(row) },
      name,
      h("div", { class: "wf-track" }, h("div", { class: "wf-lane" }, bar, marker), h("span", { class: "wf-dur" }, ms(s.latency_ms ?? row.end - row.start))),
    );
    el.dataset.spanId = s.id;
    el.dataset.depth = String(row.depth);
    el.style.top = `${i * ROW}px`;
    return el;
  };

  const draw = (force = false): void => {
    const height = viewport.clientHeight || 600;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - 10);
    const last = Math.min(rows.length, Math.ceil((viewport.scrollTop + height) / ROW) + 10);
    const key = `${first}:${last}:${selected ?? ""}`;
    if (!force && key === drawn) return;
    drawn = key;
    const els: HTMLElement[] = [];
    for (let i = first; i < last; i++) els.push(line(rows[i]!, i));
    fill(inner, els, linkLines(layout, first, last, ROW, selected));
  };
  viewport.addEventListener("scroll", () => draw());
  requestAnimationFrame(() => draw(true));
  draw(true);
  return {
    el: viewport,
    select(spanId: string): void {
      selected = spanId;
      const i = rows.findIndex((r) => r.span.id === spanId);
      if (i >= 0 && (i * ROW < viewport.scrollTop || i * ROW > viewport.scrollTop + viewport.clientHeight - ROW)) viewport.scrollTop = Math.max(0, i * ROW - 100);
      draw(true);
    },
  };
}
