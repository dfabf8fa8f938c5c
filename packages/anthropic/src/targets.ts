/**
 * Finding the resource prototypes to patch from whatever the user hands to `instrument()`: the
 * module namespace (ESM `import * as`, or the CJS `require()` result), the client class
 * (`Anthropic`, a subclass) or a client instance. ESM and CJS builds of the SDK are different
 * classes; whichever build the target comes from is the one patched. Never throws.
 */
import { classesInModule, methodOwner, safeGet, safeWalk, type ResolvedMethod } from "@tracium/core";

/** One patched method: where it lives and what the span calls it. */
export interface PatchedMethod {
  /** Static path from the client class to the resource class, e.g. `["Beta", "Messages"]`. */
  readonly classPath: readonly string[];
  /** Property path from a client instance to the resource instance, e.g. `["beta", "messages"]`. */
  readonly instancePath: readonly string[];
  /** Method name on the resource prototype. */
  readonly method: string;
  /** `operation` metadata of the span (GenAI `gen_ai.operation.name`). */
  readonly operation: string;
  /** Span name. */
  readonly spanName: string;
}

/**
 * The patched methods. Adding a method is one line here (class path from the client class,
 * property path from a client instance, method, operation, span name).
 *
 * Only `create` is patched, on `Messages` and on the separate `Beta.Messages` class. The SDK's
 * helpers all go through it (`messages.stream()` calls `create({ stream: true }).withResponse()`,
 * `parse()` calls `create().then()`), so patching a helper too would record each call twice.
 */
export const PATCHED_METHODS: readonly PatchedMethod[] = [
  { classPath: ["Messages"], instancePath: ["messages"], method: "create", operation: "chat", spanName: "anthropic.messages" },
  { classPath: ["Beta", "Messages"], instancePath: ["beta", "messages"], method: "create", operation: "chat", spanName: "anthropic.beta.messages" },
];


/** Is `value` an Anthropic client class (`Anthropic`, `AnthropicBedrock`, a subclass)? */
export function isClientClass(value: unknown): boolean {
  if (typeof value !== "function") return false;
  const messages = safeGet(value, "Messages");
  if (typeof messages !== "function") return false;
  const proto = safeGet(messages, "prototype");
  // `countTokens`/`stream` tell the Anthropic Messages resource apart from look-alikes.
  return (
    typeof safeGet(proto, "create") === "function" &&
    (typeof safeGet(proto, "countTokens") === "function" || typeof safeGet(proto, "stream") === "function")
  );
}

/** Is `value` an Anthropic client instance (it has a Messages resource)? */
export function isClientInstance(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const messages = safeGet(value, "messages");
  if (messages === null || typeof messages !== "object") return false;
  if (typeof safeGet(messages, "create") !== "function") return false;
  return (
    isClientClass(safeGet(value, "constructor")) ||
    typeof safeGet(messages, "countTokens") === "function" ||
    typeof safeGet(messages, "stream") === "function"
  );
}

/**
 * The client classes a module namespace or CJS exports object holds (`default`, `Anthropic`;
 * one level of nested `default` for a CJS build seen through ESM interop).
 */
function classesOfModule(value: unknown): Function[] {
  return classesInModule(value, ["default", "Anthropic"], isClientClass);
}

/** What kind of target this is, if the plugin handles it. */
export function targetKind(target: unknown): "class" | "instance" | "module" | undefined {
  if (isClientClass(target)) return "class";
  if (isClientInstance(target)) return "instance";
  if (classesOfModule(target).length > 0) return "module";
  return undefined;
}

/**
 * The methods `target` reaches, each on the prototype that owns it (patching the prototype covers
 * every client of that SDK build, `withOptions()` copies included). Deduplicated by owner+method.
 */
export function resolveMethods(target: unknown, entries: readonly PatchedMethod[] = PATCHED_METHODS): ResolvedMethod<PatchedMethod>[] {
  const out: ResolvedMethod<PatchedMethod>[] = [];
  const add = (owner: object | undefined, entry: PatchedMethod): void => {
    if (owner && !out.some((r) => r.owner === owner && r.entry.method === entry.method)) out.push({ owner, entry });
  };
  try {
    const kind = targetKind(target);
    if (kind === "instance") {
      for (const entry of entries) {
        const resource = safeWalk(target, entry.instancePath);
        if (resource && typeof resource === "object") add(methodOwner(Object.getPrototypeOf(resource), entry.method), entry);
      }
      return out;
    }
    const classes = kind === "class" ? [target as Function] : kind === "module" ? classesOfModule(target) : [];
    for (const cls of classes) {
      for (const entry of entries) add(methodOwner(safeGet(safeWalk(cls, entry.classPath), "prototype"), entry.method), entry);
    }
  } catch {
    // an exotic target: patch what was found so far
  }
  return out;
}
