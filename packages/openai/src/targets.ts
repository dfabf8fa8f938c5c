/**
 * What is patched, and where to find it. A declarative list of methods (adding a method is one
 * line), and the lookup from whatever the user hands to `instrument()` — the module namespace (ESM
 * `import * as`, or the CJS `require()` result), the client class (`OpenAI`, `AzureOpenAI`, a
 * subclass) or a client instance — to the resource prototypes of that build of the SDK. The ESM and
 * CJS builds are different classes: whichever build the target comes from is the one patched.
 * Only `create` is patched: the SDK helpers (`stream()`, `parse()`, `runTools()`,
 * `responses.stream()`, v4's `beta.chat.completions.*`) call it, so each HTTP call is one span.
 * Nothing here throws.
 */
import { classesInModule, methodOwner, safeGet, safeWalk } from "@tracium/core";

/** The API a patched method belongs to (the span's `operation` metadata). */
export type OpenAIOperation = "chat" | "responses" | "embeddings" | "completions";

/** One patched method. */
export interface PatchedMethod {
  /** Static path from the client class to the resource class, e.g. `["Chat", "Completions"]`. */
  readonly path: readonly string[];
  /** Method name on the resource prototype. */
  readonly method: string;
  /** The span's `operation` metadata; also selects the request/response/stream extractors. */
  readonly operation: OpenAIOperation;
}

/** Every method the plugin patches, when the SDK version has it. */
export const PATCHED_METHODS: readonly PatchedMethod[] = [
  { path: ["Chat", "Completions"], method: "create", operation: "chat" },
  { path: ["Responses"], method: "create", operation: "responses" },
  { path: ["Embeddings"], method: "create", operation: "embeddings" },
  { path: ["Completions"], method: "create", operation: "completions" },
];

/** Property path from a client instance to the resource: `["Chat", "Completions"]` → `["chat", "completions"]`. */
export function instancePath(entry: PatchedMethod): string[] {
  return entry.path.map((k) => k.charAt(0).toLowerCase() + k.slice(1));
}

/**
 * The span name: `openai.chat.completions`, `openai.responses`, `openai.embeddings`,
 * `openai.completions` (another provider's name in front for an OpenAI-compatible SDK).
 */
export function spanName(entry: PatchedMethod, provider = "openai"): string {
  return [provider, ...instancePath(entry)].join(".");
}

/** A method found on a prototype of the SDK build the target came from. */
export interface ResolvedMethod {
  readonly owner: object;
  readonly entry: PatchedMethod;
}

function hasCreate(resourceClass: unknown): boolean {
  return typeof resourceClass === "function" && typeof safeGet(safeGet(resourceClass, "prototype"), "create") === "function";
}

/**
 * Is `value` an OpenAI client class (`OpenAI`, `AzureOpenAI`, a subclass)? Structural: it has the
 * Chat Completions and Embeddings resources, and Responses or legacy Completions.
 */
export function isClientClass(value: unknown): boolean {
  if (typeof value !== "function") return false;
  return (
    hasCreate(safeWalk(value, ["Chat", "Completions"])) &&
    hasCreate(safeGet(value, "Embeddings")) &&
    (hasCreate(safeGet(value, "Responses")) || hasCreate(safeGet(value, "Completions")))
  );
}

/** Is `value` an OpenAI client instance (`new OpenAI()`, `new AzureOpenAI()`, `withOptions()` copies)? */
export function isClientInstance(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (isClientClass(safeGet(value, "constructor"))) return true;
  const chatCreate = safeGet(safeWalk(value, ["chat", "completions"]), "create");
  const embeddingsCreate = safeGet(safeGet(value, "embeddings"), "create");
  const hasCreate = (key: string) => typeof safeGet(safeGet(value, key), "create") === "function";
  return typeof chatCreate === "function" && typeof embeddingsCreate === "function" && (hasCreate("responses") || hasCreate("completions"));
}

