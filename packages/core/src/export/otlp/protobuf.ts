/**
 * A minimal protobuf writer: exactly the wire types the OTLP trace messages use (varint,
 * fixed32, fixed64, double, length-delimited). Hand-written so that `@tracium/core` keeps zero
 * runtime dependencies; the integration tests decode its output with the official OTLP schema.
 *
 * Nested messages are written into their own writer and copied in with a length prefix: OTLP
 * nesting is shallow (request → resource spans → scope spans → span → key/value → value), so the
 * copies cost little next to the JSON.stringify of content attributes.
 */

const enum WireType {
  VARINT = 0,
  FIXED64 = 1,
  LEN = 2,
  FIXED32 = 5,
}

const encoder = new TextEncoder();

export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private rawVarint(value: number): void {
    this.ensure(10);
    let v = value;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  private rawVarint64(value: bigint): void {
    this.ensure(10);
    let v = BigInt.asUintN(64, value);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  private tag(field: number, wire: WireType): void {
    this.rawVarint(field * 8 + wire);
  }

  /** `uint32`/`enum`/`bool` (non-negative values). Zero is skipped, as proto3 does for defaults. */
  uint(field: number, value: number): this {
    if (value === 0) return this;
    this.tag(field, WireType.VARINT);
    this.rawVarint(value);
    return this;
  }

  /** `int64`, two's complement for negatives. Always written (used inside a oneof). */
  int64(field: number, value: number): this {
    this.tag(field, WireType.VARINT);
    this.rawVarint64(BigInt(value));
    return this;
  }

  /** `bool` inside a oneof: always written. */
  bool(field: number, value: boolean): this {
    this.tag(field, WireType.VARINT);
    this.rawVarint(value ? 1 : 0);
    return this;
  }

  /** `double` inside a oneof: always written. */
  double(field: number, value: number): this {
    this.tag(field, WireType.FIXED64);
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
    return this;
  }

  /** `fixed64` (nanosecond timestamps). Zero is skipped. */
  fixed64(field: number, value: bigint): this {
    if (value === 0n) return this;
    this.tag(field, WireType.FIXED64);
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, value), true);
    this.pos += 8;
    return this;
  }

  /** `fixed32`. Zero is skipped. */
  fixed32(field: number, value: number): this {
    if (value === 0) return this;
    this.tag(field, WireType.FIXED32);
    this.ensure(4);
    this.view.setUint32(this.pos, value >>> 0, true);
    this.pos += 4;
    return this;
  }

  /** `bytes`. An empty array is skipped. */
  bytes(field: number, value: Uint8Array): this {
    if (value.length === 0) return this;
    this.tag(field, WireType.LEN);
    this.rawVarint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** `string`. Undefined and `""` are skipped unless `always` (a oneof member). */
  string(field: number, value: string | undefined, always = false): this {
    if (value === undefined || (value === "" && !always)) return this;
    const bytes = encoder.encode(value);
    this.tag(field, WireType.LEN);
    this.rawVarint(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** An embedded message (written even when empty: presence matters for messages). */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter(64);
    write(inner);
    const bytes = inner.finish();
    this.tag(field, WireType.LEN);
    this.rawVarint(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** A hex string (ids) as bytes. */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Reads the `partial_success` of an `ExportTraceServiceResponse` (field 1: `rejected_spans` int64
 * = 1, `error_message` string = 2). Tolerant: anything unreadable gives `undefined`.
 */
export function readPartialSuccess(bytes: Uint8Array): { rejectedSpans: number; errorMessage: string } | undefined {
  try {
    const outer = readFields(bytes);
    const ps = outer.get(1);
    if (!(ps instanceof Uint8Array)) return undefined;
    const inner = readFields(ps);
    const rejected = inner.get(1);
    const message = inner.get(2);
    return {
      rejectedSpans: typeof rejected === "bigint" ? Number(rejected) : 0,
      errorMessage: message instanceof Uint8Array ? new TextDecoder().decode(message) : "",
    };
  } catch {
    return undefined;
  }
}

/** Top-level fields of a message: varints as bigint, length-delimited as bytes (last one wins). */
function readFields(bytes: Uint8Array): Map<number, bigint | Uint8Array> {
  const out = new Map<number, bigint | Uint8Array>();
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= bytes.length || shift > 63n) throw new Error("bad varint");
      const b = bytes[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < bytes.length) {
    const key = Number(varint());
    const field = key >>> 3;
    switch (key & 7) {
      case 0:
        out.set(field, varint());
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const len = Number(varint());
        if (pos + len > bytes.length) throw new Error("truncated");
        out.set(field, bytes.subarray(pos, pos + len));
        pos += len;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new Error("bad wire type");
    }
  }
  return out;
}
