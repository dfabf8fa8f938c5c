/**
 * Exporters that own the real W3C ids of Tracium spans (the OpenTelemetry bridge) register here;
 * propagation (`tracing/w3c.ts`) asks them before it derives ids itself. Keyed by trace and span id.
 */

/** The W3C position of a span, as a bridge to another tracer knows it. */
export interface W3CPosition {
  traceId: string;
  spanId: string;
}

/**
 * Lets an exporter that owns the real W3C ids (the OpenTelemetry bridge: the app's tracer provider
 * picks them) answer for a Tracium trace/span. Process-wide, shared by the ESM and CJS builds.
 */
export type W3CResolver = (trace: { readonly id: string }, span: { readonly id: string } | undefined) => W3CPosition | undefined;

const RESOLVERS_KEY = Symbol.for("tracium.w3c.resolvers.v1");

/** @internal The registered resolvers, asked in order by `tracing/w3c.ts`. */
export function w3cResolvers(): ReadonlySet<W3CResolver> {
  return resolvers();
}

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
