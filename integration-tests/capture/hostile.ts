/**
 * Values full of user code: getters, `toJSON` methods, Proxies (every trap counted), frozen, sealed
 * and prototype-less objects, arrays with accessor items. A generated *shape* is turned into fresh
 * objects for each run, so the same value can be given to an uninstrumented and an instrumented
 * call and the user-code calls of both compared.
 */
import fc from "fast-check";

/** How many times user code ran. */
export interface Calls {
  n: number;
}

export type Shape =
  | { kind: "leaf"; value: string | number | boolean | null }
  | { kind: "plain" | "getter" | "toJSON" | "proxy" | "frozen" | "sealed" | "nullproto"; key: string; child: Shape }
  | { kind: "array" | "arrayGetter"; items: Shape[] };

const KEYS = ["a", "content", "name", "type", "text", "arguments", "description", "parameters", "value", "embedding"];

export const shapeArb: fc.Arbitrary<Shape> = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null)).map((value) => ({ kind: "leaf" as const, value })),
    fc.record({ kind: fc.constantFrom("plain" as const, "getter" as const, "toJSON" as const, "proxy" as const, "frozen" as const, "sealed" as const, "nullproto" as const), key: fc.constantFrom(...KEYS), child: tie("shape") }),
    fc.record({ kind: fc.constantFrom("array" as const, "arrayGetter" as const), items: fc.array(tie("shape"), { maxLength: 3 }) }),
  ),
})).shape;

/** Fresh objects for `shape`; every getter, toJSON and Proxy trap increments `calls.n`. */
export function build(shape: Shape, calls: Calls): unknown {
  switch (shape.kind) {
    case "leaf":
      return shape.value;
    case "array":
      return shape.items.map((s) => build(s, calls));
    case "arrayGetter": {
      const arr: unknown[] = [];
      shape.items.forEach((s, i) => {
        const v = build(s, calls);
        Object.defineProperty(arr, i, {
          enumerable: true,
          configurable: true,
          get() {
            calls.n++;
            return v;
          },
        });
      });
      return arr;
    }
    case "plain":
      return { [shape.key]: build(shape.child, calls), other: 1 };
    case "getter": {
      const v = build(shape.child, calls);
      const o: Record<string, unknown> = { other: 1 };
      Object.defineProperty(o, shape.key, {
        enumerable: true,
        get() {
          calls.n++;
          return v;
        },
      });
      return o;
    }
    case "toJSON": {
      const v = build(shape.child, calls);
      return {
        [shape.key]: v,
        toJSON() {
          calls.n++;
          return { replaced: true };
        },
      };
    }
    case "proxy": {
      const target = { [shape.key]: build(shape.child, calls) };
      const handler: ProxyHandler<object> = {};
      for (const trap of ["get", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf", "set", "defineProperty", "deleteProperty"] as const) {
        (handler as Record<string, unknown>)[trap] = (...args: unknown[]) => {
          calls.n++;
          return (Reflect[trap] as (...a: unknown[]) => unknown)(...args);
        };
      }
      return new Proxy(target, handler);
    }
    case "frozen":
      return Object.freeze({ [shape.key]: build(shape.child, calls) });
    case "sealed":
      return Object.seal({ [shape.key]: build(shape.child, calls) });
    case "nullproto": {
      const o = Object.create(null) as Record<string, unknown>;
      o[shape.key] = build(shape.child, calls);
      return o;
    }
  }
}

/** `value` with a counting getter on `key` of `obj` (the user code a custom parser would add). */
export function withGetter<T extends object>(obj: T, key: string, calls: Calls): T {
  const d = Object.getOwnPropertyDescriptor(obj, key);
  if (!d || !("value" in d)) return obj;
  let v: unknown = d.value;
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get() {
      calls.n++;
      return v;
    },
    set(next: unknown) {
      v = next;
    },
  });
  return obj;
}
