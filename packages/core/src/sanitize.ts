/**
 * Turns any user value into a bounded, JSON-safe copy: secrets redacted, long strings truncated,
 * base64 media replaced, cycles and exotic types (bigint, symbol, function, Map, Set, Error,
 * binary) given a readable form. Never throws, never mutates its input.
 */
import type { RedactFn } from "./config.js";
import { logger } from "./logger.js";

export const REDACTED = "***REDACTED***";
export const MAX_STRING_CHARS = 100_000;
const MAX_TOTAL_CHARS = 1_000_000;
const MAX_DEPTH = 32;
const MAX_ITEMS = 1000;
const MEDIA_MIN_CHARS = 2000;

const SECRET_KEYS = new Set([
  "apikey",
  "xapikey",
  "authorization",
  "proxyauthorization",
  "password",
  "passwd",
  "secret",
  "clientsecret",
  "token",
  "accesstoken",
  "refreshtoken",
  "idtoken",
  "sessiontoken",
  "cookie",
  "setcookie",
  "sessionid",
  "creditcard",
  "cardnumber",
  "ssn",
  "socialsecurity",
  "privatekey",
]);

// Every recorded object key goes through isSecretKey, and the same few keys recur on every span:
// caching the verdict took it from a quarter of span-recording CPU to almost nothing (bench/).
const secretKeyCache = new Map<string, boolean>();
const MAX_CACHED_KEY_LENGTH = 64;
const MAX_CACHED_KEYS = 4096;

/** True for keys whose values are secrets (`api_key`, `Authorization`, `x-api-key`, `password`, …). */
export function isSecretKey(key: string): boolean {
  const cached = secretKeyCache.get(key);
  if (cached !== undefined) return cached;
  const k = key.toLowerCase().replace(/[-_\s.]/g, "");
  // `max_tokens` / `input_tokens` are counts, not secrets: only the singular suffix matches.
  const secret = SECRET_KEYS.has(k) || k.endsWith("apikey") || k.endsWith("secret") || k.endsWith("password") || k.endsWith("accesstoken");
  if (key.length <= MAX_CACHED_KEY_LENGTH) {
    if (secretKeyCache.size >= MAX_CACHED_KEYS) secretKeyCache.clear();
    secretKeyCache.set(key, secret);
  }
  return secret;
}

export interface SanitizeOptions {
  redact?: RedactFn | undefined;
  /** Strings (API keys) masked wherever they appear. */
  secrets?: readonly string[];
}

interface Walk {
  opts: SanitizeOptions;
  seen: WeakSet<object>;
  chars: number;
  overflow: boolean;
}

const BASE64_RE = /^[A-Za-z0-9+/=\r\n]+$/;

function sanitizeString(s: string, w: Walk): string {
  if (s.length >= MEDIA_MIN_CHARS) {
    if (s.startsWith("data:") && s.includes(";base64,")) return `[base64 data omitted: ${s.length} chars]`;
    if (BASE64_RE.test(s.slice(0, 4096)) && BASE64_RE.test(s)) return `[base64 data omitted: ${s.length} chars]`;
  }
  let out = s;
  if (w.opts.secrets) for (const secret of w.opts.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  if (out.length > MAX_STRING_CHARS) {
    out = `${out.slice(0, MAX_STRING_CHARS)}… (truncated ${out.length - MAX_STRING_CHARS} chars)`;
  }
  w.chars += out.length;
  return out;
}

function walk(value: unknown, path: string[], depth: number, w: Walk): unknown {
  if (w.chars > MAX_TOTAL_CHARS) {
    w.overflow = true;
    return "[omitted: size limit]";
  }
  if (w.opts.redact) {
    try {
      value = w.opts.redact(value, path);
    } catch (err) {
      logger.once("warn", "redact-threw", "the redact option threw; the value was dropped", err);
      return REDACTED;
    }
  }
  switch (typeof value) {
    case "string":
      return sanitizeString(value, w);
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "boolean":
      return value;
    case "undefined":
      return undefined;
    case "bigint":
      return value.toString();
    case "symbol":
      return value.toString();
    case "function":
      return `[Function ${value.name || "anonymous"}]`;
  }
  if (value === null) return null;
  const obj = value as object;
  if (w.seen.has(obj)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[MaxDepth]";
  w.seen.add(obj);
  try {
    return walkObject(obj, path, depth, w);
  } finally {
    w.seen.delete(obj);
  }
}

function walkObject(obj: object, path: string[], depth: number, w: Walk): unknown {
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? "Invalid Date" : obj.toISOString();
  if (obj instanceof Error) {
    return { name: obj.name, message: sanitizeString(String(obj.message), w), ...(obj.stack ? { stack: sanitizeString(obj.stack, w) } : {}) };
  }
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) return `[binary ${(obj as ArrayBuffer).byteLength} bytes]`;
  if (obj instanceof RegExp) return obj.toString();
  if (typeof (obj as { then?: unknown }).then === "function") return "[Promise]";
  if (obj instanceof Map) return walkEntries([...obj.entries()].map(([k, v]) => [String(k), v] as const), path, depth, w);
  if (obj instanceof Set || Array.isArray(obj)) {
    const items = Array.isArray(obj) ? obj : [...obj];
    const out: unknown[] = [];
    const n = Math.min(items.length, MAX_ITEMS);
    for (let i = 0; i < n; i++) {
      const v = walk(items[i], w.opts.redact ? [...path, String(i)] : path, depth + 1, w);
      out.push(v === undefined ? null : v);
    }
    if (items.length > MAX_ITEMS) out.push(`… ${items.length - MAX_ITEMS} more items`);
    return out;
  }
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    try {
      const j: unknown = toJSON.call(obj);
      if (j !== obj) return walk(j, path, depth + 1, w);
    } catch {
      // fall through to the own properties
    }
  }
  let keys: string[];
  try {
    keys = Object.keys(obj);
  } catch {
    return "[Unreadable]";
  }
  const entries: Array<readonly [string, unknown]> = [];
  for (const k of keys) {
    let v: unknown;
    try {
      v = (obj as Record<string, unknown>)[k];
    } catch {
      v = "[Unreadable]";
    }
    entries.push([k, v]);
  }
  return walkEntries(entries, path, depth, w);
}

