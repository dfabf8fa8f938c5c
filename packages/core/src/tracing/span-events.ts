/**
 * Span lifecycle events: how the engine tells the features built on it (tool linking, cost, the
 * trace summary, the exporters' records) what happened, without the span and trace classes
 * knowing any of them. Each client has one {@link SpanEvents}; its subscribers are registered when
 * the client is created (`tracing/subscribers.ts`), more with `client.subscribe()`.
 *
 * Events are emitted for recorded traces only (sampled in, tracing enabled), synchronously, in
 * subscription order. Each event is one slot holding a single dispatcher, or `undefined` when
 * nobody subscribes: the emitting side reads the slot and calls nothing else, so an event nobody
 * listens to costs one property read (bench/spans.mjs, "events" row).
 */
import { types } from "node:util";
import { logger } from "../util/logger.js";
import { promiseThen } from "../util/observe.js";
import { isProxy } from "../util/plain-data.js";

/** Handlers for some of the span lifecycle events (`S`: the span class, `T`: the trace class). */
export interface SpanEventHandlers<S, T> {
  /** The trace's first record is due: it was created, or (lazy) its first span started. */
  traceStarted?(trace: T): void;
  /** A span started (its options are applied). */
  spanStarted?(span: S, trace: T): void;
  /** `recordInput`, with the value as given: the user's own object, to be read as plain data only. */
  inputRecorded?(span: S, input: unknown): void;
  /** `recordOutput`, with the value as given (read it as plain data only). */
  outputRecorded?(span: S, output: unknown): void;
  /** `setToolCalls`, with the calls as given (read them as plain data only). */
  toolCallsRecorded?(span: S, toolCalls: unknown): void;
  /** `setMetadata`: the cleaned keys just merged into the span's metadata. */
  metadataRecorded?(span: S, metadata: Readonly<Record<string, unknown>>): void;
  /** The span ended: its data is final (status, times). */
  spanEnded?(span: S, trace: T): void;
  /** The trace ended: its data is final (status, summary). */
  traceEnded?(trace: T): void;
}

type EventName = keyof SpanEventHandlers<unknown, unknown>;
type Handler = (subject: unknown, value?: unknown) => void;

const EVENT_NAMES: readonly EventName[] = [
  "traceStarted",
  "spanStarted",
  "inputRecorded",
  "outputRecorded",
  "toolCallsRecorded",
  "metadataRecorded",
  "spanEnded",
  "traceEnded",
];

/** One dispatcher per event; a subscriber that throws is logged once and the others still run. */
export class SpanEvents<S, T> {
  traceStarted: ((trace: T) => void) | undefined = undefined;
  spanStarted: ((span: S, trace: T) => void) | undefined = undefined;
  inputRecorded: ((span: S, input: unknown) => void) | undefined = undefined;
  outputRecorded: ((span: S, output: unknown) => void) | undefined = undefined;
  toolCallsRecorded: ((span: S, toolCalls: unknown) => void) | undefined = undefined;
  metadataRecorded: ((span: S, metadata: Readonly<Record<string, unknown>>) => void) | undefined = undefined;
  spanEnded: ((span: S, trace: T) => void) | undefined = undefined;
  traceEnded: ((trace: T) => void) | undefined = undefined;
  private readonly subscribers: Array<Partial<Record<EventName, Handler>>> = [];

  /**
   * Adds handlers (called after those subscribed before them); returns the function that removes
   * them. Handlers are read once, here, as plain data: a Proxy or anything but an object is ignored.
   */
  subscribe(handlers: SpanEventHandlers<S, T>): () => void {
    const read = readHandlers(handlers);
    if (!read) return () => undefined;
    this.subscribers.push(read);
    this.rebuild();
    return () => {
      const i = this.subscribers.indexOf(read);
      if (i >= 0) {
        this.subscribers.splice(i, 1);
        this.rebuild();
      }
    };
  }

  private rebuild(): void {
    const slots = this as unknown as Record<EventName, Handler | undefined>;
    for (const name of EVENT_NAMES) {
      const handlers = this.subscribers.map((s) => s[name]).filter((h): h is Handler => h !== undefined);
      slots[name] = dispatcher(name, handlers);
    }
  }
}

function readHandlers(value: unknown): Partial<Record<EventName, Handler>> | undefined {
  if (value === null || typeof value !== "object" || isProxy(value)) {
    logger.once("warn", "span-events-subscribe", "subscribe() needs an object of event handlers; ignored");
    return undefined;
  }
  const out: Partial<Record<EventName, Handler>> = {};
  try {
    for (const name of EVENT_NAMES) {
      const h = (value as Record<string, unknown>)[name];
      if (typeof h === "function") out[name] = h.bind(value) as Handler;
    }
  } catch (err) {
    logger.once("warn", "span-events-subscribe-read", "subscribe(): the handlers could not be read; ignored", err);
    return undefined;
  }
  return out;
}

/**
 * An `async` handler's rejection is reported like a throw: left alone it would be an unhandled
 * rejection, which ends the process. Only native promises are caught (a thenable's `then` is
 * user code); the built-in handlers return nothing, so this costs them one comparison.
 */
function catchAsync(result: unknown, report: (err: unknown) => void): void {
  if (result !== undefined && types.isPromise(result)) promiseThen.call(result, undefined, report);
}

function dispatcher(name: EventName, handlers: readonly Handler[]): Handler | undefined {
  const report = (err: unknown): void => logger.once("error", `span-event:${name}`, `a subscriber of the "${name}" span event threw; ignored`, err);
  if (handlers.length === 0) return undefined;
  if (handlers.length === 1) {
    const only = handlers[0]!;
    return (subject, value) => {
      try {
        catchAsync(only(subject, value), report);
      } catch (err) {
        report(err);
      }
    };
  }
  const all = [...handlers];
  return (subject, value) => {
    for (const h of all) {
      try {
        catchAsync(h(subject, value), report);
      } catch (err) {
        report(err);
      }
    }
  };
}
