/**
 * Finding the Bedrock Runtime client prototype from whatever the user hands to `instrument()`: the
 * module namespace (ESM, or the CJS exports), the `BedrockRuntimeClient` class, the aggregated
 * `BedrockRuntime` class, or a client instance.
 *
 * `send` lives on the smithy `Client` base class that **every** AWS SDK client shares (S3,
 * DynamoDB, …). It is never patched there: the plugin defines its own `send` on the
 * `BedrockRuntimeClient` prototype (the one right below the shared base), so only Bedrock Runtime
 * clients go through the tracing code and every other AWS client is untouched. Never throws.
 */
import { classesInModule, safeGet } from "@tracium/core";

/** The service id Bedrock Runtime clients carry in `config.serviceId`. */
const SERVICE_ID = "Bedrock Runtime";
const CLIENT_CLASS_NAMES = new Set(["BedrockRuntimeClient", "BedrockRuntime"]);

/** The prototype that owns `send` (the shared smithy base), starting from `proto`. */
function sendOwner(proto: unknown): object | undefined {
  let p = proto;
  for (let depth = 0; depth < 16 && p && p !== Object.prototype; depth++) {
    if (Object.prototype.hasOwnProperty.call(p, "send") && !isOurs(p)) return p as object;
    p = Object.getPrototypeOf(p);
  }
  return undefined;
}

/** The patched marker: our own `send` on a Bedrock prototype. */
export const PATCH_MARK = Symbol.for("tracium.bedrock.send");

function isOurs(proto: unknown): boolean {
  try {
    const own = Object.getOwnPropertyDescriptor(proto, "send");
    return typeof own?.value === "function" && (own.value as Record<symbol, unknown>)[PATCH_MARK] === true;
  } catch {
    return false;
  }
}

/** Is `value` the `BedrockRuntimeClient` class, or a class extending it (`BedrockRuntime`)? */
export function isClientClass(value: unknown): boolean {
  if (typeof value !== "function") return false;
  for (let c: unknown = value, depth = 0; typeof c === "function" && depth < 8; c = Object.getPrototypeOf(c), depth++) {
    if (CLIENT_CLASS_NAMES.has(String(safeGet(c, "name"))) && typeof safeGet(safeGet(c, "prototype"), "send") === "function") return true;
  }
  return false;
}

/** Is `value` a Bedrock Runtime client instance? */
export function isClientInstance(value: unknown): boolean {
  if (value === null || typeof value !== "object" || typeof safeGet(value, "send") !== "function") return false;
  return safeGet(safeGet(value, "config"), "serviceId") === SERVICE_ID || isClientClass(safeGet(value, "constructor"));
}

function classesOfModule(value: unknown): Function[] {
  return classesInModule(value, ["default", "BedrockRuntimeClient", "BedrockRuntime"], isClientClass);
}

/** What kind of target this is, if the plugin handles it. */
export function targetKind(target: unknown): "class" | "instance" | "module" | undefined {
  if (isClientClass(target)) return "class";
  if (isClientInstance(target)) return "instance";
  if (classesOfModule(target).length > 0) return "module";
  return undefined;
}

/**
 * The Bedrock prototype to patch below `proto`: the one whose prototype is the shared smithy base
 * that owns `send` (for `BedrockRuntime`, that is `BedrockRuntimeClient.prototype`).
 */
function bedrockPrototype(proto: unknown): object | undefined {
  const base = sendOwner(proto);
  if (!base) return undefined;
  let p = proto;
  for (let depth = 0; depth < 16 && p; depth++) {
    if (Object.getPrototypeOf(p) === base) return p as object;
    p = Object.getPrototypeOf(p);
  }
  return undefined;
}

/** The Bedrock client prototypes `target` reaches (deduplicated), each right below the shared base. */
export function resolvePrototypes(target: unknown): object[] {
  const out: object[] = [];
  const add = (proto: unknown): void => {
    const p = bedrockPrototype(proto);
    if (p && !out.includes(p)) out.push(p);
  };
  try {
    const kind = targetKind(target);
    if (kind === "instance") add(Object.getPrototypeOf(target));
    else if (kind === "class") add(safeGet(target, "prototype"));
    else if (kind === "module") for (const c of classesOfModule(target)) add(safeGet(c, "prototype"));
  } catch {
    // an exotic target: patch what was found so far
  }
  return out;
}