function walkEntries(entries: ReadonlyArray<readonly [string, unknown]>, path: string[], depth: number, w: Walk): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.min(entries.length, MAX_ITEMS);
  for (let i = 0; i < n; i++) {
    const [k, v] = entries[i]!;
    if (isSecretKey(k) && v !== undefined && v !== null && v !== "") {
      out[k] = REDACTED;
      continue;
    }
    const s = walk(v, w.opts.redact ? [...path, k] : path, depth + 1, w);
    if (s !== undefined) out[k] = s;
  }
  if (entries.length > MAX_ITEMS) out["…"] = `${entries.length - MAX_ITEMS} more keys`;
  return out;
}

/** A bounded, JSON-safe, redacted copy of `value`. */
export function sanitize(value: unknown, opts: SanitizeOptions = {}): unknown {
  const w: Walk = { opts, seen: new WeakSet(), chars: 0, overflow: false };
  try {
    const out = walk(value, [], 0, w);
    if (w.overflow) logger.once("warn", "value-too-large", `a recorded value exceeded ${MAX_TOTAL_CHARS} characters and was cut`);
    return out;
  } catch (err) {
    logger.once("warn", "sanitize-failed", "a recorded value could not be serialised and was dropped", err);
    return "[unserialisable]";
  }
}

/** Plain-object metadata, sanitised; anything else is reported and replaced by `{}`. */
export function sanitizeRecord(value: unknown, opts: SanitizeOptions, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    logger.once("warn", `bad-${what}`, `${what} must be a plain object; got ${Array.isArray(value) ? "an array" : typeof value}, ignored`);
    return {};
  }
  const out = sanitize(value, opts);
  return out && typeof out === "object" && !Array.isArray(out) ? (out as Record<string, unknown>) : {};
}

/** Tags: strings only, trimmed, deduplicated, at most 100 of at most 256 chars. */
export function sanitizeTags(value: unknown, into: string[] = []): string[] {
  if (value === undefined || value === null) return into;
  const list = Array.isArray(value) ? value : [value];
  for (const t of list) {
    if (typeof t !== "string" || t.trim() === "") {
      logger.once("warn", "bad-tag", `tags must be non-empty strings; ignored ${typeof t}`);
      continue;
    }
    const tag = t.trim().slice(0, 256);
    if (!into.includes(tag) && into.length < 100) into.push(tag);
  }
  return into;
}

const AGENT_NAME_RE = /^[a-zA-Z0-9\s\-_.]+$/;

/** An agent name the Tracium API accepts; an invalid one is fixed up and reported, never dropped. */
export function sanitizeAgentName(value: unknown, fallback: string): string {
  if (typeof value === "string" && value.trim().length > 0 && value.trim().length <= 256 && AGENT_NAME_RE.test(value.trim())) {
    return value.trim();
  }
  let fixed = typeof value === "string" ? value.trim().replace(/[^a-zA-Z0-9\s\-_.]/g, "_").slice(0, 256) : "";
  if (!fixed || /^_+$/.test(fixed)) fixed = fallback;
  logger.once("warn", `agent-name:${String(value).slice(0, 40)}`, `invalid agent name ${JSON.stringify(String(value).slice(0, 60))}; using "${fixed}"`);
  return fixed;
}

/** An error message: the thrown value's message (or its string form), at most 10000 chars. */
export function errorMessage(err: unknown): string {
  let msg: string;
  try {
    if (err instanceof Error) msg = err.message || err.name;
    else if (typeof err === "string") msg = err;
    else if (err && typeof err === "object" && typeof (err as { message?: unknown }).message === "string") msg = (err as { message: string }).message;
    else msg = String(err);
  } catch {
    msg = "unknown error";
  }
  return msg.length > 10_000 ? `${msg.slice(0, 10_000)}... (truncated)` : msg;
}

/** The stack of an error, when it has one. */
export function errorStack(err: unknown): string | undefined {
  try {
    return err instanceof Error && typeof err.stack === "string" ? err.stack.slice(0, 20_000) : undefined;
  } catch {
    return undefined;
  }
}
