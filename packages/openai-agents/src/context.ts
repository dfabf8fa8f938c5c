/**
 * Tracium context from the Agents SDK's own: the SDK keeps its current span in one
 * AsyncLocalStorage shared by every copy of `@openai/agents-core` (under a registered global
 * symbol). The context source registered here reads it when Tracium needs the active context (a
 * span starting, a provider call), so code running inside an SDK span nests under that span's
 * mirror without any patch of the SDK.
 */
import { registerContextSource, safeGet, type ContextSource } from "@tracium/core";
import type { TraciumTracingProcessor } from "./processor.js";
import { recordsModelCall } from "./processor.js";

const AGENTS_CONTEXT = Symbol.for("openai.agents.core.asyncLocalStorage");

/** The id of the Agents SDK span current in this async context, if any. */
export function currentAgentsSpanId(): string | undefined {
  const storage = (globalThis as Record<symbol, unknown>)[AGENTS_CONTEXT];
  const getStore = safeGet(storage, "getStore");
  if (typeof getStore !== "function") return undefined;
  const store: unknown = Reflect.apply(getStore, storage, []);
  if (safeGet(store, "active") !== true) return undefined;
  const id = safeGet(safeGet(store, "span"), "spanId");
  return typeof id === "string" ? id : undefined;
}

/** Registers the context source for `processor`; returns the function that removes it. */
export function registerAgentsContext(processor: TraciumTracingProcessor): () => void {
  const source: ContextSource = (own) => {
    const id = currentAgentsSpanId();
    if (id === undefined) return undefined;
    const mirror = processor.mirrorOf(id);
    if (!mirror || mirror.span.isEnded || !processor.prefersMirror(own, mirror)) return undefined;
    return { store: mirror.store, suppressProviderSpans: recordsModelCall(mirror) };
  };
  return registerContextSource(source);
}
