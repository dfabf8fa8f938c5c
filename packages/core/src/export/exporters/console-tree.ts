/**
 * Renders one ended trace as a readable text tree (the console exporter's output).
 * Pure: no I/O, so a viewer can reuse it. Every string taken from the trace goes through `safe()`
 * (control characters escaped), since it ends up on a terminal.
 */
import { costTotal, formatUsd } from "../../model/cost/format.js";
import type { SpanData, TraceData } from "../../model/records.js";
import { escapeControlChars as safe } from "../../util/terminal-text.js";

/** Extra facts to print under the tree. */
export interface TreeNotes {
  /** Spans of this trace that were not kept (buffer limits). */
  droppedSpans?: number;
}

/**
 * The trace as text: a header (agent, status, duration), one line per span indented by parentage
 * (type, name, model, tokens, latency, status), then totals. Ends with a newline.
 */
export function formatTraceTree(trace: TraceData, spans: readonly SpanData[], notes: TreeNotes = {}): string {
  const lines: string[] = [header(trace)];
  if (trace.status === "failed" && trace.error) lines.push(`  error: ${oneLine(trace.error)}`);
  lines.push(...treeLines(spans));
  lines.push(`  ${totals(spans)}`);
  if (notes.droppedSpans) lines.push(`  (${notes.droppedSpans} span(s) not shown: console buffer full)`);
  return `${lines.join("\n")}\n`;
}

function header(trace: TraceData): string {
  const duration = trace.endedAt !== undefined ? `  ${formatMs(trace.endedAt - trace.startedAt)}` : "";
  const model = trace.modelId ? `  model ${safe(trace.modelId)}` : "";
  return `[tracium] trace ${safe(trace.agentName)}  ${safe(trace.status)}${duration}${model}  (${safe(trace.id)})`;
}

/** Span lines, children under their parent in start order; a span whose parent is absent is a root. */
function treeLines(spans: readonly SpanData[]): string[] {
  const byId = new Map(spans.map((s) => [s.id, s]));
  const children = new Map<string | undefined, SpanData[]>();
  for (const span of spans) {
    const parent = span.parentSpanId !== undefined && byId.has(span.parentSpanId) ? span.parentSpanId : undefined;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.startedAt - b.startedAt);

  const out: string[] = [];
  const seen = new Set<string>();
  // Iterative depth-first walk: a deep agent must not overflow the stack.
  const stack: Array<{ span: SpanData; prefix: string; last: boolean }> = [];
  const pushChildren = (parent: string | undefined, prefix: string): void => {
    const list = children.get(parent) ?? [];
    for (let i = list.length - 1; i >= 0; i--) stack.push({ span: list[i]!, prefix, last: i === list.length - 1 });
  };
  const walk = (): void => {
    while (stack.length > 0) {
      const { span, prefix, last } = stack.pop()!;
      if (seen.has(span.id)) continue;
      seen.add(span.id);
      out.push(`${prefix}${last ? "└─ " : "├─ "}${spanLine(span)}`);
      pushChildren(span.id, `${prefix}${last ? "   " : "│  "}`);
    }
  };
  pushChildren(undefined, "  ");
  walk();
  // Spans caught in a parent cycle (bad data) are reachable from no root: print them as roots.
  for (const span of spans) {
    if (seen.has(span.id)) continue;
    stack.push({ span, prefix: "  ", last: true });
    walk();
  }
  return out;
}

function spanLine(span: SpanData): string {
  const parts = [`${safe(span.spanType)} ${safe(span.name)}`];
  if (span.modelId) parts.push(safe(span.modelId));
  const tokens = tokenText(span);
  if (tokens) parts.push(safe(tokens));
  const cost = costTotal(span.metadata.cost);
  if (cost !== undefined) parts.push(formatUsd(cost));
  if (span.latencyMs !== undefined) parts.push(formatMs(span.latencyMs));
  parts.push(span.status === "failed" && span.error ? `failed: ${oneLine(span.error)}` : safe(span.status));
  return parts.join(" · ");
}

function tokenText(span: SpanData): string {
  const u = span.usage;
  const parts: string[] = [];
  if (u.inputTokens !== undefined) parts.push(`in ${u.inputTokens}`);
  if (u.outputTokens !== undefined) parts.push(`out ${u.outputTokens}`);
  if (u.cachedInputTokens) parts.push(`cached ${u.cachedInputTokens}`);
  if (u.cacheCreationInputTokens) parts.push(`cache write ${u.cacheCreationInputTokens}`);
  if (u.reasoningTokens) parts.push(`reasoning ${u.reasoningTokens}`);
  return parts.length > 0 ? `tokens ${parts.join(" ")}` : "";
}

function totals(spans: readonly SpanData[]): string {
  let input = 0;
  let output = 0;
  let cached = 0;
  let llmCalls = 0;
  let cost: number | undefined;
  const models = new Set<string>();
  for (const s of spans) {
    const spanCost = costTotal(s.metadata.cost);
    if (spanCost !== undefined) cost = (cost ?? 0) + spanCost;
    input += s.usage.inputTokens ?? 0;
    output += s.usage.outputTokens ?? 0;
    cached += s.usage.cachedInputTokens ?? 0;
    if (s.spanType === "llm") llmCalls++;
    if (s.spanType === "llm" && s.modelId) models.add(s.modelId);
  }
  const parts = [`${spans.length} span(s)`, `${llmCalls} llm call(s)`, `tokens ${input + cached + output} (in ${input}, cached ${cached}, out ${output})`];
  if (cost !== undefined) parts.push(`cost ${formatUsd(cost)}`);
  if (models.size > 0) parts.push(`models ${safe([...models].join(", "))}`);
  return `total: ${parts.join(" · ")}`;
}

function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function oneLine(text: string): string {
  const first = text.split("\n", 1)[0] ?? "";
  return safe(first.length > 160 ? `${first.slice(0, 160)}…` : first);
}
