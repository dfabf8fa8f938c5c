/**
 * Turns any user value into a bounded, JSON-safe copy: secrets redacted (by key name and by value
 * format, also inside JSON text), long strings truncated, base64 media replaced, cycles and exotic
 * types given a readable form. It reads plain data only: no getter, `toJSON`, Proxy trap or other
 * user function runs (accessors and Proxies are recorded as placeholders), and it stops at the size
 * limits, so recording a value costs O(limit), not O(size). Never throws, never mutates its input.
 */
import { types } from "node:util";
import { stackWithoutWriting } from "./error-stack.js";
import { logger } from "../util/logger.js";
import { ownText } from "../util/own-text.js";
import { dataField, dataItems, GETTER_PLACEHOLDER, PROXY_PLACEHOLDER } from "../util/plain-data.js";
import { REDACTED, isSecretKeyUncached, maskSecrets } from "../util/secrets.js";
import { SecretsKeyedCache } from "../util/text-cache.js";

/** A user function that masks values before they are recorded. Return the value to keep. */
export type RedactFn = (value: unknown, path: readonly string[]) => unknown;

export { REDACTED } from "../util/secrets.js";
export const MAX_STRING_CHARS = 100_000;
const MAX_TOTAL_CHARS = 1_000_000;
const MAX_DEPTH = 32;
const MAX_ITEMS = 1000;
const MEDIA_MIN_CHARS = 2000;
const MAX_JSON_TEXT_CHARS = 100_000;

// Every recorded object key goes through the key check, and the same few keys recur on every span:
// caching the verdict (and the key as written, credentials masked) keeps it off the span cost (bench/).
interface KeyVerdict {
  secret: boolean;
  /** The key as recorded: itself, or with a credential it contains masked. */
  name: string;
}
const keyCache = new Map<string, KeyVerdict>();
const MAX_CACHED_KEY_LENGTH = 64;
const MAX_CACHED_KEYS = 4096;

function keyVerdict(key: string): KeyVerdict {
  const cached = keyCache.get(key);
  if (cached !== undefined) return cached;
  const verdict: KeyVerdict = { secret: isSecretKeyUncached(key), name: maskSecrets(key) };
  if (key.length <= MAX_CACHED_KEY_LENGTH) {
    if (keyCache.size >= MAX_CACHED_KEYS) keyCache.clear();
    keyCache.set(key, verdict);
  }
  return verdict;
}

/**
 * True for keys whose values are secrets: a secret word anywhere in the key (`api_key`,
 * `Authorization`, `aws_secret_access_key`, `X-Amz-Security-Token`, `pwd`, `openai_key`, …), but
 * not token counts (`max_tokens`, `input_tokens`).
 */
export function isSecretKey(key: string): boolean {
  return keyVerdict(key).secret;
}

export interface SanitizeOptions {
  redact?: RedactFn | undefined;
  /** Strings (API keys) masked wherever they appear, values and key names alike. */
  secrets?: readonly string[];
}

interface Walk {
  opts: SanitizeOptions;
  /**
   * The objects being walked, outermost first (cycle check). An array, not a `WeakSet`: it is at
   * most MAX_DEPTH long, and allocating a `WeakSet` per recorded value was a visible part of the
   * span cost (bench/).
   */
  ancestors: object[];
  chars: number;
  overflow: boolean;
  /** Values masked so far (by key or by format): tells whether a JSON text held a secret. */
  redactions: number;
}

const BASE64_RE = /^[A-Za-z0-9+/=\r\n]+$/;
const getDescriptor = Object.getOwnPropertyDescriptor;

// A string longer than the limit is masked only in its kept part plus this margin, so a credential
// that straddles the cut is still recognised whole (a PEM key runs to the end of the window).
const MASK_MARGIN_CHARS = 4096;

