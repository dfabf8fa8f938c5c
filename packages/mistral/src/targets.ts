/**
 * Finding what to patch in `@mistralai/mistralai` from what the user hands to `instrument()`: the
 * module namespace (ESM only; `require()` of it on Node ≥ 20.19 gives the same namespace), the
 * `Mistral` class (or a subclass) or a client instance.
 *
 * The SDK (Speakeasy-generated) builds its resources lazily behind getters on the client
 * prototype (`get chat() { return this._chat ??= new Chat(this._options) }`), and does not export
 * the resource classes from its entry. So the plugin wraps the `chat` and `embeddings` getters, and
 * patches a resource's prototype the first time the getter hands one out. Nothing here throws.
 */
import { classesInModule, safeGet } from "@tracium/core";

/** One patched method of a resource. */
export interface PatchedMethod {
  /** The client getter that builds the resource (`chat`, `embeddings`). */
  readonly resource: "chat" | "embeddings";
  /** Method on the resource prototype. */
  readonly method: string;
  /** The span's `operation` metadata; selects the extractors. */
  readonly operation: "chat" | "embeddings";
  /** Whether the method returns an event stream. */
  readonly stream: boolean;
}

/**
 * Every patched method. `parse()`/`parseStream()` call the HTTP function directly (not
 * `complete()`/`stream()`), so each is patched on its own: still one span per HTTP call.
 */
export const PATCHED_METHODS: readonly PatchedMethod[] = [
  { resource: "chat", method: "complete", operation: "chat", stream: false },
  { resource: "chat", method: "stream", operation: "chat", stream: true },
  { resource: "chat", method: "parse", operation: "chat", stream: false },
  { resource: "chat", method: "parseStream", operation: "chat", stream: true },
  { resource: "embeddings", method: "create", operation: "embeddings", stream: false },
];

/** The client getters the plugin wraps. */
export const RESOURCE_GETTERS: readonly PatchedMethod["resource"][] = ["chat", "embeddings"];

/** The object on `proto`'s chain that defines `key` as a getter (below Object.prototype). */
export function getterOwner(proto: unknown, key: string): object | undefined {
  let p = proto;
  for (let depth = 0; depth < 16 && p && p !== Object.prototype && p !== Function.prototype; depth++) {
    try {
      const desc = Object.getOwnPropertyDescriptor(p, key);
      if (desc) return typeof desc.get === "function" ? (p as object) : undefined;
      p = Object.getPrototypeOf(p);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Is `value` the `Mistral` client class (a class whose prototype has the `chat`, `embeddings` and `fim` getters)? */
export function isClientClass(value: unknown): boolean {
  if (typeof value !== "function") return false;
  const proto = safeGet(value, "prototype");
  return getterOwner(proto, "chat") !== undefined && getterOwner(proto, "embeddings") !== undefined && getterOwner(proto, "fim") !== undefined;
}

/** Is `value` a `Mistral` client instance? */
export function isClientInstance(value: unknown): boolean {
  return value !== null && typeof value === "object" && isClientClass(safeGet(value, "constructor"));
}

/** What kind of target this is, if the plugin handles it. */
export function targetKind(target: unknown): "class" | "instance" | "module" | undefined {
  try {
    if (isClientClass(target)) return "class";
    if (isClientInstance(target)) return "instance";
    if (classesInModule(target, ["Mistral", "default"], isClientClass).length > 0) return "module";
  } catch {
    // an exotic value: not ours
  }
  return undefined;
}

/** The client classes `target` reaches. */
export function clientClasses(target: unknown): Function[] {
  switch (targetKind(target)) {
    case "class":
      return [target as Function];
    case "instance":
      return [safeGet(target, "constructor") as Function];
    case "module":
      return classesInModule(target, ["Mistral", "default"], isClientClass);
    default:
      return [];
  }
}

/**
 * For `TraciumPlugin.shapeProblem`: when `target` holds a class named `Mistral` (or is one, or an
 * instance of one) that lacks a resource getter the plugin wraps, which ones; else undefined.
 */
export function mistralShapeProblem(target: unknown): string | undefined {
  const candidates = [target, safeGet(target, "Mistral"), safeGet(target, "default"), safeGet(target, "constructor")];
  const cls = candidates.find((c): c is Function => typeof c === "function" && safeGet(c, "name") === "Mistral");
  if (!cls) return undefined;
  const proto = safeGet(cls, "prototype");
  const missing = ["chat", "embeddings", "fim"].filter((key) => getterOwner(proto, key) === undefined).map((key) => `Mistral.prototype.${key} (getter)`);
  return missing.length > 0 ? `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing` : undefined;
}
