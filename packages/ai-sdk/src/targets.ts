/**
 * What `instrument()` / the zero-code hooks hand the plugin: the `ai` module (an ES module
 * namespace, the CommonJS exports, or a CJS build seen through ESM interop under `default`).
 * `ai` 7 is recognised by `registerTelemetry` (it publishes on the `ai:telemetry` channel); `ai` 5
 * and 6 by their operation functions without it.
 */
import { safeGet } from "@tracium/core";

/** How a copy of `ai` is traced. */
export type AiModuleKind = "channel" | "exports";

function isAiModule(value: unknown): boolean {
  return typeof safeGet(value, "generateText") === "function" && typeof safeGet(value, "streamText") === "function" && typeof safeGet(value, "embed") === "function";
}

/** The `ai` module objects `target` holds (itself, or its `default`). */
export function aiModules(target: unknown): object[] {
  const out: object[] = [];
  if (target !== null && (typeof target === "object" || typeof target === "function")) {
    if (isAiModule(target)) out.push(target);
    const inner = safeGet(target, "default");
    if (inner !== target && isAiModule(inner)) out.push(inner as object);
  }
  return out;
}

/** `channel` for `ai` 7 (and later), `exports` for `ai` 5/6. */
export function moduleKind(mod: object): AiModuleKind {
  return typeof safeGet(mod, "registerTelemetry") === "function" ? "channel" : "exports";
}

/** Whether `target` is (or holds) an `ai` module. */
export function isAiTarget(target: unknown): boolean {
  try {
    return aiModules(target).length > 0;
  } catch {
    return false;
  }
}