function sanitizeString(s: string, depth: number, w: Walk): string {
  if (s.length >= MEDIA_MIN_CHARS && isMedia(s)) return `[base64 data omitted: ${s.length} chars]`;
  // Cut first, then mask: a huge string costs O(limit), not O(size).
  const long = s.length > MAX_STRING_CHARS;
  const window = long ? s.slice(0, MAX_STRING_CHARS + MASK_MARGIN_CHARS) : s;
  let out = maskSecrets(window, w.opts.secrets);
  if (out !== window) w.redactions++;
  if (!long && out.length <= MAX_JSON_TEXT_CHARS && looksLikeJson(out)) out = redactJsonTextCached(out, depth, w);
  if (long || out.length > MAX_STRING_CHARS) {
    out = ownText(`${out.slice(0, MAX_STRING_CHARS)}… (truncated ${s.length - MAX_STRING_CHARS} chars)`);
  }
  w.chars += out.length;
  return out;
}

/**
 * A `data:…;base64,` URI, or base64 text. Bounded: a string longer than the limit is judged by its
 * head and its tail (media is base64 from end to end; text that is not is not media).
 */
/** Base64 of the first bytes of common media and document files (PNG, JPEG, GIF, PDF, RIFF/WebP/WAV, MP3 with or without ID3 (a frame sync is "//"), Ogg, FLAC, MP4, ZIP). */
const MEDIA_SIGNATURE_RE = /^(?:iVBORw0KGgo|\/9j\/|R0lGOD|JVBERi0|UklGR|SUQz|\/\/|T2dnUw|ZkxhQw|AAAA[A-Za-z0-9+/]{2}ZnR5c|UEsDB)/;

/**
 * Unlabelled base64 media: all base64 characters, and either a known file signature at the start
 * or the mix of character classes that encoded binary has (upper and lower case, digits, and `+`
 * or `/`, each near certain in 2,000 characters of it). Text that merely uses the alphabet (a DNA
 * sequence, a list of hex hashes, a long number or identifier) is kept as text.
 */
function isMedia(s: string): boolean {
  if (s.startsWith("data:")) return s.slice(0, 256).includes(";base64,");
  const head = s.slice(0, 4096);
  if (!BASE64_RE.test(head)) return false;
  if (!(s.length <= MAX_STRING_CHARS ? BASE64_RE.test(s) : BASE64_RE.test(s.slice(-4096)))) return false;
  return MEDIA_SIGNATURE_RE.test(head) || (/[+/]/.test(head) && /[A-Z]/.test(head) && /[a-z]/.test(head) && /[0-9]/.test(head));
}


function looksLikeJson(s: string): boolean {
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  return (first === 123 && last === 125) || (first === 91 && last === 93); // {…} or […]
}

/** What {@link redactJsonText} made of a text, at the depth it was found. */
interface JsonTextResult {
  readonly depth: number;
  readonly out: string;
}
const jsonTextCache = new SecretsKeyedCache<JsonTextResult>();

/**
 * {@link redactJsonText}, remembered: tool results and arguments are JSON texts that an agent sends
 * again with every call. Not with a `redact` function (user code, asked each time), and only for
 * results the size limit did not cut (those depend on what was recorded before).
 */
function redactJsonTextCached(text: string, depth: number, w: Walk): string {
  if (w.opts.redact || w.overflow || w.chars + text.length > MAX_TOTAL_CHARS) return redactJsonText(text, depth, w);
  const cache = jsonTextCache.for(w.opts.secrets);
  const hit = cache.get(text);
  if (hit !== undefined && hit.depth === depth) {
    if (hit.out !== text) w.redactions++;
    return hit.out;
  }
  const out = redactJsonText(text, depth, w);
  if (!w.overflow) cache.set(text, { depth, out });
  return out;
}

/** JSON text (tool-call arguments): secrets under its keys redacted; unchanged text when it held none. */
function redactJsonText(text: string, depth: number, w: Walk): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (parsed === null || typeof parsed !== "object") return text;
  const before = w.redactions;
  const chars = w.chars;
  const clean = walk(parsed, [], depth + 1, w);
  w.chars = chars; // the text itself is counted by the caller
  if (w.redactions === before) return text;
  try {
    return JSON.stringify(clean);
  } catch {
    return REDACTED;
  }
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
      return sanitizeString(value, depth, w);
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "boolean":
      return value;
    case "undefined":
      return undefined;
    case "bigint":
      return value.toString();
    case "symbol":
      return maskSecrets(value.toString(), w.opts.secrets);
    case "function":
      return functionLabel(value);
  }
  if (value === null) return null;
  const obj = value as object;
  if (types.isProxy(obj)) return PROXY_PLACEHOLDER;
  const ancestors = w.ancestors;
  if (ancestors.includes(obj)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[MaxDepth]";
  ancestors.push(obj);
  try {
    return walkObject(obj, path, depth, w);
  } finally {
    ancestors.pop();
  }
}

