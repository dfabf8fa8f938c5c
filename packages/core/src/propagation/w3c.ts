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
 * - from a Tracium caller (a valid `tracium` entry): the receiving trace **continues** the caller's
 *   trace: same trace id, its root spans are children of the calling span, and it sends no
 *   start/end records (the caller owns the trace). The caller's sampling decision is kept.
 * - from any other W3C caller (an OpenTelemetry service): a **new** Tracium trace (a new id, its own
 *   start/end and summary) whose OpenTelemetry root span is a child of the caller's span and which
 *   keeps the caller's W3C trace id, so OTLP backends show one distributed trace.
 */
import { activeContext } from "../context.js";
import { logger } from "../logger.js";
import type { CapturedContext } from "../propagation.js";
import type { TraceLink } from "../records.js";
import type { Span } from "../span.js";
import type { Trace, TraceKind } from "../trace.js";
import { hexId, isW3CSpanId, isW3CTraceId, uuidFromHex32, w3cRootSpanId, w3cSpanId, w3cTraceId } from "../otlp/ids.js";

/** HTTP headers in any usual shape: a plain object (Node's `IncomingHttpHeaders`), a `Headers`, a `Map`. */
export type HeaderCarrier =
  | Record<string, string | string[] | number | undefined | null>
  | { get(name: string): unknown }
  | { set(name: string, value: string): unknown };

/** What `extract()` found: the caller's W3C position, and its Tracium ids when it is a Tracium process. */
export interface ExtractedContext {
  readonly kind: "w3c";
  /** W3C trace id (32 hex digits). */
  readonly traceId: string;
  /** W3C id of the caller's span (16 hex digits). */
  readonly spanId: string;
  /** The caller's sampled flag. */
  readonly sampled: boolean;
  /** The `tracestate` header, normalised (passed on by `inject()` in the continued trace). */
  readonly traceState: string | undefined;
  /** Tracium ids of the caller, from a valid `tracium` tracestate entry. */
  readonly tracium: { readonly traceId: string; readonly spanId: string | undefined; readonly depth: number } | undefined;
}

/** What `agentTrace({ parent })` accepts. */
export type TraceParent = HeaderCarrier | ExtractedContext | CapturedContext;

/** The W3C position of a span, as a bridge to another tracer knows it. */
export interface W3CPosition {
  traceId: string;
  spanId: string;
}

/**
 * Lets an exporter that owns the real W3C ids (the OpenTelemetry bridge: the app's tracer provider
 * picks them) answer for a Tracium trace/span. Process-wide, shared by the ESM and CJS builds.
 */
export type W3CResolver = (trace: Trace, span: Span | undefined) => W3CPosition | undefined;

const RESOLVERS_KEY = Symbol.for("tracium.w3c.resolvers.v1");

function resolvers(): Set<W3CResolver> {
  const g = globalThis as Record<symbol, Set<W3CResolver> | undefined>;
  let set = g[RESOLVERS_KEY];
  if (!set) {
    set = new Set();
    Object.defineProperty(g, RESOLVERS_KEY, { value: set, enumerable: false, configurable: true });
  }
  return set;
}

/** @internal Registers a resolver; returns the function that removes it. */
export function registerW3CResolver(resolver: W3CResolver): () => void {
  const set = resolvers();
  set.add(resolver);
  return () => set.delete(resolver);
}

function resolve(trace: Trace, span: Span | undefined): W3CPosition | undefined {
  for (const r of resolvers()) {
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
  if (Array.isArray(raw)) return raw.filter((v) => typeof v === "string").join(",") || undefined;
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
  if (typeof value !== "string") return undefined;
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

/** Valid `key=value` entries of a `tracestate` header, in order, first occurrence of a key kept. */
export function parseTracestate(value: string | undefined): Array<[string, string]> {
  if (typeof value !== "string") return [];
  const out: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const member of value.split(",")) {
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
 * `traceparent`. Never throws.
 */
export function extract(carrier: unknown): ExtractedContext | undefined {
  try {
    const parent = parseTraceparent(headerValue(carrier, "traceparent"));
    if (!parent) return undefined;
    const entries = parseTracestate(headerValue(carrier, "tracestate"));
    const own = entries.find(([k]) => k === TRACIUM_KEY);
    const entry = own ? parseTraciumEntry(own[1]) : undefined;
    // An entry written for another traceparent (rewritten on the way) says nothing about this one.
    const tracium =
      entry && entry.p === parent.spanId
        ? {
            traceId: entry.t ?? uuidFromHex32(parent.traceId),
            spanId: entry.s,
            depth: entry.s !== undefined ? (entry.d ?? 0) : -1,
          }
        : undefined;
    return {
      kind: "w3c",
      traceId: parent.traceId,
      spanId: parent.spanId,
      sampled: (parent.flags & 1) === 1,
      traceState: entries.length > 0 ? formatTracestate(entries) : undefined,
      tracium,
    };
  } catch (err) {
    logger.once("warn", "w3c-extract", "extract() failed; the trace headers were ignored", err);
    return undefined;
  }
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
    const depth = typeof parent.depth === "number" ? parent.depth : -1;
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
        remoteDepth: ext.tracium.depth + 1,
        sampled: ext.sampled,
        otel,
      },
    };
  }
  return { traceId: undefined, kind: { otel } };
}
