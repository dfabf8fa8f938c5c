/**
 * `ExportTraceServiceRequest` bodies for OTLP/HTTP: binary protobuf (`application/x-protobuf`) and
 * OTLP/JSON (`application/json`: the protobuf JSON mapping with OTLP's exceptions — trace and span
 * ids as hex strings, enums as integers, 64-bit integers as decimal strings).
 * Field numbers: opentelemetry-proto `collector/trace/v1/trace_service.proto`, `trace/v1/trace.proto`,
 * `common/v1/common.proto`, `resource/v1/resource.proto`.
 */
import type { AttrValue, KeyValue, OtlpBatch, OtlpEvent, OtlpLink, OtlpSpan } from "./model.js";
import { hexToBytes, ProtoWriter } from "./protobuf.js";

// ---------------------------------------------------------------- protobuf

function writeAnyValue(w: ProtoWriter, v: AttrValue): void {
  switch (v.type) {
    case "string":
      w.string(1, v.value, true);
      break;
    case "bool":
      w.bool(2, v.value);
      break;
    case "int":
      w.int64(3, v.value);
      break;
    case "double":
      w.double(4, v.value);
      break;
    case "array":
      w.message(5, (arr) => {
        for (const item of v.value) arr.message(1, (iv) => writeAnyValue(iv, item));
      });
      break;
  }
}

function writeKeyValues(w: ProtoWriter, field: number, attrs: readonly KeyValue[]): void {
  for (const kv of attrs) {
    w.message(field, (m) => {
      m.string(1, kv.key);
      m.message(2, (v) => writeAnyValue(v, kv.value));
    });
  }
}

function writeEvent(w: ProtoWriter, e: OtlpEvent): void {
  w.fixed64(1, e.timeNs);
  w.string(2, e.name);
  writeKeyValues(w, 3, e.attributes);
}

function writeLink(w: ProtoWriter, l: OtlpLink): void {
  w.bytes(1, hexToBytes(l.traceId));
  w.bytes(2, hexToBytes(l.spanId));
  writeKeyValues(w, 4, l.attributes);
}

function writeSpan(w: ProtoWriter, s: OtlpSpan): void {
  w.bytes(1, hexToBytes(s.traceId));
  w.bytes(2, hexToBytes(s.spanId));
  w.string(3, s.traceState);
  if (s.parentSpanId) w.bytes(4, hexToBytes(s.parentSpanId));
  w.string(5, s.name);
  w.uint(6, s.kind);
  w.fixed64(7, s.startNs);
  w.fixed64(8, s.endNs);
  writeKeyValues(w, 9, s.attributes);
  for (const e of s.events) w.message(11, (m) => writeEvent(m, e));
  for (const l of s.links ?? []) w.message(13, (m) => writeLink(m, l));
  w.message(15, (m) => {
    m.string(2, s.status.message);
    m.uint(3, s.status.code);
  });
  w.fixed32(16, s.flags);
}

/** The binary protobuf body. */
export function encodeProtobuf(batch: OtlpBatch): Uint8Array {
  const w = new ProtoWriter(4096);
  w.message(1, (rs) => {
    rs.message(1, (r) => writeKeyValues(r, 1, batch.resource));
    rs.message(2, (ss) => {
      ss.message(1, (scope) => {
        scope.string(1, batch.scope.name);
        scope.string(2, batch.scope.version);
      });
      for (const span of batch.spans) ss.message(2, (m) => writeSpan(m, span));
    });
  });
  return w.finish();
}

// ---------------------------------------------------------------- JSON

type JsonAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { arrayValue: { values: JsonAnyValue[] } };

function jsonAnyValue(v: AttrValue): JsonAnyValue {
  switch (v.type) {
    case "string":
      return { stringValue: v.value };
    case "bool":
      return { boolValue: v.value };
    case "int":
      return { intValue: String(v.value) };
    case "double":
      // The protobuf JSON mapping spells non-finite doubles as strings.
      return { doubleValue: Number.isFinite(v.value) ? v.value : String(v.value) };
    case "array":
      return { arrayValue: { values: v.value.map(jsonAnyValue) } };
  }
}

function jsonAttributes(attrs: readonly KeyValue[]): Array<{ key: string; value: JsonAnyValue }> {
  return attrs.map((kv) => ({ key: kv.key, value: jsonAnyValue(kv.value) }));
}

function jsonSpan(s: OtlpSpan): Record<string, unknown> {
  const out: Record<string, unknown> = { traceId: s.traceId, spanId: s.spanId };
  if (s.traceState) out.traceState = s.traceState;
  if (s.parentSpanId) out.parentSpanId = s.parentSpanId;
  out.flags = s.flags;
  out.name = s.name;
  out.kind = s.kind;
  out.startTimeUnixNano = s.startNs.toString();
  out.endTimeUnixNano = s.endNs.toString();
  out.attributes = jsonAttributes(s.attributes);
  if (s.events.length > 0) {
    out.events = s.events.map((e) => ({ timeUnixNano: e.timeNs.toString(), name: e.name, attributes: jsonAttributes(e.attributes) }));
  }
  if (s.links && s.links.length > 0) {
    out.links = s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: jsonAttributes(l.attributes) }));
  }
  const status: Record<string, unknown> = {};
  if (s.status.message) status.message = s.status.message;
  if (s.status.code !== 0) status.code = s.status.code;
  out.status = status;
  return out;
}

/** The OTLP/JSON body object (serialise it with `JSON.stringify`). */
export function toOtlpJson(batch: OtlpBatch): { resourceSpans: unknown[] } {
  return {
    resourceSpans: [
      {
        resource: { attributes: jsonAttributes(batch.resource) },
        scopeSpans: [{ scope: { name: batch.scope.name, version: batch.scope.version }, spans: batch.spans.map(jsonSpan) }],
      },
    ],
  };
}

/** The OTLP/JSON body as UTF-8 bytes. */
export function encodeJson(batch: OtlpBatch): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(toOtlpJson(batch)));
}
