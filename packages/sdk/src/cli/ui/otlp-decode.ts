/**
 * Decoding an OTLP/HTTP trace export (`ExportTraceServiceRequest`, protobuf or JSON) into plain
 * spans: ids in hex, attributes as JS values. Only the fields the UI maps are read; unknown fields
 * are skipped as the protobuf wire format allows. Throws on a malformed body (the caller answers 400).
 */

/** An attribute value: string, boolean, number (ints beyond 2^53 lose precision), array or object. */
export type AttrValue = string | boolean | number | AttrValue[] | { [key: string]: AttrValue } | null;

/** One decoded span. */
export interface OtlpInSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttrValue>;
  events: Array<{ name: string; attributes: Record<string, AttrValue> }>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, AttrValue> }>;
  status: { code: number; message: string };
  resource: Record<string, AttrValue>;
}

// ---- protobuf ----

class Reader {
  at = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly end = buf.length,
    start = 0,
  ) {
    this.at = start;
  }
  done(): boolean {
    return this.at >= this.end;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.at >= this.end) throw new Error("truncated varint");
      const b = this.buf[this.at++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error("varint too long");
    }
  }
  fixed64(): Buffer {
    if (this.at + 8 > this.end) throw new Error("truncated fixed64");
    const out = this.buf.subarray(this.at, this.at + 8);
    this.at += 8;
    return out;
  }
  bytes(): Reader {
    const len = Number(this.varint());
    if (len < 0 || this.at + len > this.end) throw new Error("truncated field");
    const sub = new Reader(this.buf, this.at + len, this.at);
    this.at += len;
    return sub;
  }
  raw(): Buffer {
    const sub = this.bytes();
    return this.buf.subarray(sub.at, sub.end);
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.fixed64();
    else if (wire === 2) this.bytes();
    else if (wire === 5) {
      if (this.at + 4 > this.end) throw new Error("truncated fixed32");
      this.at += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  /** Calls `field` for each field; it returns false to have the field skipped. */
  each(field: (no: number, wire: number) => boolean): void {
    while (!this.done()) {
      const tag = Number(this.varint());
      const no = tag >>> 3;
      const wire = tag & 7;
      if (!field(no, wire)) this.skip(wire);
    }
  }
}

function pbAnyValue(r: Reader): AttrValue {
  let out: AttrValue = null;
  r.each((no, wire) => {
    if (no === 1 && wire === 2) out = r.raw().toString("utf8");
    else if (no === 2 && wire === 0) out = r.varint() !== 0n;
    else if (no === 3 && wire === 0) out = Number(BigInt.asIntN(64, r.varint()));
    else if (no === 4 && wire === 1) out = r.fixed64().readDoubleLE(0);
    else if (no === 5 && wire === 2) {
      const items: AttrValue[] = [];
      const sub = r.bytes();
      sub.each((n, w) => (n === 1 && w === 2 ? (items.push(pbAnyValue(sub.bytes())), true) : false));
      out = items;
    } else if (no === 6 && wire === 2) out = pbKeyValues(r.bytes(), 1);
    else if (no === 7 && wire === 2) out = r.raw().toString("base64");
    else return false;
    return true;
  });
  return out;
}

/** One KeyValue message. */
function pbKeyValue(kv: Reader): [string, AttrValue] {
  let key = "";
  let value: AttrValue = null;
  kv.each((n, w) => {
    if (n === 1 && w === 2) key = kv.raw().toString("utf8");
    else if (n === 2 && w === 2) value = pbAnyValue(kv.bytes());
    else return false;
    return true;
  });
  return [key, value];
}

/** Repeated KeyValue at field `fieldNo` of the message in `r`. */
function pbKeyValues(r: Reader, fieldNo: number): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  r.each((no, wire) => {
    if (no !== fieldNo || wire !== 2) return false;
    const [key, value] = pbKeyValue(r.bytes());
    out[key] = value;
    return true;
  });
  return out;
}

