/** Reading SDK values of any shape without throwing (shared by the extractors). */
import { safeGet } from "@tracium/core";

/** A plain-object view of `value`, or undefined when it is not a (non-array) object. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `obj[key]` when `obj` is an object (a throwing getter reads as undefined). */
export function field(obj: unknown, key: string): unknown {
  return asRecord(obj) ? safeGet(obj, key) : undefined;
}

/** The records in `value` when it is an array (others skipped). */
export function records(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  const out: Record<string, unknown>[] = [];
  for (const item of value) {
    const r = asRecord(item);
    if (r) out.push(r);
  }
  return out;
}

/** A finite non-negative number, else undefined. */
export function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}
