/**
 * What the OTLP exporter sends again when the collector refuses a single span as too large
 * (HTTP 413): the span with its long string attributes (prompts, outputs, tool arguments and
 * results) replaced by a marker, keeping names, ids, times, status, model and token counts.
 */
import { REMOVED_MARKER } from "../delivery/shrink.js";
import type { AttrValue, KeyValue, OtlpSpan } from "./model.js";

/** String attributes longer than this are replaced. */
const MAX_KEPT_STRING = 1_024;

/** The span without its long string attributes, or undefined when it has none. */
export function shrinkOtlpSpan(span: OtlpSpan): OtlpSpan | undefined {
  let changed = false;
  const shrink = (list: readonly KeyValue[]): KeyValue[] =>
    list.map((kv) => {
      const value = shrinkValue(kv.value);
      if (value === kv.value) return kv;
      changed = true;
      return { key: kv.key, value };
    });
  const attributes = shrink(span.attributes);
  const events = span.events.map((e) => ({ ...e, attributes: shrink(e.attributes) }));
  return changed ? { ...span, attributes, events } : undefined;
}

function shrinkValue(value: AttrValue): AttrValue {
  if (value.type === "string") return value.value.length > MAX_KEPT_STRING ? { type: "string", value: REMOVED_MARKER } : value;
  if (value.type !== "array") return value;
  const items = value.value.map(shrinkValue);
  return items.some((v, i) => v !== value.value[i]) ? { type: "array", value: items } : value;
}