function pbSpan(r: Reader, resource: Record<string, AttrValue>): OtlpInSpan {
  const s: OtlpInSpan = {
    traceId: "",
    spanId: "",
    parentSpanId: "",
    name: "",
    kind: 0,
    startNs: 0n,
    endNs: 0n,
    attributes: {},
    events: [],
    links: [],
    status: { code: 0, message: "" },
    resource,
  };
  r.each((no, wire) => {
    if (no === 1 && wire === 2) s.traceId = r.raw().toString("hex");
    else if (no === 2 && wire === 2) s.spanId = r.raw().toString("hex");
    else if (no === 4 && wire === 2) s.parentSpanId = r.raw().toString("hex");
    else if (no === 5 && wire === 2) s.name = r.raw().toString("utf8");
    else if (no === 6 && wire === 0) s.kind = Number(r.varint());
    else if (no === 7 && wire === 1) s.startNs = r.fixed64().readBigUInt64LE(0);
    else if (no === 8 && wire === 1) s.endNs = r.fixed64().readBigUInt64LE(0);
    else if (no === 9 && wire === 2) {
      const [k, v] = pbKeyValue(r.bytes());
      s.attributes[k] = v;
    }
    else if (no === 11 && wire === 2) {
      const ev = r.bytes();
      let name = "";
      const attributes: Record<string, AttrValue> = {};
      ev.each((n, w) => {
        if (n === 2 && w === 2) name = ev.raw().toString("utf8");
        else if (n === 3 && w === 2) {
          const [k, v] = pbKeyValue(ev.bytes());
          attributes[k] = v;
        }
        else return false;
        return true;
      });
      s.events.push({ name, attributes });
    } else if (no === 13 && wire === 2) {
      const lk = r.bytes();
      const link = { traceId: "", spanId: "", attributes: {} as Record<string, AttrValue> };
      lk.each((n, w) => {
        if (n === 1 && w === 2) link.traceId = lk.raw().toString("hex");
        else if (n === 2 && w === 2) link.spanId = lk.raw().toString("hex");
        else if (n === 4 && w === 2) {
          const [k, v] = pbKeyValue(lk.bytes());
          link.attributes[k] = v;
        }
        else return false;
        return true;
      });
      s.links.push(link);
    } else if (no === 15 && wire === 2) {
      const st = r.bytes();
      st.each((n, w) => {
        if (n === 2 && w === 2) s.status.message = st.raw().toString("utf8");
        else if (n === 3 && w === 0) s.status.code = Number(st.varint());
        else return false;
        return true;
      });
    } else return false;
    return true;
  });
  return s;
}

/** Decodes a protobuf `ExportTraceServiceRequest`. */
export function decodeProtobuf(body: Buffer): OtlpInSpan[] {
  const spans: OtlpInSpan[] = [];
  const top = new Reader(body);
  top.each((no, wire) => {
    if (no !== 1 || wire !== 2) return false;
    const rs = top.bytes();
    let resource: Record<string, AttrValue> = {};
    const scopes: Reader[] = [];
    rs.each((n, w) => {
      if (n === 1 && w === 2) resource = pbKeyValues(rs.bytes(), 1);
      else if (n === 2 && w === 2) scopes.push(rs.bytes());
      else return false;
      return true;
    });
    for (const ss of scopes) ss.each((n, w) => (n === 2 && w === 2 ? (spans.push(pbSpan(ss.bytes(), resource)), true) : false));
    return true;
  });
  return spans;
}

// ---- JSON ----

type J = Record<string, unknown>;
const obj = (v: unknown): J => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as J) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

function jsonAnyValue(v: unknown): AttrValue {
  const o = obj(v);
  if ("stringValue" in o) return str(o.stringValue);
  if ("boolValue" in o) return o.boolValue === true;
  if ("intValue" in o) return Number(o.intValue);
  if ("doubleValue" in o) return Number(o.doubleValue);
  if ("arrayValue" in o) return arr(obj(o.arrayValue).values).map(jsonAnyValue);
  if ("kvlistValue" in o) return jsonKeyValues(obj(o.kvlistValue).values);
  if ("bytesValue" in o) return str(o.bytesValue);
  return null;
}

function jsonKeyValues(list: unknown): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of arr(list)) out[str(obj(kv).key)] = jsonAnyValue(obj(kv).value);
  return out;
}

/** OTLP/JSON ids are hex; tolerate base64 (protobuf's canonical JSON for bytes). */
function jsonId(v: unknown, bytes: number): string {
  const s = str(v);
  if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(s)) return s.toLowerCase();
  const b = Buffer.from(s, "base64");
  return b.length === bytes ? b.toString("hex") : s.toLowerCase();
}

const nanos = (v: unknown): bigint => {
  try {
    return BigInt(typeof v === "number" ? Math.trunc(v) : str(v) || "0");
  } catch {
    return 0n;
  }
};

/** Decodes an OTLP/JSON `ExportTraceServiceRequest`. */
export function decodeJson(body: Buffer): OtlpInSpan[] {
  const root = obj(JSON.parse(body.toString("utf8")));
  const spans: OtlpInSpan[] = [];
  for (const rs of arr(root.resourceSpans)) {
    const resource = jsonKeyValues(obj(obj(rs).resource).attributes);
    for (const ss of arr(obj(rs).scopeSpans)) {
      for (const raw of arr(obj(ss).spans)) {
        const s = obj(raw);
        const status = obj(s.status);
        spans.push({
          traceId: jsonId(s.traceId, 16),
          spanId: jsonId(s.spanId, 8),
          parentSpanId: s.parentSpanId ? jsonId(s.parentSpanId, 8) : "",
          name: str(s.name),
          kind: Number(s.kind) || 0,
          startNs: nanos(s.startTimeUnixNano),
          endNs: nanos(s.endTimeUnixNano),
          attributes: jsonKeyValues(s.attributes),
          events: arr(s.events).map((e) => ({ name: str(obj(e).name), attributes: jsonKeyValues(obj(e).attributes) })),
          links: arr(s.links).map((l) => ({ traceId: jsonId(obj(l).traceId, 16), spanId: jsonId(obj(l).spanId, 8), attributes: jsonKeyValues(obj(l).attributes) })),
          status: { code: Number(status.code) || 0, message: str(status.message) },
          resource,
        });
      }
    }
  }
  return spans;
}
