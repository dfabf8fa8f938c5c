/**
 * Reading user values without running user code: no getter, no `toJSON`, no Proxy trap is ever
 * invoked. Capture (request bodies, responses, recorded inputs) reads through these helpers, so a
 * value's side effects run exactly as often as they would without tracing.
 */
import { types } from "node:util";

/** Recorded in place of a property whose value is computed by a getter (not evaluated). */
export const GETTER_PLACEHOLDER = "[getter]";
/** Recorded in place of a Proxy (its traps are user code: not traversed). */
export const PROXY_PLACEHOLDER = "[Proxy]";

const hasOwn = Object.prototype.hasOwnProperty;
const getDescriptor = Object.getOwnPropertyDescriptor;
const MAX_PROTO_DEPTH = 16;

/** True when `value` is a Proxy; checked without touching any of its traps. */
export const isProxy: (value: unknown) => boolean = types.isProxy;

/** True for an object or function that is not a Proxy: its own properties can be read safely. */
export function isInspectable(value: unknown): value is object {
  return value !== null && (typeof value === "object" || typeof value === "function") && !types.isProxy(value);
}

/**
 * `obj[key]` when that property is plain data, found on the object or its prototype chain; else
 * undefined (missing, an accessor, or a Proxy anywhere on the way). Never calls user code, never throws.
 */
export function dataField(obj: unknown, key: string): unknown {
  let o: unknown = obj;
  for (let depth = 0; depth < MAX_PROTO_DEPTH; depth++) {
    // The realm's Object.prototype is never a Proxy (its binding cannot be replaced): most lookups
    // end there, and the Proxy check is a native call that showed in the cost of every traced call.
    // hasOwnProperty runs no user code on a non-Proxy object, and a miss (most lookups of optional
    // fields) then costs no descriptor object.
    if (o === OBJECT_PROTOTYPE) return hasOwn.call(o, key) ? dataValue(getDescriptor(o, key)) : undefined;
    if (!isInspectable(o)) return undefined;
    if (hasOwn.call(o, key)) return dataValue(getDescriptor(o, key));
    o = Object.getPrototypeOf(o);
  }
  return undefined;
}

const OBJECT_PROTOTYPE: object = Object.prototype;

function dataValue(d: PropertyDescriptor | undefined): unknown {
  return d !== undefined && "value" in d ? d.value : undefined;
}

/** Whether `obj` has a property `key` of its own (data or accessor); false for a Proxy. */
export function hasOwnField(obj: unknown, key: string): boolean {
  return isInspectable(obj) && hasOwn.call(obj, key);
}

/** A plain-object view of `value` when it is a non-array, non-Proxy object. */
export function dataRecord(value: unknown): Record<string, unknown> | undefined {
  return isInspectable(value) && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `value` when it is a real (non-Proxy) array, else undefined. */
export function dataArray(value: unknown): readonly unknown[] | undefined {
  return isInspectable(value) && Array.isArray(value) ? value : undefined;
}

/** Element `index` of a real array when it is plain data; undefined for a hole or an accessor. */
export function dataItem(array: readonly unknown[], index: number): unknown {
  const d = getDescriptor(array, index);
  return d && "value" in d ? d.value : undefined;
}

/**
 * The plain-data elements of a real array, at most `limit` of them (holes and accessors skipped).
 * Empty for anything that is not a real array.
 */
export function dataItems(value: unknown, limit = 1000): unknown[] {
  const array = dataArray(value);
  if (!array) return [];
  const out: unknown[] = [];
  const n = Math.min(array.length, limit);
  for (let i = 0; i < n; i++) {
    const d = getDescriptor(array, i);
    if (d && "value" in d) out.push(d.value);
  }
  return out;
}

/**
 * A copy of the own enumerable data properties of a non-array, non-Proxy object (at most `limit`;
 * accessors left out), so that code reading many fields of an SDK value or a user value runs none
 * of its getters. Undefined for anything else.
 */
export function plainRecord(value: unknown, limit = 256): Record<string, unknown> | undefined {
  const obj = dataRecord(value);
  if (!obj) return undefined;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const keys = Object.keys(obj);
  const n = Math.min(keys.length, limit);
  for (let i = 0; i < n; i++) {
    const d = getDescriptor(obj, keys[i]!);
    if (d && "value" in d) out[keys[i]!] = d.value;
  }
  return out;
}
