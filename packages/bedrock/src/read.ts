/**
 * Reading request inputs, command outputs and stream events that may be anything: plain data only,
 * nothing here throws, and every read is bounded.
 */

/** `Array.isArray` that is false for a revoked proxy instead of throwing. */
export function isList(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** A plain object view of `value`, or undefined when it is not a non-array object. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !isList(value) ? (value as Record<string, unknown>) : undefined;
}

/** `obj[key]`, or undefined when `obj` is not an object or the read throws. */
export function field(obj: unknown, key: string): unknown {
  try {
    return asRecord(obj)?.[key];
  } catch {
    return undefined;
  }
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
    else if (body instanceof Uint8Array) text = body.byteLength <= MAX_BODY_BYTES ? decoder.decode(body) : undefined;
    if (text === undefined || text.length === 0) return undefined;
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
