/**
 * The OTLP trace data model (opentelemetry-proto `trace/v1`, `common/v1`, `resource/v1`), reduced
 * to what the exporter produces. Mapping fills it, `encode.ts` writes it as protobuf or JSON.
 */

/** An attribute value, typed as OTLP types it (an integer and a double are different things there). */
export type AttrValue =
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "bool"; readonly value: boolean }
  | { readonly type: "int"; readonly value: number }
  | { readonly type: "double"; readonly value: number }
  | { readonly type: "array"; readonly value: readonly AttrValue[] };

export interface KeyValue {
  readonly key: string;
  readonly value: AttrValue;
}

/** `Span.SpanKind`. */
export const SpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

/** `Status.StatusCode`. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

/** `SpanFlags`: the low byte is the W3C trace flags; these bits say whether the parent is remote. */
export const SpanFlags = { SAMPLED: 0x01, HAS_IS_REMOTE: 0x100, IS_REMOTE: 0x200 } as const;

export interface OtlpEvent {
  readonly name: string;
  readonly timeNs: bigint;
  readonly attributes: readonly KeyValue[];
}

/** `Span.Link`: a span this one relates to outside the parent chain (agent loops: tool ↔ llm). */
export interface OtlpLink {
  /** 32 hex digits. */
  readonly traceId: string;
  /** 16 hex digits. */
  readonly spanId: string;
  readonly attributes: readonly KeyValue[];
}

export interface OtlpSpan {
  /** 32 hex digits. */
  readonly traceId: string;
  /** 16 hex digits. */
  readonly spanId: string;
  /** 16 hex digits; undefined for a root span. */
  readonly parentSpanId: string | undefined;
  readonly traceState: string | undefined;
  readonly flags: number;
  readonly name: string;
  readonly kind: number;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly attributes: readonly KeyValue[];
  readonly events: readonly OtlpEvent[];
  readonly status: { readonly code: number; readonly message: string | undefined };
  /** Span links (absent or empty: none). */
  readonly links?: readonly OtlpLink[];
}

/** One `ResourceSpans` with a single `ScopeSpans`: everything a Tracium exporter sends. */
export interface OtlpBatch {
  readonly resource: readonly KeyValue[];
  readonly scope: { readonly name: string; readonly version: string };
  readonly spans: readonly OtlpSpan[];
}

/** Attribute list builder: skips absent and malformed values, so mapping code stays flat. */
export class Attributes {
  readonly list: KeyValue[] = [];
  private readonly seen = new Set<string>();

  private push(key: string, value: AttrValue): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ key, value });
  }

  has(key: string): boolean {
    return this.seen.has(key);
  }

  str(key: string, v: unknown): void {
    if (typeof v === "string" && v !== "") this.push(key, { type: "string", value: v });
  }

  int(key: string, v: unknown): void {
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    if (typeof n === "number" && Number.isFinite(n)) this.push(key, { type: "int", value: Math.trunc(n) });
  }

  double(key: string, v: unknown): void {
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    if (typeof n === "number" && Number.isFinite(n)) this.push(key, { type: "double", value: n });
  }

  bool(key: string, v: unknown): void {
    if (typeof v === "boolean") this.push(key, { type: "bool", value: v });
  }

  /** A string array; a single string becomes a one-element array. Non-strings are left out. */
  strs(key: string, v: unknown): void {
    const items = typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
    if (items.length > 0) this.push(key, { type: "array", value: items.map((s) => ({ type: "string", value: s })) });
  }

  /** A JSON string of `v` (strings are kept as they are). */
  json(key: string, v: unknown): void {
    if (v === undefined || v === null) return;
    if (typeof v === "string") return this.str(key, v);
    const text = safeJson(v);
    if (text !== undefined) this.push(key, { type: "string", value: text });
  }

  /** Any user value: primitives as themselves, string arrays as arrays, the rest as JSON. */
  any(key: string, v: unknown): void {
    if (typeof v === "string") this.push(key, { type: "string", value: v });
    else if (typeof v === "boolean") this.bool(key, v);
    else if (typeof v === "number") Number.isInteger(v) ? this.int(key, v) : this.double(key, v);
    else if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string")) this.strs(key, v);
    else this.json(key, v);
  }
}

/** `JSON.stringify` that returns undefined instead of throwing. */
export function safeJson(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

/** Epoch milliseconds (fractional allowed) → epoch nanoseconds. */
export function msToNs(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1_000_000));
}
