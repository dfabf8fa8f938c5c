/**
 * The Tracium trace processor for the OpenAI Agents SDK: the SDK calls it as its traces and spans
 * start and end (`addTraceProcessor`), and it mirrors them as Tracium traces and spans.
 *
 * - An Agents SDK trace started inside a Tracium trace (`agentTrace`, a `tracium.span`, a tool of
 *   another traced run) nests under the span active there; otherwise it becomes a Tracium trace
 *   of its own, named after the workflow when the user named it (`withTrace("Support")`), else
 *   after the first agent.
 * - While an SDK span runs, Tracium's context (see `context.ts`) is its mirror, so a provider
 *   call, a `tracium.span()` or a tool body nests under it. Inside a model call (`response`,
 *   `generation`) provider plugins skip their span: the processor records that call itself, from
 *   what the SDK hands its span (request input, the full response with usage), so there is
 *   exactly one `llm` span per model call whether or not the `openai` copy the SDK uses is patched.
 *
 * The SDK awaits each processor method; every method here settles at once and never rejects.
 */
import { activeContext, getClient, logger, type ContextStore, type Span, type Trace } from "@tracium/core";
import { readSpan, readTrace, type AgentsSpanView, type AgentsTraceView } from "./read.js";
import { isModelCall, recordEnd, startOptions } from "./spans.js";

/** The SDK's default name for a run's trace (`run()` without `withTrace`). */
const DEFAULT_WORKFLOW = "Agent workflow";

/** One Agents SDK trace being mirrored. */
interface TraceEntry {
  readonly view: AgentsTraceView;
  /** The Tracium trace: the enclosing one, or ours once the first agent names it. */
  trace: Trace | undefined;
  /** Whether the processor started the Tracium trace (and so ends it). */
  readonly owned: boolean;
  /** The Tracium context active when the SDK trace started (nested runs), else undefined. */
  readonly outer: ContextStore | undefined;
  /** Spans started before an owned trace was created (the workflow span precedes the first agent). */
  readonly pending: AgentsSpanView[];
  /** Mirrors of this trace's spans still open. */
  readonly open: Set<string>;
  /** Why the run failed, from the first failed workflow or agent span. */
  failure: string | undefined;
}

/** The Tracium span mirroring one open Agents SDK span. */
export interface Mirror {
  readonly span: Span;
  readonly parent: Span | undefined;
  readonly type: string;
  readonly entry: TraceEntry;
  /** The context code running inside the SDK span gets. */
  readonly store: ContextStore;
}

/**
 * Implements the Agents SDK's `TracingProcessor` interface (structurally: this package does not
 * load the SDK). Register it with `addTraceProcessor(new TraciumTracingProcessor())`, or let
 * `tracium.instrument(agents)` do it.
 */
export class TraciumTracingProcessor {
  private readonly traces = new Map<string, TraceEntry>();
  private readonly mirrors = new Map<string, Mirror>();
  /** Set while the processor opens a root span (its own context source must not answer then). */
  private opening = false;
  /** Called when the SDK drops this processor (`setTraceProcessors` replaced it, or shutdown). */
  onDetach: (() => void) | undefined;
  /** Whether the processor records (false after `uninstrument`). */
  isEnabled: () => boolean = () => true;

  /** The mirror of the Agents SDK span `spanId`, while it is open (the context source reads it). */
  mirrorOf(spanId: string): Mirror | undefined {
    return this.opening ? undefined : this.mirrors.get(spanId);
  }

  /** Whether code that sees Tracium context `own` should use `mirror`'s context instead. */
  prefersMirror(own: ContextStore | undefined, mirror: Mirror): boolean {
    if (!own || own.trace.isEnded) return true;
    // Tracium's own context is the one the run started in: the SDK's spans are inside it.
    const outer = mirror.entry.outer;
    return outer !== undefined && own.trace === outer.trace && own.span === outer.span;
  }

  async onTraceStart(trace: unknown): Promise<void> {
    this.guard("trace-start", () => {
      const view = readTrace(trace);
      if (!view) return;
      const own = activeContext();
      const nested = own !== undefined && !own.trace.isEnded;
      const entry: TraceEntry = {
        view,
        trace: nested ? own.trace : undefined,
        owned: !nested,
        outer: nested ? own : undefined,
        pending: [],
        open: new Set(),
        failure: undefined,
      };
      this.traces.set(view.traceId, entry);
      if (!nested && view.name && view.name !== DEFAULT_WORKFLOW) this.createTrace(entry, view.name);
    });
  }

  async onSpanStart(span: unknown): Promise<void> {
    this.guard("span-start", () => {
      const view = readSpan(span);
      if (!view) return;
      const entry = this.traces.get(view.traceId);
      if (!entry) return;
      if (!entry.trace) {
        if (view.type !== "agent") {
          entry.pending.push(view);
          return;
        }
        this.createTrace(entry, typeof view.data.name === "string" ? view.data.name : undefined);
      }
      this.open(entry, view);
    });
  }

