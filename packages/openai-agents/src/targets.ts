/**
 * What `tracium.instrument()` accepts for the Agents SDK: the module namespace (or CJS exports) of
 * `@openai/agents` or `@openai/agents-core`, which export `addTraceProcessor` and
 * `setTraceProcessors` next to `Agent` and `run`. Structural, never throws.
 */
import { safeGet } from "@tracium/core";

/** The tracing functions of an Agents SDK module. */
export interface AgentsTracingApi {
  addTraceProcessor(processor: unknown): void;
  setTraceProcessors(processors: unknown[]): void;
}

function api(value: unknown): AgentsTracingApi | undefined {
  const add = safeGet(value, "addTraceProcessor");
  const set = safeGet(value, "setTraceProcessors");
  if (typeof add !== "function" || typeof set !== "function") return undefined;
  if (typeof safeGet(value, "Agent") !== "function" || typeof safeGet(value, "run") !== "function") return undefined;
  return {
    addTraceProcessor: (p) => void Reflect.apply(add, value, [p]),
    setTraceProcessors: (ps) => void Reflect.apply(set, value, [ps]),
  };
}

/** The tracing API `target` (a module namespace, or one with the module as `default`) offers. */
export function agentsTracingApi(target: unknown): AgentsTracingApi | undefined {
  if (target === null || (typeof target !== "object" && typeof target !== "function")) return undefined;
  return api(target) ?? api(safeGet(target, "default"));
}

/**
 * Why `target` cannot be traced when it looks like the Agents SDK (it has `Agent` and `run`) but
 * lacks the tracing processor API; undefined when it does not look like the SDK at all.
 */
export function agentsShapeProblem(target: unknown): string | undefined {
  if (target === null || (typeof target !== "object" && typeof target !== "function")) return undefined;
  for (const value of [target, safeGet(target, "default")]) {
    if (typeof safeGet(value, "Agent") !== "function" || typeof safeGet(value, "run") !== "function") continue;
    if (agentsTracingApi(value)) return undefined;
    const missing = ["addTraceProcessor", "setTraceProcessors"].filter((k) => typeof safeGet(value, k) !== "function");
    return `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing`;
  }
  return undefined;
}
