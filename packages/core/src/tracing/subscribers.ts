/**
 * The span event subscribers every client starts with, in the order they run: tool linking
 * (recorded tool calls, `tool_call_id`, tool results in a model request), cost (prices an ended
 * model call), the trace summary (rolls it up; after cost, so its price counts), and the exporters'
 * records (last: a `span_end` record carries the span as the others left it).
 */
import type { ExportRecord, SpanData, TraceData } from "../model/records.js";
import type { SpanEventHandlers } from "./span-events.js";
import { summarySubscriber, type SummarisedTrace } from "./trace-summary.js";
import { toolLinkSubscriber, type LinkableSpan } from "./tool-links/index.js";

/** What the default subscribers read of a span and a trace (`Span` and `Trace` have it). */
export interface SubscribedSpan extends LinkableSpan {
  readonly data: SpanData;
}
export type SubscribedTrace = SummarisedTrace;

/** What the default subscribers need of the client. */
export interface SubscriberHost {
  /** Prices an ended model-call span (adds `metadata.cost`), or does nothing (cost off). */
  priceSpan(span: SpanData): void;
  /** Hands a record to the exporters. */
  emit(record: ExportRecord): void;
  /** Whether cost is on (when off, no cost subscriber is registered). */
  readonly prices: boolean;
}

/** The records subscriber: the `trace_start`, `span_start`, `span_end`, `trace_end` records. */
function recordSubscriber(host: SubscriberHost): SpanEventHandlers<{ readonly data: SpanData }, { readonly data: TraceData }> {
  return {
    traceStarted: (trace) => host.emit({ kind: "trace_start", trace: trace.data }),
    spanStarted: (span, trace) => host.emit({ kind: "span_start", trace: trace.data, span: span.data }),
    spanEnded: (span, trace) => host.emit({ kind: "span_end", trace: trace.data, span: span.data }),
    traceEnded: (trace) => host.emit({ kind: "trace_end", trace: trace.data }),
  };
}

/** The subscribers a new client registers, in order. */
export function defaultSubscribers(host: SubscriberHost): Array<SpanEventHandlers<SubscribedSpan, SubscribedTrace>> {
  return [
    toolLinkSubscriber,
    ...(host.prices ? [{ spanEnded: (span: SubscribedSpan) => host.priceSpan(span.data) }] : []),
    summarySubscriber,
    recordSubscriber(host),
  ];
}
