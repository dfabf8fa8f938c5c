/**
 * The values that carry a trace position across a boundary: HTTP headers, what `extract()` reads
 * from them, and the snapshot `captureContext()` hands to a worker. Plain data, no behaviour.
 */

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

/** A plain, structured-clone-safe snapshot of the active context (for `postMessage`/`workerData`). */
export interface CapturedContext {
  readonly tracium: 1;
  readonly traceId: string;
  readonly spanId: string | undefined;
  readonly agentName: string;
  /** Depth of `spanId`, so spans created on the other side get the right `depth_level`. */
  readonly depth: number;
}

/** What `agentTrace({ parent })` accepts. */
export type TraceParent = HeaderCarrier | ExtractedContext | CapturedContext;
