/**
 * `node:util` on edge runtimes: the `types` checks the core uses, as brand checks (a built-in
 * getter or method that throws on anything but its own kind), so a plain object dressed up with
 * `Symbol.toStringTag` is not taken for a Date or a Map. Proxies cannot be told apart here:
 * `isProxy` is always false, and a proxy is walked like the object it stands for.
 */
type Fn = (this: unknown, ...args: unknown[]) => unknown;

function getter(proto: object | undefined, name: string): Fn | undefined {
  return proto ? (Object.getOwnPropertyDescriptor(proto, name)?.get as Fn | undefined) : undefined;
}

function brand(check: Fn | undefined, value: unknown, ...args: unknown[]): boolean {
  if (!check || value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  try {
    check.call(value, ...args);
    return true;
  } catch {
    return false;
  }
}

const isDataView = (v: unknown): boolean => brand(getter(DataView.prototype, "byteLength"), v);
const isArrayBuffer = (v: unknown): boolean => brand(getter(ArrayBuffer.prototype, "byteLength"), v);
const isSharedArrayBuffer = (v: unknown): boolean =>
  typeof SharedArrayBuffer === "function" && brand(getter(SharedArrayBuffer.prototype, "byteLength"), v);

export const types = {
  isProxy: (_v: unknown): boolean => false,
  isDate: (v: unknown): boolean => brand(Date.prototype.getTime as Fn, v),
  isNativeError: (v: unknown): boolean => {
    const isError = (Error as { isError?: (v: unknown) => boolean }).isError;
    return typeof isError === "function" ? isError(v) : v instanceof Error;
  },
  isTypedArray: (v: unknown): boolean => ArrayBuffer.isView(v) && !isDataView(v),
  isDataView,
  isArrayBuffer,
  isAnyArrayBuffer: (v: unknown): boolean => isArrayBuffer(v) || isSharedArrayBuffer(v),
  isRegExp: (v: unknown): boolean => v !== RegExp.prototype && brand(getter(RegExp.prototype, "source"), v),
  isPromise: (v: unknown): boolean => v instanceof Promise,
  isMap: (v: unknown): boolean => brand(getter(Map.prototype, "size"), v),
  isSet: (v: unknown): boolean => brand(getter(Set.prototype, "size"), v),
  isWeakMap: (v: unknown): boolean => brand(WeakMap.prototype.has as Fn, v, {}),
  isWeakSet: (v: unknown): boolean => brand(WeakSet.prototype.has as Fn, v, {}),
};
