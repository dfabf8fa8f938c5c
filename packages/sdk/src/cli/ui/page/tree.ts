/** A trace's spans as a depth-first list (parents before children, siblings by start time). */
import type { Span } from "./types.js";

export interface TreeRow {
  span: Span;
  depth: number;
  start: number;
  end: number;
}

const t = (iso: string | null): number => (iso ? Date.parse(iso) : NaN);

export function flatten(spans: Span[]): { rows: TreeRow[]; start: number; end: number } {
  const ids = new Set(spans.map((s) => s.id));
  const children = new Map<string | null, Span[]>();
  for (const s of spans) {
    // A span whose parent is not in the trace is shown at the top.
    const parent = s.parent_span_id && ids.has(s.parent_span_id) && s.parent_span_id !== s.id ? s.parent_span_id : null;
    const list = children.get(parent);
    if (list) list.push(s);
    else children.set(parent, [s]);
  }
  const byStart = (a: Span, b: Span): number => (t(a.started_at) || 0) - (t(b.started_at) || 0);
  const rows: TreeRow[] = [];
  let min = Infinity;
  let max = -Infinity;
  const seen = new Set<string>();
  // Iterative, so a 10,000-deep chain cannot overflow the stack.
  const walk = (roots: Span[]): void => {
    const stack: Array<{ span: Span; depth: number }> = roots.sort(byStart).reverse().map((span) => ({ span, depth: 0 }));
    while (stack.length > 0) {
      const { span, depth } = stack.pop()!;
      if (seen.has(span.id)) continue;
      seen.add(span.id);
      const start = t(span.started_at);
      const end = Number.isFinite(t(span.completed_at)) ? t(span.completed_at) : start + (span.latency_ms ?? 0);
      if (Number.isFinite(start)) min = Math.min(min, start);
      if (Number.isFinite(end)) max = Math.max(max, end);
      rows.push({ span, depth, start, end });
      const kids = (children.get(span.id) ?? []).sort(byStart);
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: depth + 1 });
    }
  };
  walk([...(children.get(null) ?? [])]);
  // Spans no root reaches (parents in a cycle, in a hand-made file) are shown at the top too, as `view` shows them.
  if (seen.size < ids.size) for (const s of [...spans].sort(byStart)) if (!seen.has(s.id)) walk([s]);
  if (!Number.isFinite(min)) min = 0;
  if (!Number.isFinite(max) || max <= min) max = min + 1;
  return { rows, start: min, end: max };
}