function functionLabel(fn: Function): string {
  // `name` is usually an own data property; a getter or a Proxy is not asked.
  const d = types.isProxy(fn) ? undefined : getDescriptor(fn, "name");
  const name = d && "value" in d && typeof d.value === "string" ? d.value : "";
  return `[Function ${name || "anonymous"}]`;
}

function walkObject(obj: object, path: string[], depth: number, w: Walk): unknown {
  if (Array.isArray(obj)) return walkArray(obj, path, depth, w);
  const proto = Object.getPrototypeOf(obj) as object | null;
  // A plain object (the common case) is not a built-in.
  if (proto === Object.prototype || proto === null) return walkProperties(obj, path, depth, w);
  const builtIn = builtInValue(obj, path, depth, w);
  if (builtIn !== NOT_BUILT_IN) return builtIn;
  return walkProperties(obj, path, depth, w);
}

function walkArray(items: readonly unknown[], path: string[], depth: number, w: Walk): unknown[] {
  const out: unknown[] = [];
  const length = items.length;
  const n = Math.min(length, MAX_ITEMS);
  for (let i = 0; i < n; i++) {
    const d = getDescriptor(items, i);
    let v: unknown = null;
    if (d) v = "value" in d ? walk(d.value, w.opts.redact ? [...path, String(i)] : path, depth + 1, w) : GETTER_PLACEHOLDER;
    out.push(v === undefined ? null : v);
  }
  if (length > MAX_ITEMS) out.push(`… ${length - MAX_ITEMS} more items`);
  return out;
}

/**
 * Own enumerable string-keyed properties, read through their descriptors, stopping at the limit.
 * Listing the keys is the engine's own O(size) step (for…in materialises them just the same, and
 * is slower on the small objects every span records); everything per entry stops at the limit.
 */
function walkProperties(obj: object, path: string[], depth: number, w: Walk): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(obj);
  const n = Math.min(keys.length, MAX_ITEMS);
  for (let i = 0; i < n; i++) writeProperty(out, obj, keys[i]!, path, depth, w);
  if (keys.length > MAX_ITEMS) out["…"] = `${keys.length - MAX_ITEMS} more keys`;
  return out;
}

function writeProperty(out: Record<string, unknown>, obj: object, key: string, path: string[], depth: number, w: Walk): void {
  const d = getDescriptor(obj, key);
  if (d) writeEntry(out, key, "value" in d ? d.value : GETTER_ENTRY, path, depth, w);
}

/** `proto` is on `obj`'s prototype chain (like instanceof, but never through a Proxy trap). */
function inherits(obj: object, proto: object): boolean {
  let p = Object.getPrototypeOf(obj) as object | null;
  for (let i = 0; i < 64 && p !== null && !types.isProxy(p); i++) {
    if (p === proto) return true;
    p = Object.getPrototypeOf(p) as object | null;
  }
  return false;
}

const GETTER_ENTRY: unique symbol = Symbol("getter");

function writeEntry(out: Record<string, unknown>, key: string, value: unknown, path: string[], depth: number, w: Walk): void {
  const verdict = keyVerdict(key);
  let name = verdict.name;
  if (w.opts.secrets && w.opts.secrets.length > 0) name = maskSecrets(name, w.opts.secrets);
  if (value === GETTER_ENTRY) {
    out[name] = GETTER_PLACEHOLDER;
    return;
  }
  if (verdict.secret && value !== undefined && value !== null && value !== "") {
    out[name] = REDACTED;
    w.redactions++;
    return;
  }
  if (w.opts.redact === undefined && w.chars <= MAX_TOTAL_CHARS) {
    // Metadata is mostly flat: a number, a boolean or a string needs none of walk()'s dispatch.
    if (typeof value === "string") {
      out[name] = sanitizeString(value, depth + 1, w);
      return;
    }
    if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) {
      out[name] = value;
      return;
    }
  }
  const s = walk(value, w.opts.redact ? [...path, key] : path, depth + 1, w);
  if (s !== undefined) out[name] = s;
}

