/**
 * W3C Trace Context across processes: `inject(headers)` writes `traceparent`/`tracestate` for the
 * active trace and span; `extract(headers)` reads them back; `agentTrace({ parent })` continues the
 * trace in the receiving service.
 *
 * `traceparent` carries the W3C ids (see `otlp/ids.ts` for how Tracium ids map to them). Tracium's
 * own ids do not fit in it, so a `tracium` entry in `tracestate` carries them:
 * `tracium=p:<16 hex>;s:<span id>;d:<depth>;t:<trace id>` where
 * - `p` repeats the traceparent parent id the entry was written for: a proxy or an OpenTelemetry
 *   service between the two Tracium processes rewrites `traceparent` but not our entry, so an entry
 *   whose `p` no longer matches is ignored (the trace then continues as a foreign one);
 * - `s` is the calling span's Tracium id (absent when the caller was at trace level);
 * - `d` its depth, so spans on the other side get the right `depth_level`;
 * - `t` the Tracium trace id, only when it is not the UUID form of the W3C trace id.
 *
 * What `parent` does:
 * - from a Tracium caller (a `tracium` entry that is honoured, below): the receiving trace
 *   **continues** the caller's trace: same trace id, its root spans are children of the calling
 *   span, and it sends no start/end records (the caller owns the trace).
 * - from any other W3C caller (an OpenTelemetry service): a **new** Tracium trace (a new id, its own
 *   start/end and summary) whose OpenTelemetry root span is a child of the caller's span and which
 *   keeps the caller's W3C trace id, so OTLP backends show one distributed trace.
 *
 * Incoming headers are untrusted input: anyone who can reach the service can send them. By default
 * the `tracium` entry is honoured only when it is **consistent with `traceparent`**: its trace id
 * maps to the traceparent trace id and its span (or, at trace level, the trace's root span) to the
 * traceparent parent id, under the one id rule of `otlp/ids.ts`. So the entry can no longer name a
 * trace or a parent other than the one `traceparent` names (a forged `t:victim-trace` under a random
 * traceparent is ignored). Its depth is clamped to {@link MAX_UNTRUSTED_DEPTH}. And the caller's
 * sampled flag does not switch recording off: a caller that sends `00` gets a new trace of the
 * service's own, sampled by the service's own `sampleRate`, linked to the caller's W3C trace (an
 * outside caller must not be able to make a service record nothing). With `extract(headers,
 * { trustCaller: true })` (callers inside your own network) the entry is honoured whenever its
 * `p` matches, up to depth 9999, and a `00` caller's decision not to record is followed.
 * Both headers are read only up to a bounded length (see {@link MAX_TRACESTATE_CHARS}).
 */
import { activeContext } from "./context.js";
import { w3cResolvers, type W3CPosition } from "../context/w3c-resolvers.js";
import { logger } from "../util/logger.js";
import type { CapturedContext, ExtractedContext, HeaderCarrier } from "../context/carriers.js";

export type { ExtractedContext, HeaderCarrier, TraceParent } from "../context/carriers.js";
import type { TraceLink } from "../model/records.js";
import type { Span } from "./span.js";
import type { Trace, TraceKind } from "./trace.js";
import { hexId, isW3CSpanId, isW3CTraceId, uuidFromHex32, w3cRootSpanId, w3cSpanId, w3cTraceId } from "../export/otlp/ids.js";

/** Options of {@link extract}. */
export interface ExtractOptions {
  /**
   * Trust the caller's `tracium` entry and sampled flag as sent (callers inside your own network).
   * Default false: the entry counts only when consistent with `traceparent`, its depth is clamped,
   * and a caller's `00` flag does not stop this service from recording (see the module comment).
   */
  trustCaller?: boolean;
}

/** Deepest caller depth taken from an untrusted caller. */
export const MAX_UNTRUSTED_DEPTH = 100;
/** Deepest caller depth taken at all (four digits in the entry). */
const MAX_DEPTH = 9999;
/**
 * Longest `tracestate` read, in characters; members past it are dropped. W3C allows 32 members and
 * asks that at least 512 characters be passed on; headers in use are far shorter than this.
 */
