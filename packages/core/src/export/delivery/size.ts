/**
 * Cheap size estimate of a record, for the byte bound of the HTTP queue. It runs on the caller's
 * path, so it visits a bounded number of values instead of serialising.
 */
import type { ExportRecord } from "../../model/records.js";

/** Values visited per record at most; beyond it the rest is assumed to be {@link UNSEEN_BYTES}. */
const NODE_BUDGET = 256;
const UNSEEN_BYTES = 4_096;
/** Ids, times, names, status and field names of an otherwise empty record. */
export const RECORD_OVERHEAD_BYTES = 512;

/** Roughly the JSON length of what a record sends, in bytes (strings counted in UTF-16 units). */
export function estimateRecordBytes(record: ExportRecord): number {
  if (record.kind === "span_start" || record.kind === "span_end") {
    const s = record.span;
    return RECORD_OVERHEAD_BYTES + estimateJsonBytes([s.input, s.output, s.tools, s.toolCalls, s.error, s.metadata]);
  }
  return RECORD_OVERHEAD_BYTES + estimateJsonBytes([record.trace.summary, record.trace.metadata, record.trace.error]);
}

/** Roughly the JSON length of `value`, visiting at most {@link NODE_BUDGET} values. */
export function estimateJsonBytes(value: unknown): number {
  let bytes = 0;
  let budget = NODE_BUDGET;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    if (budget-- <= 0) return bytes + UNSEEN_BYTES;
    const v = stack.pop();
    if (typeof v === "string") bytes += v.length + 2;
    else if (v === null || v === undefined || typeof v !== "object") bytes += 8;
    else if (Array.isArray(v)) {
      bytes += 2;
      for (let i = 0; i < v.length; i++) {
        if (stack.length >= NODE_BUDGET) {
          bytes += UNSEEN_BYTES;
          break;
        }
        stack.push(v[i]);
      }
    } else {
      bytes += 2;
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        // The stack stays bounded too: what does not fit is counted as unseen.
        if (stack.length >= NODE_BUDGET) {
          bytes += UNSEEN_BYTES;
          break;
        }
        bytes += key.length + 4;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return bytes;
}
