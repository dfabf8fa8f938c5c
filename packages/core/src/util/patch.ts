/**
 * Method wrapping for plugins: replaces `owner[name]` with a wrapper once (idempotent, even when
 * two builds of a plugin patch the same prototype) and can restore the original.
 */
const ORIGINAL = Symbol.for("tracium.original");

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

interface Wrapped {
  [ORIGINAL]?: AnyFunction;
}

/** True when `owner[name]` is a Tracium wrapper. */
export function isWrapped(owner: object, name: string): boolean {
  const fn = (owner as Record<string, unknown>)[name];
  return typeof fn === "function" && (fn as Wrapped)[ORIGINAL] !== undefined;
}

/**
 * Wraps `owner[name]` with `wrapper(original)`. Returns false (and changes nothing) when the
 * method is missing or already wrapped. The wrapper keeps the original's `name` and `length`.
 */
export function wrapMethod(owner: object, name: string, wrapper: (original: AnyFunction) => AnyFunction): boolean {
  const original = (owner as Record<string, unknown>)[name];
  if (typeof original !== "function" || isWrapped(owner, name)) return false;
  const wrapped = wrapper(original as AnyFunction) as AnyFunction & Wrapped;
  Object.defineProperty(wrapped, ORIGINAL, { value: original, enumerable: false });
  try {
    Object.defineProperty(wrapped, "name", { value: (original as AnyFunction).name, configurable: true });
    Object.defineProperty(wrapped, "length", { value: (original as AnyFunction).length, configurable: true });
  } catch {
    // cosmetic only
  }
  const desc = Object.getOwnPropertyDescriptor(owner, name);
  Object.defineProperty(owner, name, {
    value: wrapped,
    writable: desc?.writable ?? true,
    enumerable: desc?.enumerable ?? false,
    configurable: true,
  });
  return true;
}

/** Restores the method `wrapMethod` replaced. Returns false when it was not wrapped. */
export function unwrapMethod(owner: object, name: string): boolean {
  const fn = (owner as Record<string, unknown>)[name] as (AnyFunction & Wrapped) | undefined;
  const original = fn?.[ORIGINAL];
  if (!original) return false;
  const desc = Object.getOwnPropertyDescriptor(owner, name);
  Object.defineProperty(owner, name, {
    value: original,
    writable: desc?.writable ?? true,
    enumerable: desc?.enumerable ?? false,
    configurable: true,
  });
  return true;
}
