/**
 * Reading request inputs, command outputs and stream events that may be anything: plain data only,
 * nothing here throws, and every read is bounded.
 */
import { dataArray, dataField, dataRecord } from "@tracium/core";

/** Whether `value` is a real array (false for a Proxy, revoked or not). */
export function isList(value: unknown): value is unknown[] {
  return dataArray(value) !== undefined;
}

/** A plain object view of `value`, or undefined when it is not a (non-array, non-Proxy) object. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return dataRecord(value);
}

/** The data property `key` of `obj` (own or inherited): no getter or Proxy trap runs, nothing throws. */
export function field(obj: unknown, key: string): unknown {
  return dataField(obj, key);
}

/** Follows a path of keys. */
export function path(obj: unknown, keys: readonly string[]): unknown {
  let v = obj;
  for (const k of keys) v = field(v, k);
  return v;
}

/** A non-negative finite number, else undefined. */
export function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A non-empty string, else undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Bodies larger than this are not parsed (capture stays O(limit)). */
export const MAX_BODY_BYTES = 1_000_000;

const decoder = new TextDecoder();

/**
 * The JSON a body holds, when it is a string or bytes (a `Uint8Array`, which reading never
 * consumes) of at most {@link MAX_BODY_BYTES}; undefined for streams, blobs, oversized or invalid
 * bodies.
 */
export function jsonBody(body: unknown): unknown {
  try {
    let text: string | undefined;
    if (typeof body === "string") text = body.length <= MAX_BODY_BYTES ? body : undefined;
    // isView first: it reads an internal slot, so a Proxy's getPrototypeOf trap never runs.
    else if (ArrayBuffer.isView(body) && body instanceof Uint8Array) text = body.byteLength <= MAX_BODY_BYTES ? decoder.decode(body) : undefined;
    if (text === undefined || text.length === 0) return undefined;
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