  async onSpanEnd(span: unknown): Promise<void> {
    this.guard("span-end", () => {
      const view = readSpan(span);
      if (!view) return;
      const waiting = this.traces.get(view.traceId);
      if (waiting && !waiting.trace && waiting.pending.some((p) => p.spanId === view.spanId)) this.createTrace(waiting, undefined);
      const mirror = this.mirrors.get(view.spanId);
      if (!mirror) return;
      const entry = mirror.entry;
      this.mirrors.delete(view.spanId);
      entry.open.delete(view.spanId);
      try {
        recordEnd(view, mirror.span, mirror.parent);
      } finally {
        if (view.error && (view.type === "agent" || view.type === "task") && entry.failure === undefined) entry.failure = view.error.message;
        mirror.span.end();
      }
      // A run that throws never ends its SDK trace (no onTraceEnd): its failed workflow span,
      // the last one open, ends the trace.
      if (view.parentId === undefined && view.error && entry.open.size === 0) this.finish(view.traceId, entry);
    });
  }

  async onTraceEnd(trace: unknown): Promise<void> {
    this.guard("trace-end", () => {
      const view = readTrace(trace);
      if (!view) return;
      const entry = this.traces.get(view.traceId);
      if (entry) this.finish(view.traceId, entry);
    });
  }

  /** Ends the mirror of one SDK trace: its spans still open, and the Tracium trace when it is ours. */
  private finish(traceId: string, entry: TraceEntry): void {
    this.traces.delete(traceId);
    if (!entry.trace && entry.pending.length > 0) this.createTrace(entry, undefined);
    // Spans the SDK left open (an interrupted run keeps its agent span for the resume) end here.
    for (const id of entry.open) {
      this.mirrors.get(id)?.span.end();
      this.mirrors.delete(id);
    }
    if (!entry.owned || !entry.trace) return;
    if (entry.failure !== undefined) entry.trace.fail(entry.failure);
    else entry.trace.end();
  }

  async shutdown(): Promise<void> {
    this.guard("shutdown", () => this.onDetach?.());
  }

  async forceFlush(): Promise<void> {
    // Delivery is the Tracium client's (flush() / the exit drain); nothing is buffered here.
  }

  /** Starts the owned Tracium trace of `entry`, then the spans that waited for it. */
  private createTrace(entry: TraceEntry, agentName: string | undefined): void {
    if (entry.trace) return;
    const client = getClient();
    const { view } = entry;
    const metadata: Record<string, unknown> = { source: "openai-agents", agents_trace_id: view.traceId };
    if (view.name) metadata.workflow_name = view.name;
    if (view.groupId) metadata.group_id = view.groupId;
    if (view.metadata) metadata.agents_metadata = view.metadata;
    const named = view.name && view.name !== DEFAULT_WORKFLOW ? view.name : agentName;
    entry.trace = client.startTrace({ agentName: named ?? client.config.defaultAgentName, metadata });
    // They start with the trace (a few ms after the SDK started them), never before it.
    const waiting = entry.pending.splice(0);
    for (const p of waiting) this.open(entry, { ...p, startedAt: undefined });
  }

  /** Opens the Tracium span mirroring `view`, under its parent's mirror (or the run's outer span). */
  private open(entry: TraceEntry, view: AgentsSpanView): void {
    const trace = entry.trace;
    if (!trace || this.mirrors.has(view.spanId)) return;
    const parentMirror = view.parentId !== undefined ? this.mirrors.get(view.parentId) : undefined;
    const parent = parentMirror?.span ?? entry.outer?.span;
    const options = startOptions(view);
    if (!view.parentId) options.metadata = { ...options.metadata, agents_trace_id: entry.view.traceId };
    let span: Span;
    if (parent) span = parent.startSpan(options);
    else {
      this.opening = true;
      try {
        span = trace.run(() => trace.startSpan(options));
      } finally {
        this.opening = false;
      }
    }
    const mirror: Mirror = { span, parent, type: view.type, entry, store: { trace, span, scope: new Map() } };
    this.mirrors.set(view.spanId, mirror);
    entry.open.add(view.spanId);
  }

  /** Runs one processor step; a failure is logged once and never reaches the SDK. */
  private guard(step: string, fn: () => void): void {
    try {
      if (step !== "shutdown" && step !== "trace-end" && step !== "span-end" && !this.isEnabled()) return;
      fn();
    } catch (err) {
      logger.once("warn", `openai-agents:${step}`, `the OpenAI Agents SDK trace processor failed (${step}); the run is unaffected`, err);
    }
  }
}

/** Whether provider plugins skip their span inside `mirror` (a model call the processor records). */
export function recordsModelCall(mirror: Mirror): boolean {
  return isModelCall(mirror.type);
}
