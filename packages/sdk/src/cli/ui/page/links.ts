/**
 * The tool-call links of a trace: which `llm` span asked for a call (`call`: llm → the span that
 * ran it) and which `llm` span read its result (`result`: that span → llm). Read from the metadata
 * the SDK records (see core `tool-links.ts`: `llm_span_id`, `tool_call_id`, `tool_span_ids`,
 * `tool_results_for`) and, for spans recorded without it (a tool wrapped by hand), inferred: the
 * oldest call of the same name not yet run, asked before the span started.
 */
import type { Span } from "./types.js";

/** One link between two spans of the trace. */
export interface ToolLink {
  kind: "call" | "result";
  from: string;
  to: string;
  /** The provider's call id, when known. */
  callId: string | undefined;
  /** Matched by tool name and order (no ids were recorded). */
  inferred: boolean;
}

interface Call {
  id: string | undefined;
  name: string | undefined;
  llm: Span;
  /** The span that ran it, once found. */
  ranBy: string | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const time = (s: Span): number => (s.started_at ? Date.parse(s.started_at) : NaN) || 0;
/** Spans that group others rather than run a tool. */
const GROUPS = new Set(["llm", "agent", "chain", "plan"]);

function callsOf(span: Span): Call[] {
  return (span.tool_calls ?? []).map((c) => {
    const r = (c !== null && typeof c === "object" ? c : {}) as Record<string, unknown>;
    const fn = (r.function !== null && typeof r.function === "object" ? r.function : {}) as Record<string, unknown>;
    return { id: str(r.id) ?? str(r.call_id), name: str(fn.name) ?? str(r.name), llm: span, ranBy: undefined };
  });
}

/** Every link of the trace, calls before results, in span start order. */
export function toolLinks(spans: Span[]): ToolLink[] {
  const ordered = [...spans].sort((a, b) => time(a) - time(b));
  const ids = new Set(spans.map((s) => s.id));
  const byCallId = new Map<string, Call>();
  const byName = new Map<string, Call[]>();
  const links: ToolLink[] = [];
  const seen = new Set<string>();
  const add = (kind: ToolLink["kind"], from: string, to: string, callId: string | undefined, inferred: boolean): void => {
    const key = `${kind}|${from}|${to}`;
    if (from === to || seen.has(key)) return;
    seen.add(key);
    links.push({ kind, from, to, callId, inferred });
  };
  for (const span of ordered) {
    const meta = span.metadata ?? {};
    if (span.span_type === "llm") {
      // Results first: this request reads the results of calls asked before it.
      const toolSpans = Array.isArray(meta.tool_span_ids) ? meta.tool_span_ids.filter((id): id is string => typeof id === "string" && ids.has(id)) : [];
      for (const id of toolSpans) add("result", id, span.id, undefined, false);
      for (const callId of Array.isArray(meta.tool_results_for) ? meta.tool_results_for : []) {
        const ranBy = typeof callId === "string" ? byCallId.get(callId)?.ranBy : undefined;
        if (ranBy) add("result", ranBy, span.id, callId as string, false);
      }
      for (const call of callsOf(span)) {
        if (call.id) byCallId.set(call.id, call);
        if (call.name) {
          const queue = byName.get(call.name);
          if (queue) queue.push(call);
          else byName.set(call.name, [call]);
        }
      }
      continue;
    }
    if (GROUPS.has(span.span_type)) continue;
    const askedBy = str(meta.llm_span_id);
    const callId = str(meta.tool_call_id);
    let call = callId ? byCallId.get(callId) : undefined;
    if (askedBy && ids.has(askedBy)) {
      add("call", askedBy, span.id, callId, false);
      if (call) call.ranBy ??= span.id;
      continue;
    }
    if (call) {
      call.ranBy ??= span.id;
      add("call", call.llm.id, span.id, callId, false);
      continue;
    }
    if (callId || askedBy) continue; // linked to a call outside this trace
    // Claimed calls leave the queue, so spans that run calls in order find theirs first.
    const queue = byName.get(span.name) ?? [];
    const at = queue.findIndex((c) => c.ranBy === undefined && time(c.llm) <= time(span));
    call = at === -1 ? undefined : queue.splice(at, 1)[0];
    if (call) {
      call.ranBy = span.id;
      add("call", call.llm.id, span.id, call.id, true);
    }
  }
  return links;
}
