/**
 * Reading AI SDK values without running user code: only own data properties are read (a getter,
 * a Proxy trap or a `toJSON` of the user's is never called), and every walk is bounded.
 */

/** A plain record view of `value`, or undefined. */
export type Obj = Record<string, unknown>;

/** `value` when it is a non-array object. */
export function rec(value: unknown): Obj | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;
}

/** The own data property `key` of `obj` (undefined for accessors, proxies that throw, non-objects). */
export function own(obj: unknown, key: string): unknown {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) return undefined;
  try {
    const desc = Object.getOwnPropertyDescriptor(obj, key);
    return desc && "value" in desc ? desc.value : undefined;
  } catch {
    return undefined;
  }
}

/** `own(obj, key)` when it is a non-empty string. */
export function str(obj: unknown, key: string): string | undefined {
  const v = own(obj, key);
  return typeof v === "string" && v ? v : undefined;
}

/** `own(obj, key)` when it is a finite number. */
export function num(obj: unknown, key: string): number | undefined {
  const v = own(obj, key);
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** `own(obj, key)` when it is an array (at most `max` items). */
export function list(obj: unknown, key: string, max = 1000): unknown[] | undefined {
  const v = own(obj, key);
  if (!Array.isArray(v)) return undefined;
  try {
    return v.length > max ? v.slice(-max) : v;
  } catch {
    return undefined;
  }
}

/** The own enumerable string keys of `obj` (at most `max`). */
export function keys(obj: unknown, max = 256): string[] {
  if (obj === null || typeof obj !== "object") return [];
  try {
    return Object.keys(obj).slice(0, max);
  } catch {
    return [];
  }
}

/** The provider family of an AI SDK provider id: `openai.chat` → `openai`, `google.generative-ai` → `google`. */
export function providerFamily(providerId: string | undefined): string | undefined {
  if (!providerId) return undefined;
  const head = providerId.split(".")[0]?.trim().toLowerCase();
  return head || undefined;
}

/**
 * `obj[key]` for values the AI SDK or a provider package made (a result's getters, a model's
 * `provider` getter): library code, never the user's. Undefined when the read throws.
 */
export function sdkGet(obj: unknown, key: string): unknown {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) return undefined;
  try {
    return (obj as Obj)[key];
  } catch {
    return undefined;
  }
}

/**
 * Whether a Proxy over `target` may answer `prop` with a value of its own. It may not when `prop`
 * is an own non-configurable property that is read-only (a frozen object's method): the language
 * requires the Proxy to return that very value, or the read throws a `TypeError`.
 */
export function proxyCanReplace(target: object, prop: PropertyKey): boolean {
  try {
    const desc = Object.getOwnPropertyDescriptor(target, prop);
    if (!desc || desc.configurable) return true;
    return "value" in desc ? desc.writable === true : desc.get !== undefined;
  } catch {
    return false;
  }
}