/**
 * How to recognise the clients of one Stainless-generated SDK: `openai`, or an OpenAI-compatible
 * one such as `groq-sdk` (same resource classes, same APIPromise and Stream).
 */
export interface ClientShape {
  /** Is this the SDK's client class (or a subclass)? Structural, never throws. */
  isClientClass(value: unknown): boolean;
  /** Is this a client instance? Structural, never throws. */
  isClientInstance(value: unknown): boolean;
  /** Export names of a module namespace or CJS exports that hold client classes. */
  readonly moduleKeys: readonly string[];
}

/** The `openai` SDK: `OpenAI`, `AzureOpenAI`, subclasses and their instances. */
export const OPENAI_SHAPE: ClientShape = {
  isClientClass,
  isClientInstance,
  moduleKeys: ["default", "OpenAI", "AzureOpenAI"],
};

/** Client classes held by a module namespace or CJS exports (one nested `default` looked into). */
function classesOfModule(value: unknown, shape: ClientShape): Function[] {
  return classesInModule(value, shape.moduleKeys, (v) => shape.isClientClass(v));
}

/** What kind of target this is, if the plugin handles it. */
export function targetKind(target: unknown, shape: ClientShape = OPENAI_SHAPE): "class" | "instance" | "module" | undefined {
  try {
    if (shape.isClientClass(target)) return "class";
    if (shape.isClientInstance(target)) return "instance";
    if (classesOfModule(target, shape).length > 0) return "module";
  } catch {
    // exotic value (a revoked proxy…): not ours
  }
  return undefined;
}

/** Prototypes of the client classes `target` reaches (where the SDK builds its requests). */
export function clientPrototypes(target: unknown, shape: ClientShape = OPENAI_SHAPE): object[] {
  const out: object[] = [];
  const add = (cls: unknown): void => {
    const proto = safeGet(cls, "prototype");
    if (proto !== null && typeof proto === "object" && !out.includes(proto)) out.push(proto);
  };
  try {
    const kind = targetKind(target, shape);
    if (kind === "class") add(target);
    else if (kind === "instance") {
      const proto: unknown = Object.getPrototypeOf(target);
      if (proto !== null && typeof proto === "object") out.push(proto);
    } else if (kind === "module") for (const cls of classesOfModule(target, shape)) add(cls);
  } catch {
    // an exotic target: what was found so far
  }
  return out;
}

/**
 * The methods `target` reaches, each on the prototype that owns it (patching the prototype covers
 * every client of that SDK build). Deduplicated by owner and method.
 */
export function resolveMethods(target: unknown, entries: readonly PatchedMethod[] = PATCHED_METHODS, shape: ClientShape = OPENAI_SHAPE): ResolvedMethod[] {
  const out: ResolvedMethod[] = [];
  const add = (owner: object | undefined, entry: PatchedMethod): void => {
    if (owner && !out.some((r) => r.owner === owner && r.entry.method === entry.method)) out.push({ owner, entry });
  };
  try {
    const kind = targetKind(target, shape);
    if (kind === "instance") {
      for (const entry of entries) {
        const resource = safeWalk(target, instancePath(entry));
        if (resource !== null && typeof resource === "object") add(methodOwner(Object.getPrototypeOf(resource), entry.method), entry);
      }
      // The instance's class may also expose the resource classes (covers resources not built yet).
      const cls = safeGet(target, "constructor");
      if (shape.isClientClass(cls)) for (const entry of entries) add(methodOwner(safeGet(safeWalk(cls, entry.path), "prototype"), entry.method), entry);
      return out;
    }
    const classes = kind === "class" ? [target as Function] : kind === "module" ? classesOfModule(target, shape) : [];
    for (const cls of classes) {
      for (const entry of entries) add(methodOwner(safeGet(safeWalk(cls, entry.path), "prototype"), entry.method), entry);
    }
  } catch {
    // an exotic target: patch what was found so far
  }
  return out;
}
