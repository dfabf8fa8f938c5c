/**
 * Finding the `Models` prototype to patch from whatever the user hands to `instrument()`: the
 * module namespace (ESM `import * as`, or the CJS `require()` result, both export `Models`), the
 * `Models` class, a `GoogleGenAI` client instance or its `models` resource. The ESM and CJS builds
 * of the SDK are different classes; whichever build the target comes from is the one patched.
 *
 * `generateContent`, `generateContentStream` and `embedContent` are per-instance arrow functions,
 * so they cannot be patched on a prototype; every HTTP call they make goes through the prototype
 * methods `generateContentInternal`, `generateContentStreamInternal` and `embedContentInternal`,
 * which are patched instead. Never throws.
 */
import { classesInModule, methodOwner, safeGet } from "@tracium/core";

/** One patched method: its name on the `Models` prototype and what the span calls it. */
export interface PatchedMethod {
  /** Method name on `Models.prototype`. */
  readonly method: string;
  /** `operation` metadata of the span (GenAI `gen_ai.operation.name`). */
  readonly operation: "generate_content" | "embeddings";
  /** Whether the method resolves to an async generator of chunks. */
  readonly stream: boolean;
  /** Span name. */
  readonly spanName: string;
}

/** A method located on the prototype of the SDK build the target came from. */
export interface ResolvedMethod {
  readonly owner: object;
  readonly entry: PatchedMethod;
}

/** Methods whose presence tells the `@google/genai` `Models` resource apart from look-alikes. */
const SIGNATURE = ["generateContentInternal", "generateContentStreamInternal"];

function hasSignature(proto: unknown): boolean {
  return SIGNATURE.every((m) => typeof safeGet(proto, m) === "function");
}

/** Is `value` the `Models` class (or a subclass) of `@google/genai`? */
export function isModelsClass(value: unknown): boolean {
  return typeof value === "function" && hasSignature(safeGet(value, "prototype"));
}

/** Is `value` a `Models` instance (`ai.models`)? */
export function isModelsInstance(value: unknown): boolean {
  return value !== null && typeof value === "object" && hasSignature(Object.getPrototypeOf(value));
}

/** Is `value` a `GoogleGenAI` client instance (it has a `Models` resource)? */
export function isClientInstance(value: unknown): boolean {
  return value !== null && typeof value === "object" && isModelsInstance(safeGet(value, "models"));
}

function classesOfModule(value: unknown): Function[] {
  return classesInModule(value, ["default", "Models"], isModelsClass);
}

/** What kind of target this is, if the plugin handles it. */
export function targetKind(target: unknown): "class" | "instance" | "module" | undefined {
  if (isModelsClass(target)) return "class";
  if (isClientInstance(target) || isModelsInstance(target)) return "instance";
  if (classesOfModule(target).length > 0) return "module";
  return undefined;
}

/** Is `value` the `GoogleGenAI` class itself (which gives no way to its `Models` class)? */
export function isClientClass(value: unknown): boolean {
  return typeof value === "function" && safeGet(value, "name") === "GoogleGenAI" && targetKind(value) === undefined;
}

/** The `Models` prototypes `target` reaches. */
function modelPrototypes(target: unknown): unknown[] {
  const kind = targetKind(target);
  if (kind === "class") return [safeGet(target, "prototype")];
  if (kind === "module") return classesOfModule(target).map((c) => safeGet(c, "prototype"));
  if (kind === "instance") return [Object.getPrototypeOf(isModelsInstance(target) ? target : safeGet(target, "models"))];
  return [];
}

/**
 * The methods `target` reaches, each on the prototype that owns it (patching the prototype covers
 * every client of that SDK build, chats included). Deduplicated by owner and method.
 */
export function resolveMethods(target: unknown, entries: readonly PatchedMethod[]): ResolvedMethod[] {
  const out: ResolvedMethod[] = [];
  try {
    for (const proto of modelPrototypes(target)) {
      for (const entry of entries) {
        const owner = methodOwner(proto, entry.method);
        if (owner && !out.some((r) => r.owner === owner && r.entry.method === entry.method)) out.push({ owner, entry });
      }
    }
  } catch {
    // an exotic target: patch what was found so far
  }
  return out;
}
