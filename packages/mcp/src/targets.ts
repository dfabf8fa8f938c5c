/**
 * What is patched, and where to find it: a declarative list of `Client` methods (adding one is one
 * line), and the lookup from whatever the user hands to `instrument()` — the module namespace of
 * `@modelcontextprotocol/sdk/client/index.js` (ESM `import * as`, or the CJS `require()` result),
 * the `Client` class (or a subclass) or a client instance — to the prototype that owns each method.
 * The SDK's ESM and CJS builds are different classes: whichever build the target comes from is the
 * one patched. Structural detection only (nothing of the SDK is imported). Nothing here throws.
 */
import { methodOwner, safeGet, type ResolvedMethod } from "@tracium/core";

/** The MCP request a patched method sends (the span's `operation` metadata). */
export type McpOperation = "tools/call" | "resources/read" | "prompts/get" | "tools/list";

/** One patched method. */
export interface PatchedMethod {
  /** Method name on `Client.prototype`. */
  readonly method: string;
  /** The MCP request method it sends. */
  readonly operation: McpOperation;
  /**
   * The span type. `tools/call` is a `tool` span (linked to the model's tool call); the others
   * are lighter spans, recorded only inside an active trace.
   */
  readonly spanType: "tool" | "retrieval" | "custom";
  /** Lighter span: skipped outside an active trace (no implicit trace for background refreshes). */
  readonly light: boolean;
}

/** Every method the plugin patches, when the SDK version has it. */
export const PATCHED_METHODS: readonly PatchedMethod[] = [
  { method: "callTool", operation: "tools/call", spanType: "tool", light: false },
  { method: "readResource", operation: "resources/read", spanType: "retrieval", light: true },
  { method: "getPrompt", operation: "prompts/get", spanType: "retrieval", light: true },
  { method: "listTools", operation: "tools/list", spanType: "custom", light: true },
];

/**
 * The module specifiers the zero-code hooks watch: the documented import path of the client
 * (`@modelcontextprotocol/sdk/client/index.js`) and the `./client` export.
 */
export const MODULES: readonly string[] = ["@modelcontextprotocol/sdk/client/index.js", "@modelcontextprotocol/sdk/client"];

const get = safeGet;

function isClientPrototype(proto: unknown): boolean {
  return (
    proto !== null &&
    typeof proto === "object" &&
    typeof get(proto, "callTool") === "function" &&
    typeof get(proto, "listTools") === "function" &&
    typeof get(proto, "getServerVersion") === "function" &&
    typeof get(proto, "connect") === "function"
  );
}

/** Is `value` the MCP `Client` class (or a subclass)? Structural: `callTool`, `listTools`, `getServerVersion`, `connect`. */
export function isClientClass(value: unknown): boolean {
  return typeof value === "function" && isClientPrototype(get(value, "prototype"));
}

/** Is `value` an MCP client instance? */
export function isClientInstance(value: unknown): boolean {
  return value !== null && typeof value === "object" && isClientPrototype(Object.getPrototypeOf(value));
}

/** The `Client` class a module namespace or CJS exports holds (`Client`, or one nested `default`). */
function classOfModule(value: unknown): Function | undefined {
  const direct = get(value, "Client");
  if (isClientClass(direct)) return direct as Function;
  const nested = get(get(value, "default"), "Client");
  return isClientClass(nested) ? (nested as Function) : undefined;
}

/** What kind of target this is, if the plugin handles it. */
export function targetKind(target: unknown): "class" | "instance" | "module" | undefined {
  try {
    if (isClientClass(target)) return "class";
    if (isClientInstance(target)) return "instance";
    if (classOfModule(target)) return "module";
  } catch {
    // exotic value (a revoked proxy…): not ours
  }
  return undefined;
}

/**
 * The methods `target` reaches, each on the prototype that owns it (patching the prototype covers
 * every client of that SDK build). Deduplicated by owner and method.
 */
export function resolveMethods(target: unknown, entries: readonly PatchedMethod[] = PATCHED_METHODS): ResolvedMethod<PatchedMethod>[] {
  const out: ResolvedMethod<PatchedMethod>[] = [];
  try {
    const kind = targetKind(target);
    const proto =
      kind === "instance"
        ? Object.getPrototypeOf(target)
        : kind === "class"
          ? get(target, "prototype")
          : kind === "module"
            ? get(classOfModule(target), "prototype")
            : undefined;
    if (!proto) return out;
    for (const entry of entries) {
      const owner = methodOwner(proto, entry.method);
      if (owner && !out.some((r) => r.owner === owner && r.entry.method === entry.method)) out.push({ owner, entry });
    }
  } catch {
    // an exotic target: patch what was found so far
  }
  return out;
}
