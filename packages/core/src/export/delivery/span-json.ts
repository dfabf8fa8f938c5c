/**
 * A span's JSON for a spans request. A small span is one `JSON.stringify`. A large one is
 * written in pieces: an agent resends its whole conversation with every call, so the same tool
 * results and prompts reach the exporter again and again, and escaping and encoding each of them
 * anew was most of the export cost of such a span (bench/README.md, row 2c). The long strings of
 * a large span are escaped and encoded to UTF-8 once, kept in a bounded cache, and copied into
 * each body as bytes.
 */
import type { SpanBody } from "../wire.js";
import type { JsonText } from "./json-bytes.js";

/** Spans estimated at this size or more (size.ts) are written in pieces. */
export const LARGE_SPAN_BYTES = 8 * 1024;
/** Strings of this many characters or more are encoded once and reused. */
const LONG_STRING_CHARS = 256;
/** The cache of encoded strings is emptied when it would outgrow this many bytes. */
const CACHE_BUDGET_BYTES = 2 * 1024 * 1024;
/** The content fields, walked; the rest of the body is one `JSON.stringify`. */
const CONTENT_KEYS = ["input", "output", "tools", "tool_calls"] as const;
/** Deeper than this, a value is left to `JSON.stringify` (sanitised values are at most 32 deep). */
const MAX_WALK_DEPTH = 64;

const encoder = new TextEncoder();
const encoded = new Map<string, Uint8Array>();
let encodedBytes = 0;

/** Keys and short values (roles, names, ids) recur in every message: their JSON is kept too. */
const SHORT_STRING_CHARS = 64;
const MAX_SHORT_ENTRIES = 4096;
const shortJson = new Map<string, string>();

/** The JSON of a string of at most {@link SHORT_STRING_CHARS} characters. */
function shortStringJson(s: string): string {
  let json = shortJson.get(s);
  if (json === undefined) {
    json = JSON.stringify(s);
    if (shortJson.size >= MAX_SHORT_ENTRIES) shortJson.clear();
    shortJson.set(s, json);
  }
  return json;
}

/** The JSON of a string, as UTF-8 bytes, from the cache when it was seen before. */
function encodedString(s: string): Uint8Array {
  const hit = encoded.get(s);
  if (hit !== undefined) return hit;
  const bytes = encoder.encode(JSON.stringify(s));
  if (bytes.length <= CACHE_BUDGET_BYTES / 4) {
    if (encodedBytes + bytes.length > CACHE_BUDGET_BYTES) {
      encoded.clear();
      encodedBytes = 0;
    }
    encoded.set(s, bytes);
    encodedBytes += bytes.length;
  }
  return bytes;
}

/** @internal Bytes held by the cache of encoded strings (tests check its bound). */
export function encodedStringCacheBytes(): number {
  return encodedBytes;
}

/** Collects JSON text and encoded pieces; text between two pieces becomes one string. */
class PartsWriter {
  readonly parts: (string | Uint8Array)[] = [];
  size = 0;
  private pending = "";

  text(s: string): void {
    this.pending += s;
  }

  /** Writes `value` as `JSON.stringify` would; false when it has no JSON form (undefined, a function). */
  value(value: unknown, depth: number): boolean {
    if (typeof value === "string") {
      if (value.length <= SHORT_STRING_CHARS) this.pending += shortStringJson(value);
      else if (value.length < LONG_STRING_CHARS) this.pending += JSON.stringify(value);
      else {
        this.flush();
        const bytes = encodedString(value);
        this.parts.push(bytes);
        this.size += bytes.length;
      }
      return true;
    }
    if (value === null || typeof value !== "object" || depth >= MAX_WALK_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === "function") {
      const json = JSON.stringify(value);
      if (json === undefined) return false;
      this.pending += json;
      return true;
    }
    if (Array.isArray(value)) {
      this.pending += "[";
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.pending += ",";
        if (!this.value(value[i], depth + 1)) this.pending += "null";
      }
      this.pending += "]";
      return true;
    }
    this.pending += "{";
    let first = true;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) if (this.entry(key, record[key], first, depth + 1)) first = false;
    this.pending += "}";
    return true;
  }

  /** Writes `"key":value` (after a comma unless `first`); nothing when the value has no JSON form. */
  entry(key: string, value: unknown, first: boolean, depth: number): boolean {
    const mark = this.pending.length;
    if (!first) this.pending += ",";
    this.pending += key.length <= SHORT_STRING_CHARS ? shortStringJson(key) : JSON.stringify(key);
    this.pending += ":";
    if (this.value(value, depth)) return true;
    // A value without a JSON form wrote nothing (and flushed nothing): the key goes too.
    this.pending = this.pending.slice(0, mark);
    return false;
  }

  done(): JsonText {
    this.flush();
    return this.parts.length === 1 && typeof this.parts[0] === "string" ? this.parts[0] : { parts: this.parts, size: this.size };
  }

  private flush(): void {
    if (this.pending === "") return;
    this.parts.push(this.pending);
    this.size += this.pending.length;
    this.pending = "";
  }
}

/** The JSON of a span body: whole for a small span, in pieces for a large one. Throws as `JSON.stringify` does. */
export function spanJson(body: SpanBody, estimatedBytes: number): JsonText {
  if (estimatedBytes < LARGE_SPAN_BYTES) return JSON.stringify(body);
  const rest: Record<string, unknown> = { ...body };
  for (const key of CONTENT_KEYS) delete rest[key];
  const w = new PartsWriter();
  const head = JSON.stringify(rest);
  w.text(head.slice(0, -1));
  let first = head === "{}";
  for (const key of CONTENT_KEYS) if (body[key] !== undefined && w.entry(key, body[key], first, 0)) first = false;
  w.text("}");
  return w.done();
}
