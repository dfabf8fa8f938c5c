/**
 * Process-wide state of the LangChain integration. It hangs off `globalThis` under a registered
 * symbol so that the ESM and the CJS build of this package (both may be loaded) share one global
 * handler and one model-call context: a model patched by one build and a handler created by the
 * other still find each other.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Span } from "@tracium/core";

/** Brand carried by every `TraciumCallbackHandler` (of either build). */
export const HANDLER_BRAND = Symbol.for("tracium.langchain.handler");

/** What the patches need from a handler (kept structural so both builds interoperate). */
export interface HandlerLike {
  readonly [HANDLER_BRAND]: true;
  /** The span recorded for a LangChain run, while the run is open. */
  spanForRun(runId: string): Span | undefined;
  /** Ties an open `llm` run to the model call it runs in (its end releases the suppression). */
  adoptModelCall(runId: string, call: ModelCall): boolean;
  /**
   * Ends an `llm` run whose model call finished without an end or error event (stream closed
   * early); `received` is the text the consumer got, when known.
   */
  abandonRun(runId: string, reason: string, received?: string): void;
}

/**
 * One execution of a model's generation entry point (`_generateUncached`, `_streamIterator`).
 * `runs` holds the `llm` runs a Tracium handler started inside it and has not ended yet: while it
 * is not empty, provider spans are suppressed for code running in this call.
 */
export interface ModelCall {
  readonly runs: Map<string, HandlerLike>;
}

export interface SharedState {
  /** The handler added to every LangChain run by the patched `CallbackManager._configureSync`. */
  globalHandler: HandlerLike | undefined;
  /** The model call the current code runs in (undefined outside, and inside tool bodies). */
  readonly calls: AsyncLocalStorage<ModelCall | undefined>;
}

const KEY = Symbol.for("tracium.langchain.state.v1");

export const shared: SharedState = ((): SharedState => {
  const g = globalThis as Record<symbol, SharedState | undefined>;
  const existing = g[KEY];
  if (existing) return existing;
  const created: SharedState = { globalHandler: undefined, calls: new AsyncLocalStorage<ModelCall | undefined>() };
  Object.defineProperty(g, KEY, { value: created, enumerable: false, configurable: true });
  return created;
})();

/** True for a `TraciumCallbackHandler` of either build. */
export function isTraciumHandler(value: unknown): value is HandlerLike {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as Partial<Record<typeof HANDLER_BRAND, unknown>>)[HANDLER_BRAND] === true
  );
}