const NOT_BUILT_IN: unique symbol = Symbol("not built in");

// Built-ins whose state lives in internal slots: read through the intrinsic methods and getters
// (never through properties of the value itself, which a subclass or the object could override).
const dateTime = Date.prototype.getTime;
const dateIso = Date.prototype.toISOString;
const regexpSource = getDescriptor(RegExp.prototype, "source")?.get;
const regexpFlags = getDescriptor(RegExp.prototype, "flags")?.get;
const typedArrayByteLength = getDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, "byteLength")?.get;
const dataViewByteLength = getDescriptor(DataView.prototype, "byteLength")?.get;
const arrayBufferByteLength = getDescriptor(ArrayBuffer.prototype, "byteLength")?.get;
const mapSize = getDescriptor(Map.prototype, "size")?.get;
const mapEntries = Map.prototype.entries;
const setSize = getDescriptor(Set.prototype, "size")?.get;
const setValues = Set.prototype.values;
const urlHref = typeof URL === "function" ? getDescriptor(URL.prototype, "href")?.get : undefined;
// The stack of a native error may be an own accessor (newer V8): that getter is the engine's own.
const nativeStackGetter = getDescriptor(new Error(), "stack")?.get;

/**
 * A `DOMException` (`AbortError`, `TimeoutError`, `DataCloneError`) keeps its name and message
 * behind the platform's brand-checked getters on its prototype (and is no native error on Node 20).
 * They are read by calling those getters, Node's own, directly: no user code runs, whatever the
 * object or a subclass defines.
 */
const domExceptionProto = (globalThis as { DOMException?: { prototype: object } }).DOMException?.prototype;
const domExceptionName = domExceptionProto ? getDescriptor(domExceptionProto, "name")?.get : undefined;
const domExceptionMessage = domExceptionProto ? getDescriptor(domExceptionProto, "message")?.get : undefined;

/** The platform's `name` and `message` of a `DOMException`; undefined for anything else. */
function domException(err: object): { name: string; message: string } | undefined {
  if (!domExceptionProto || !domExceptionName || !domExceptionMessage || types.isProxy(err) || !inherits(err, domExceptionProto)) return undefined;
  try {
    const name: unknown = domExceptionName.call(err);
    const message: unknown = domExceptionMessage.call(err);
    return typeof name === "string" && typeof message === "string" ? { name, message } : undefined;
  } catch {
    // Not a real DOMException (an object made from its prototype): the getters' brand check threw.
    return undefined;
  }
}

function builtInValue(obj: object, path: string[], depth: number, w: Walk): unknown {
  try {
    if (types.isDate(obj)) {
      const t = dateTime.call(obj);
      return Number.isNaN(t) ? "Invalid Date" : dateIso.call(obj);
    }
    if (types.isNativeError(obj) || domException(obj)) return errorValue(obj, w);
    if (types.isTypedArray(obj) && typedArrayByteLength) return `[binary ${String(typedArrayByteLength.call(obj))} bytes]`;
    if (types.isDataView(obj) && dataViewByteLength) return `[binary ${String(dataViewByteLength.call(obj))} bytes]`;
    if (types.isAnyArrayBuffer(obj)) return `[binary ${types.isArrayBuffer(obj) && arrayBufferByteLength ? String(arrayBufferByteLength.call(obj)) : "?"} bytes]`;
    if (types.isRegExp(obj) && regexpSource && regexpFlags) return `/${String(regexpSource.call(obj))}/${String(regexpFlags.call(obj))}`;
    if (types.isPromise(obj)) return "[Promise]";
    if (types.isMap(obj) && mapSize) return walkMap(obj as Map<unknown, unknown>, mapSize.call(obj) as number, path, depth, w);
    if (types.isSet(obj) && setSize) return walkSet(obj as Set<unknown>, setSize.call(obj) as number, path, depth, w);
    if (types.isWeakMap(obj) || types.isWeakSet(obj)) return types.isWeakMap(obj) ? "[WeakMap]" : "[WeakSet]";
    if (urlHref && inherits(obj, URL.prototype)) return sanitizeString(String(urlHref.call(obj)), depth, w);
  } catch {
    return "[Unreadable]";
  }
  return NOT_BUILT_IN;
}

