/**
 * Context for integrations that follow a library's `diagnostics_channel` tracing channel (the AI
 * SDK's `ai:telemetry`) instead of patching it. Node runs a traced operation inside
 * `start.runStores(message, fn)`; binding Tracium's async context to that `start` channel makes
 * everything the operation runs (child operations, provider calls, tool bodies) see the span the
 * integration opened for it as the active span, with no change to the library.
 */
import { logger } from "../util/logger.js";
import type { Span } from "../tracing/span.js";
import { runInStore } from "../context/store.js";
import { state, type ContextStore } from "../context/state.js";

/** What a channel message means for the context its operation runs in. */
export interface ChannelContextChoice {
  /** The span to make active for the operation (it becomes the parent of what runs inside). */
  span?: Span | undefined;
  /** `true`: provider plugins skip their spans inside (the integration records the call); `false`: lift that. */
  suppressProviderSpans?: boolean | undefined;
}

/** The part of a `diagnostics_channel` Channel used here (`tracingChannel(name).start`). */
export interface StoreBindableChannel {
  bindStore(store: unknown, transform?: (message: unknown) => unknown): void;
  unbindStore(store: unknown): boolean;
}

/**
 * Binds Tracium's context to a tracing channel's `start` channel. `choose(message)` is called once
 * per message, before the operation runs (and before `start` subscribers): it may open a span and
 * say whether provider spans are suppressed inside. A `choose` that throws is logged once and the
 * operation runs in the context it had. Returns a function that unbinds.
 */
export function bindChannelContext(start: StoreBindableChannel, choose: (message: unknown) => ChannelContextChoice | undefined): () => void {
  const choices = new WeakMap<object, ChannelContextChoice | null>();
  const choiceFor = (message: unknown): ChannelContextChoice | undefined => {
    if (message === null || typeof message !== "object") return undefined;
    const known = choices.get(message);
    if (known !== undefined) return known ?? undefined;
    let choice: ChannelContextChoice | undefined;
    try {
      choice = choose(message) ?? undefined;
    } catch (err) {
      logger.once("warn", "channel-context", "a tracing-channel integration failed to open a span; the operation is unaffected", err);
    }
    choices.set(message, choice ?? null);
    return choice;
  };
  // A transform that throws would become an uncaught exception in Node: nothing here throws.
  const contextTransform = (message: unknown): unknown => {
    try {
      const span = choiceFor(message)?.span;
      if (!span || span.isEnded) return state.als.getStore();
      let store: ContextStore | undefined;
      runInStore(span.trace, span, () => {
        store = state.als.getStore();
      });
      return store ?? state.als.getStore();
    } catch {
      return state.als.getStore();
    }
  };
  const suppressTransform = (message: unknown): unknown => {
    const current = state.suppress.getStore();
    try {
      const flag = choiceFor(message)?.suppressProviderSpans;
      return typeof flag === "boolean" ? flag : current;
    } catch {
      return current;
    }
  };
  start.bindStore(state.als, contextTransform);
  start.bindStore(state.suppress, suppressTransform);
  return () => {
    try {
      start.unbindStore(state.als);
      start.unbindStore(state.suppress);
    } catch {
      // already unbound
    }
  };
}
