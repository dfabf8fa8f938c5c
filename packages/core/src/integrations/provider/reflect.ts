/**
 * Reading SDK objects that may be anything: a module namespace, a class, an instance, or a hostile
 * value (revoked proxy, throwing getter). Nothing here throws.
 */

/** `obj[key]`, or undefined when `obj` is not an object/function or the read throws. */
export function safeGet(obj: unknown, key: PropertyKey): unknown {
  try {
    return obj !== null && (typeof obj === "object" || typeof obj === "function") ? (obj as Record<PropertyKey, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}

/** Follows a property path (`["Chat", "Completions"]`), undefined as soon as a step is missing. */
export function safeWalk(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) v = safeGet(v, key);
  return v;
}

/** The object on `proto`'s chain (below Object/Function.prototype) that owns `method`, if it is a function. */
export function methodOwner(proto: unknown, method: string): object | undefined {
  let p = proto;
  for (let depth = 0; depth < 16 && p && p !== Object.prototype && p !== Function.prototype; depth++) {
    if (Object.prototype.hasOwnProperty.call(p, method)) return typeof safeGet(p, method) === "function" ? (p as object) : undefined;
    p = Object.getPrototypeOf(p);
  }
  return undefined;
}

/**
 * The client classes a module namespace or CJS exports object holds under `keys` (e.g.
 * `["default", "OpenAI"]`), looking one level into each (a CJS build seen through ESM interop
 * nests them under `default`). Deduplicated, in the order found.
 */
export function classesInModule(value: unknown, keys: readonly string[], isClientClass: (v: unknown) => boolean): Function[] {
  const found: Function[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (v === null || (typeof v !== "object" && typeof v !== "function")) return;
    for (const key of keys) {
      const c = safeGet(v, key);
      if (isClientClass(c)) {
        if (!found.includes(c as Function)) found.push(c as Function);
      } else if (depth > 0 && c !== v) {
        visit(c, depth - 1);
      }
    }
  };
  visit(value, 1);
  return found;
}