function ownData(obj: object, key: string): unknown {
  const d = getDescriptor(obj, key);
  if (!d) return undefined;
  if ("value" in d) return d.value;
  return d.get !== undefined && d.get === nativeStackGetter ? d.get.call(obj) : undefined;
}

function errorValue(err: object, w: Walk): Record<string, unknown> {
  // name and message usually live on the prototype; read data properties only, own first.
  const dom = domException(err);
  const name = dom?.name ?? ownData(err, "name") ?? protoData(err, "name");
  const message = dom?.message ?? ownData(err, "message") ?? protoData(err, "message");
  const stack = stackWithoutWriting(() => ownData(err, "stack"), stackHeader(name, message));
  const out: Record<string, unknown> = {
    name: typeof name === "string" ? maskSecrets(name, w.opts.secrets) : "Error",
    message: typeof message === "string" ? sanitizeString(message, 0, w) : "",
  };
  if (typeof stack === "string" && stack) out.stack = sanitizeString(typeof message === "string" ? withMessage(stack, message, out.message as string) : stack, 0, w);
  return out;
}

/** The first line V8 gives a stack: "name: message", or the name alone. */
function stackHeader(name: unknown, message: unknown): string {
  const n = typeof name === "string" && name ? name : "Error";
  return typeof message === "string" && message ? `${n}: ${message}` : n;
}

function protoData(obj: object, key: string): unknown {
  let p = Object.getPrototypeOf(obj) as object | null;
  for (let i = 0; i < 8 && p !== null && !types.isProxy(p); i++) {
    const d = getDescriptor(p, key);
    if (d) return "value" in d ? d.value : undefined;
    p = Object.getPrototypeOf(p) as object | null;
  }
  return undefined;
}

function mapKey(key: unknown): string {
  if (typeof key === "string") return key;
  if (key === null || (typeof key !== "object" && typeof key !== "function")) return typeof key === "symbol" ? key.toString() : String(key);
  return types.isProxy(key) ? PROXY_PLACEHOLDER : "[object]";
}

function walkMap(map: Map<unknown, unknown>, size: number, path: string[], depth: number, w: Walk): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  const it = mapEntries.call(map);
  for (let r = it.next(); !r.done && n < MAX_ITEMS; r = it.next(), n++) writeEntry(out, mapKey(r.value[0]), r.value[1], path, depth, w);
  if (size > MAX_ITEMS) out["…"] = `${size - MAX_ITEMS} more keys`;
  return out;
}

function walkSet(set: Set<unknown>, size: number, path: string[], depth: number, w: Walk): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  const it = setValues.call(set);
  for (let r = it.next(); !r.done && i < MAX_ITEMS; r = it.next(), i++) {
    const v = walk(r.value, w.opts.redact ? [...path, String(i)] : path, depth + 1, w);
    out.push(v === undefined ? null : v);
  }
  if (size > MAX_ITEMS) out.push(`… ${size - MAX_ITEMS} more items`);
  return out;
}

