/**
 * The tool-call links drawn in the waterfall's left gutter: a connector from the row of the `llm`
 * span that asked for a call to the row of the span that ran it (`call`), and from there to the row
 * of the `llm` span that read the result (`result`), with an arrow at the receiving row. Links that
 * overlap get their own lanes (a few; more share the last). Only the links crossing the rows in view
 * are drawn.
 */
import type { ToolLink } from "./links.js";
import type { TreeRow } from "./tree.js";

const SVG = "http://www.w3.org/2000/svg";
const LANE = 6;
const MAX_LANES = 6;

/** One link placed: its rows (from, to) and lane. */
interface Placed {
  link: ToolLink;
  from: number;
  to: number;
  lane: number;
}

/** The links placed once per trace; `gutter` is the width they need (0 without links). */
export interface LinkLayout {
  gutter: number;
  placed: Placed[];
}

export function linkLayout(rows: TreeRow[], links: ToolLink[]): LinkLayout {
  const index = new Map(rows.map((r, i) => [r.span.id, i]));
  const placed: Placed[] = [];
  for (const link of links) {
    const from = index.get(link.from);
    const to = index.get(link.to);
    if (from !== undefined && to !== undefined) placed.push({ link, from, to, lane: 0 });
  }
  placed.sort((a, b) => Math.min(a.from, a.to) - Math.min(b.from, b.to));
  // Greedy interval colouring: a lane is free once its last link ended above this one's top row.
  const laneEnds: number[] = [];
  for (const p of placed) {
    const top = Math.min(p.from, p.to);
    let lane = laneEnds.findIndex((end) => end < top);
    if (lane === -1) lane = laneEnds.length < MAX_LANES ? laneEnds.length : MAX_LANES - 1;
    laneEnds[lane] = Math.max(laneEnds[lane] ?? -1, Math.max(p.from, p.to));
    p.lane = lane;
  }
  return { gutter: placed.length === 0 ? 0 : 8 + laneEnds.length * LANE, placed };
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/** The connectors crossing rows `first` to `last - 1`, as one SVG laid over the gutter. */
export function linkLines(layout: LinkLayout, first: number, last: number, rowHeight: number, selected: string | undefined): SVGSVGElement | null {
  if (layout.gutter === 0 || last <= first) return null;
  const svg = el("svg", { class: "link-lines", width: String(layout.gutter), height: String((last - first) * rowHeight) });
  svg.dataset.testid = "tool-link-lines";
  svg.style.top = `${first * rowHeight}px`;
  const g = layout.gutter;
  const y = (row: number): number => (row - first) * rowHeight + rowHeight / 2;
  for (const p of layout.placed) {
    if (Math.max(p.from, p.to) < first || Math.min(p.from, p.to) >= last) continue;
    const x = g - 6 - p.lane * LANE;
    const [ya, yb] = [y(p.from), y(p.to)];
    const active = selected !== undefined && (p.link.from === selected || p.link.to === selected);
    const group = el("g", { class: `tool-link ${p.link.kind}${p.link.inferred ? " inferred" : ""}${active ? " active" : ""}` });
    group.dataset.testid = "tool-link-line";
    group.dataset.kind = p.link.kind;
    group.dataset.from = p.link.from;
    group.dataset.to = p.link.to;
    group.append(
      el("path", { d: `M ${g} ${ya} H ${x} V ${yb} H ${g}` }),
      el("path", { class: "head", d: `M ${g - 4} ${yb - 3} L ${g} ${yb} L ${g - 4} ${yb + 3}` }),
    );
    svg.append(group);
  }
  return svg;
}
