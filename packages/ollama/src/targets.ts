/**
 * Finding what to patch in `ollama` from what the user hands to `instrument()`: the module (its
 * default export is a ready-made client object, and it also exports the `Ollama` class), the
 * class, or a client instance. `ollama` and `ollama/browser` share one base class, whose
 * prototype holds `chat`, `generate` and `embed`. Nothing here throws.
 */
import { methodOwner, safeGet } from "@tracium/core";

/** The API a patched method belongs to. */
export type OllamaOperation = "chat" | "generate" | "embed";

/** One patched method. */
export interface PatchedMethod {
  readonly method: string;
  readonly operation: OllamaOperation;
}

/** Every patched method (adding one is a line here). `embeddings` is the legacy single-prompt endpoint. */
export const PATCHED_METHODS: readonly PatchedMethod[] = [
  { method: "chat", operation: "chat" },
  { method: "generate", operation: "generate" },
  { method: "embed", operation: "embed" },
  { method: "embeddings", operation: "embed" },
];

/** The methods whose presence makes a class an Ollama client. */
export const SHAPE_METHODS = ["chat", "generate", "embed", "pull"] as const;

/** Is `value` the `Ollama` client class (or a subclass)? */
export function isClientClass(value: unknown): boolean {
  if (typeof value !== "function") return false;
  const proto = safeGet(value, "prototype");
  return SHAPE_METHODS.every((m) => methodOwner(proto, m) !== undefined);
}

/** Is `value` an Ollama client instance (the module's default export, `new Ollama()`)? */
export function isClientInstance(value: unknown): boolean {
  return value !== null && typeof value === "object" && isClientClass(safeGet(value, "constructor"));
}

/** The client classes a module namespace or CJS exports reach (`Ollama`, and the default client's class). */
function classesOfModule(value: unknown): Function[] {
  const found: Function[] = [];
  const add = (c: unknown): void => {
    if (isClientClass(c) && !found.includes(c as Function)) found.push(c as Function);
  };
  const visit = (v: unknown, depth: number): void => {
    if (v === null || (typeof v !== "object" && typeof v !== "function")) return;
    add(safeGet(v, "Ollama"));
    const d = safeGet(v, "default");
    if (isClientInstance(d)) add(safeGet(d, "constructor"));
    else if (depth > 0 && d !== v) visit(d, depth - 1);
  };
  visit(value, 1);
  return found;
}

/** The client classes `target` reaches (none when it is not an Ollama value). */
export function clientClasses(target: unknown): Function[] {
  try {
    if (isClientClass(target)) return [target as Function];
    if (isClientInstance(target)) return [safeGet(target, "constructor") as Function];
    return classesOfModule(target);
  } catch {
    return [];
  }
}

/** A method located on the prototype that owns it. */
export interface ResolvedMethod {
  readonly owner: object;
  readonly entry: PatchedMethod;
}

/** The methods `target` reaches, each on its owning prototype, deduplicated. */
export function resolveMethods(target: unknown): ResolvedMethod[] {
  const out: ResolvedMethod[] = [];
  for (const cls of clientClasses(target)) {
    for (const entry of PATCHED_METHODS) {
      const owner = methodOwner(safeGet(cls, "prototype"), entry.method);
      if (owner && !out.some((r) => r.owner === owner && r.entry.method === entry.method)) out.push({ owner, entry });
    }
  }
  return out;
}

/**
 * For `TraciumPlugin.shapeProblem`: when `target` holds a class named `Ollama` (the module's
 * export, the default client's class, or the value itself) that lacks a method the plugin needs,
 * which ones; else undefined.
 */
export function ollamaShapeProblem(target: unknown): string | undefined {
  const candidates = [target, safeGet(target, "Ollama"), safeGet(target, "constructor"), safeGet(safeGet(target, "default"), "constructor")];
  const cls = candidates.find((c): c is Function => typeof c === "function" && safeGet(c, "name") === "Ollama");
  if (!cls) return undefined;
  const proto = safeGet(cls, "prototype");
  const missing = SHAPE_METHODS.filter((m) => methodOwner(proto, m) === undefined).map((m) => `Ollama.prototype.${m}`);
  return missing.length > 0 ? `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing` : undefined;
}