/** A bounded, JSON-safe, redacted copy of `value`. */
export function sanitize(value: unknown, opts: SanitizeOptions = {}): unknown {
  const w: Walk = { opts, ancestors: [], chars: 0, overflow: false, redactions: 0 };
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

/**
 * Tags: strings only, trimmed, credentials masked (`secrets` and the well-known formats),
 * deduplicated, at most 100 of at most 256 chars.
 */
export function sanitizeTags(value: unknown, into: string[] = [], secrets?: readonly string[]): string[] {
  if (value === undefined || value === null) return into;
  if (types.isProxy(value)) {
    logger.once("warn", "bad-tags", "tags must be an array of strings; got a Proxy, ignored");
    return into;
  }
  const list = Array.isArray(value) ? dataItems(value, 1000) : [value];
  for (const t of list) {
    if (typeof t !== "string" || t.trim() === "") {
      logger.once("warn", "bad-tag", `tags must be non-empty strings; ignored ${typeof t}`);
      continue;
    }
    const tag = maskSecrets(t.trim(), secrets).slice(0, 256);
    if (!into.includes(tag) && into.length < 100) into.push(tag);
  }
  return into;
}

const AGENT_NAME_RE = /^[a-zA-Z0-9\s\-_.]+$/;

/**
 * An agent name the Tracium API accepts, credentials masked; an invalid one is fixed up and
 * reported, never dropped. Anything but a string is replaced by `fallback` (nothing of it runs).
 */
export function sanitizeAgentName(value: unknown, fallback: string, secrets?: readonly string[]): string {
  const raw = typeof value === "string" ? maskSecrets(value, secrets) : undefined;
  if (raw !== undefined && raw === value && raw.trim().length > 0 && raw.trim().length <= 256 && AGENT_NAME_RE.test(raw.trim())) {
    return raw.trim();
  }
  let fixed = raw !== undefined ? raw.trim().replace(/[^a-zA-Z0-9\s\-_.]/g, "_").replace(/\s/g, " ").slice(0, 256) : "";
  if (!fixed || /^[_\s]+$/.test(fixed)) fixed = fallback;
  const shown = raw !== undefined ? JSON.stringify(raw.slice(0, 60)) : `(${value === null ? "null" : typeof value})`;
  logger.once("warn", `agent-name:${raw !== undefined ? raw.slice(0, 40) : typeof value}`, `invalid agent name ${shown}; using "${fixed}"`);
  return fixed;
}

/**
 * An error message, at most 10000 chars: the thrown value's `message` (or its name, or a JSON-safe
 * form of the object), read as plain data: no getter, `toString` or Proxy trap of the value runs.
 */
export function errorMessage(err: unknown): string {
  let msg: string;
  try {
    if (typeof err === "string") msg = err;
    else if (typeof err === "function") msg = functionLabel(err);
    else if (err === null || typeof err !== "object") msg = String(err);
    else if (types.isProxy(err)) msg = PROXY_PLACEHOLDER;
    else {
      const dom = domException(err);
      const message = dom?.message ?? dataField(err, "message");
      const name = dom?.name ?? dataField(err, "name");
      if (typeof message === "string" && message) msg = message;
      else if (typeof name === "string" && name && (dom || types.isNativeError(err))) msg = name;
      else msg = JSON.stringify(sanitize(err)) ?? "unknown error";
    }
  } catch {
    msg = "unknown error";
  }
  return msg.length > 10_000 ? ownText(`${msg.slice(0, 10_000)}... (truncated)`) : msg;
}

/** The stack of a native error, when it has one (read without running user code). */
export function errorStack(err: unknown): string | undefined {
  try {
    if (err === null || typeof err !== "object" || types.isProxy(err)) return undefined;
    const dom = domException(err);
    if (!dom && !types.isNativeError(err)) return undefined;
    const header = stackHeader(dom?.name ?? ownData(err, "name") ?? protoData(err, "name"), dom?.message ?? ownData(err, "message") ?? protoData(err, "message"));
    const stack = stackWithoutWriting(() => ownData(err, "stack"), header);
    if (typeof stack !== "string") return undefined;
    return stack.length > 20_000 ? ownText(stack.slice(0, 20_000)) : stack;
  } catch {
    return undefined;
  }
}

/** `stack` with every copy of `message` replaced by `cleanMessage` (a stack repeats its message). */
export function withMessage(stack: string, message: string, cleanMessage: string): string {
  return message.length >= 4 && message !== cleanMessage && stack.includes(message) ? stack.split(message).join(cleanMessage) : stack;
}

/** The class name of a native error (`TypeError`, `APIError`), read as plain data. */
export function errorType(err: unknown): string | undefined {
  try {
    if (err === null || typeof err !== "object" || types.isProxy(err)) return undefined;
    // A DOMException's kind is its name (AbortError, TimeoutError), not its class.
    const dom = domException(err);
    if (dom) return dom.name ? dom.name.slice(0, 256) : "DOMException";
    if (!types.isNativeError(err)) return undefined;
    const ctor = dataField(err, "constructor");
    const ctorName = typeof ctor === "function" && !types.isProxy(ctor) ? dataField(ctor, "name") : undefined;
    const name = typeof ctorName === "string" && ctorName ? ctorName : dataField(err, "name");
    return typeof name === "string" && name ? name.slice(0, 256) : undefined;
  } catch {
    return undefined;
  }
}