export const MAX_TRACESTATE_CHARS = 8192;
/** Longest `traceparent` read (version 00 is 55 characters; later versions may append fields). */
const MAX_TRACEPARENT_CHARS = 512;
/** Values of a repeated header read at most. */
const MAX_HEADER_VALUES = 64;

function resolve(trace: Trace, span: Span | undefined): W3CPosition | undefined {
  for (const r of w3cResolvers()) {
    try {
      const pos = r(trace, span);
      if (pos && isW3CTraceId(pos.traceId) && isW3CSpanId(pos.spanId)) return pos;
    } catch {
      // A resolver never breaks propagation; the deterministic ids are used instead.
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- header access

function headerValue(carrier: unknown, name: string): string | undefined {
  if (carrier === null || typeof carrier !== "object") return undefined;
  let raw: unknown;
  const get = (carrier as { get?: unknown }).get;
  if (typeof get === "function") {
    raw = (get as (n: string) => unknown).call(carrier, name);
  } else {
    const record = carrier as Record<string, unknown>;
    raw = record[name];
    if (raw === undefined) {
      for (const key of Object.keys(record)) {
        if (key.toLowerCase() === name) {
          raw = record[key];
          break;
        }
      }
    }
  }
  if (Array.isArray(raw)) return raw.slice(0, MAX_HEADER_VALUES).filter((v) => typeof v === "string").join(",") || undefined;
  return typeof raw === "string" ? raw : undefined;
}

function setHeader(carrier: unknown, name: string, value: string): void {
  if (carrier === null || typeof carrier !== "object") return;
  const set = (carrier as { set?: unknown }).set;
  if (typeof set === "function") (set as (n: string, v: string) => unknown).call(carrier, name, value);
  else (carrier as Record<string, unknown>)[name] = value;
}

// ---------------------------------------------------------------- traceparent / tracestate

/** The fields of a valid `traceparent` header (version 00, or a later version read as 00). */
export function parseTraceparent(value: string | undefined): { traceId: string; spanId: string; flags: number } | undefined {
  if (typeof value !== "string" || value.length > MAX_TRACEPARENT_CHARS) return undefined;
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [string, string, string, string, string, string | undefined];
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (!isW3CTraceId(traceId) || !isW3CSpanId(spanId)) return undefined;
  return { traceId, spanId, flags: parseInt(flags, 16) };
}

const TS_KEY = /^(?:[a-z0-9][_0-9a-z\-*/]{0,255}|[a-z0-9][_0-9a-z\-*/]{0,240}@[a-z][_0-9a-z\-*/]{0,13})$/;
const TS_VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const MAX_TS_ENTRIES = 32;
const TRACIUM_KEY = "tracium";
/** Characters of a Tracium id carried in tracestate (those of a `traceId` option). */
const SAFE_ID = /^[A-Za-z0-9_-]{1,200}$/;

/** The leading members of a `tracestate` that fit in {@link MAX_TRACESTATE_CHARS} (the newest: W3C adds on the left). */
function capTracestate(value: string): string {
  if (value.length <= MAX_TRACESTATE_CHARS) return value;
  logger.once("warn", "w3c-tracestate-long", `an incoming tracestate header of ${value.length} characters was cut to ${MAX_TRACESTATE_CHARS}`);
  const cut = value.lastIndexOf(",", MAX_TRACESTATE_CHARS);
  return cut > 0 ? value.slice(0, cut) : "";
}

/**
 * Valid `key=value` entries of a `tracestate` header, in order, first occurrence of a key kept.
 * Reads at most {@link MAX_TRACESTATE_CHARS} characters of it.
 */
export function parseTracestate(value: string | undefined): Array<[string, string]> {
  if (typeof value !== "string") return [];
  const out: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const member of capTracestate(value).split(",")) {
    const item = member.trim();
    if (!item) continue;
    const eq = item.indexOf("=");
    if (eq <= 0) continue;
    const key = item.slice(0, eq);
    const val = item.slice(eq + 1);
    if (!TS_KEY.test(key) || !TS_VALUE.test(val) || seen.has(key)) continue;
    seen.add(key);
    out.push([key, val]);
    if (out.length >= MAX_TS_ENTRIES) break;
  }
  return out;
}

function formatTracestate(entries: ReadonlyArray<[string, string]>): string {
  return entries.map(([k, v]) => `${k}=${v}`).join(",");
}

interface TraciumEntry {
  p?: string;
  s?: string;
  d?: number;
  t?: string;
}

function parseTraciumEntry(value: string): TraciumEntry {
  const out: TraciumEntry = {};
  for (const field of value.split(";")) {
    const key = field.slice(0, 2);
    const v = field.slice(2);
    if (key === "p:" && isW3CSpanId(v)) out.p = v;
    else if (key === "s:" && SAFE_ID.test(v)) out.s = v;
    else if (key === "t:" && SAFE_ID.test(v)) out.t = v;
    else if (key === "d:" && /^\d{1,4}$/.test(v)) out.d = Number(v);
  }
  return out;
}

// ---------------------------------------------------------------- inject / extract

/**
 * Writes `traceparent` (and `tracestate`) for the active trace and span into `carrier` (a plain
 * headers object, a `Headers`, a `Map`) and returns it. Outside any trace it writes nothing.
 * Never throws.
 */
export function inject<C>(carrier: C): C {
  try {
    const ctx = activeContext();
    if (!ctx || carrier === null || typeof carrier !== "object") return carrier;
    const headers = w3cHeaders(ctx.trace, ctx.span);
    setHeader(carrier, "traceparent", headers.traceparent);
    if (headers.tracestate) setHeader(carrier, "tracestate", headers.tracestate);
  } catch (err) {
    logger.once("warn", "w3c-inject", "inject() failed; no trace headers were written", err);
  }
  return carrier;
}

/** The `traceparent` and `tracestate` values for a position in a trace. */
export function w3cHeaders(trace: Trace, span: Span | undefined): { traceparent: string; tracestate: string } {
  const link = trace.data.otel;
  // The Tracium span the receiver will sit under, and its depth.
  let traciumSpanId: string | undefined;
  let depth: number | undefined;
  let parentId: string;
  if (span) {
    traciumSpanId = span.id;
    depth = span.data.depth;
    parentId = w3cSpanId(span.id);
  } else if (link?.continued) {
    traciumSpanId = link.parentTraciumSpanId;
    depth = trace.remoteDepth - 1;
    parentId = link.parentSpanId;
  } else if (trace.remote && trace.remoteParentSpanId) {
    traciumSpanId = trace.remoteParentSpanId;
    depth = trace.remoteDepth - 1;
    parentId = w3cSpanId(trace.remoteParentSpanId);
  } else {
    parentId = w3cRootSpanId(trace.id);
  }
  let traceId = w3cTraceId(trace.data);
  const resolved = resolve(trace, span);
  if (resolved) {
    traceId = resolved.traceId;
    parentId = resolved.spanId;
  }
  const flags = trace.recording ? "01" : "00";
  const fields = [`p:${parentId}`];
  if (traciumSpanId !== undefined && SAFE_ID.test(traciumSpanId)) {
    fields.push(`s:${traciumSpanId}`);
    if (depth !== undefined && depth >= 0) fields.push(`d:${depth}`);
  }
  if (hexId(trace.id) !== traceId && SAFE_ID.test(trace.id)) fields.push(`t:${trace.id}`);
  const inherited = parseTracestate(link?.traceState).filter(([k]) => k !== TRACIUM_KEY);
  const own: [string, string] = [TRACIUM_KEY, fields.join(";")];
  const entries = [own, ...inherited].slice(0, MAX_TS_ENTRIES);
  return { traceparent: `00-${traceId}-${parentId}-${flags}`, tracestate: formatTracestate(entries) };
}

/**
 * Reads `traceparent`/`tracestate` from incoming headers. Undefined when there is no valid
 * `traceparent`. The `tracium` entry is honoured as the module comment says: by default only when
 * consistent with `traceparent` and from a caller that records; with `trustCaller`, whenever it was
 * written for this `traceparent`. Never throws.
 */
export function extract(carrier: unknown, options?: ExtractOptions): ExtractedContext | undefined {
  try {
    const parent = parseTraceparent(headerValue(carrier, "traceparent"));
    if (!parent) return undefined;
    const trusted = isTrusted(options);
    const sampled = (parent.flags & 1) === 1;
    const entries = parseTracestate(headerValue(carrier, "tracestate"));
    const own = entries.find(([k]) => k === TRACIUM_KEY);
    const entry = own ? parseTraciumEntry(own[1]) : undefined;
    let tracium: ExtractedContext["tracium"];
    // An entry written for another traceparent (rewritten on the way) says nothing about this one.
    if (entry && entry.p === parent.spanId) {
      const traceId = entry.t ?? uuidFromHex32(parent.traceId);
      const depth = entry.s !== undefined ? Math.min(entry.d ?? 0, trusted ? MAX_DEPTH : MAX_UNTRUSTED_DEPTH) : -1;
      const honoured = trusted || (sampled && consistent(parent, traceId, entry.s));
      if (honoured) tracium = { traceId, spanId: entry.s, depth };
      else logger.once("debug", "w3c-untrusted-entry", "an incoming tracium tracestate entry was not honoured (not consistent with traceparent, or not sampled); a new trace was started");
    }
    return {
      kind: "w3c",
      traceId: parent.traceId,
      spanId: parent.spanId,
      sampled,
      traceState: entries.length > 0 ? formatTracestate(entries) : undefined,
      tracium,
    };
  } catch (err) {
    logger.once("warn", "w3c-extract", "extract() failed; the trace headers were ignored", err);
    return undefined;
  }
}

function isTrusted(options: unknown): boolean {
  try {
    return typeof options === "object" && options !== null && (options as ExtractOptions).trustCaller === true;
  } catch {
    return false; // a throwing getter or Proxy trap: not an opt-in
  }
}

/**
 * Whether a `tracium` entry names the position `traceparent` names: the trace id maps to the W3C
 * trace id, and the calling span (or, at trace level, the trace's root span) to the W3C parent id.
 */
function consistent(parent: { traceId: string; spanId: string }, traceId: string, spanId: string | undefined): boolean {
  if (hexId(traceId) !== parent.traceId) return false;
  return spanId !== undefined ? w3cSpanId(spanId) === parent.spanId : w3cRootSpanId(traceId) === parent.spanId;
}

/** @internal A caller depth as an integer in [-1, 9999] (-1: at trace level, or unknown). */
export function clampDepth(depth: unknown): number {
  return typeof depth === "number" && Number.isFinite(depth) ? Math.max(-1, Math.min(MAX_DEPTH, Math.floor(depth))) : -1;
}

function isExtracted(value: unknown): value is ExtractedContext {
  const v = value as Partial<ExtractedContext> | null;
  return typeof v === "object" && v !== null && v.kind === "w3c" && isW3CTraceId(v.traceId) && isW3CSpanId(v.spanId);
}

function isCaptured(value: unknown): value is CapturedContext {
  const v = value as Partial<CapturedContext> | null;
  return typeof v === "object" && v !== null && v.tracium === 1 && typeof v.traceId === "string";
}

/**
 * @internal How a trace with `parent` is created: its id and kind. Undefined when `parent` holds no
 * usable context (reported once): a plain new trace is started then.
 */
export function traceFromParent(parent: unknown): { traceId: string | undefined; kind: TraceKind } | undefined {
  if (parent === undefined || parent === null) return undefined;
  if (isCaptured(parent)) {
    const depth = clampDepth(parent.depth);
    return { traceId: parent.traceId, kind: { remote: true, remoteParentSpanId: parent.spanId, remoteDepth: depth + 1 } };
  }
  const ext = isExtracted(parent) ? parent : extract(parent);
  if (!ext) {
    logger.once("warn", "w3c-parent", "agentTrace: `parent` has no valid traceparent; a new trace was started");
    return undefined;
  }
  const otel: TraceLink = { traceId: ext.traceId, parentSpanId: ext.spanId, traceState: ext.traceState, continued: ext.tracium !== undefined };
  if (ext.tracium) {
    // The span we sit under, in Tracium terms. At trace level the caller had none: our top-level
    // spans are top-level spans of the caller's trace too.
    if (ext.tracium.spanId !== undefined) otel.parentTraciumSpanId = ext.tracium.spanId;
    return {
      traceId: ext.tracium.traceId,
      kind: {
        remote: true,
        remoteParentSpanId: ext.tracium.spanId,
        remoteDepth: clampDepth(ext.tracium.depth) + 1,
        sampled: ext.sampled,
        otel,
      },
    };
  }
  return { traceId: undefined, kind: { otel } };
}
