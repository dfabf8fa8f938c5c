/**
 * Reading SDK values of any shape as plain data (shared by the extractors): only data properties
 * are read, so no getter, `toJSON` or Proxy trap of a value the user passed or the SDK returned
 * runs, and nothing throws.
 */
import { dataField, dataItems, dataRecord } from "@tracium/core";

/** A plain-object view of `value`, or undefined when it is not a (non-array, non-Proxy) object. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return dataRecord(value);
}

/** The data property `key` of `obj` (own or inherited); undefined for an accessor or a Proxy. */
export function field(obj: unknown, key: string): unknown {
  return dataField(obj, key);
}

/** The records in `value` when it is a real array (other items skipped). */
export function records(value: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const item of dataItems(value)) {
    const r = dataRecord(item);
    if (r) out.push(r);
  }
  return out;
}

/** A finite non-negative number, else undefined. */
export function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}
