/**
 * De-duplication between integrations: a framework integration that already records an LLM call
 * as a span (LangChain's handler) runs the call under `suppressProviderSpans`, and provider
 * plugins (openai, anthropic) check `isProviderSpanSuppressed()` before starting their own span.
 * The flag lives in its own async context, so it covers exactly that call: a direct SDK call made
 * elsewhere at the same time is still traced.
 */
import type { AsyncLocalStorage } from "node:async_hooks";
import { externalContext } from "./sources.js";
import { state } from "./state.js";

/** `true`/`false`, or a condition evaluated when a provider call starts (see `suppressProviderSpans`). */
type Suppression = boolean | (() => boolean);

const suppress = state.suppress as unknown as AsyncLocalStorage<Suppression>;

/**
 * Runs `fn` with provider spans suppressed for everything it calls. With `when`, the decision is
 * made later: a provider call started inside `fn` is suppressed only if `when()` returns true at
 * that moment (the LangChain integration uses this: its handler learns, inside the model call,
 * whether it records that call).
 */
export function suppressProviderSpans<R>(fn: () => R, when?: () => boolean): R {
  return suppress.run(typeof when === "function" ? when : true, fn);
}

/** Runs `fn` with suppression lifted (e.g. a tool body inside a suppressed model run). */
export function unsuppressProviderSpans<R>(fn: () => R): R {
  return suppress.run(false, fn);
}

/** True when the current call is already traced by an integration. */
export function isProviderSpanSuppressed(): boolean {
  const s = suppress.getStore();
  // Nothing set here: a framework's own tracing may record the call (see sources.ts).
  if (s === undefined) return externalContext(state.als.getStore())?.suppressProviderSpans === true;
  if (typeof s !== "function") return s === true;
  try {
    return s() === true;
  } catch {
    return false;
  }
}
