/**
 * Marking where one trace begins and ends when the code is traced with zero code (or by hand):
 * `withTrace` for a job or any unit of work, `traceHandler` for a request handler (node:http,
 * Express, Fastify, Hono). Calls made inside join that one trace instead of getting one implicit
 * trace each.
 */
import { currentTrace, getClient, logger, runObserved, type Trace, type TraceOptions } from "@tracium/core";

/** Options of {@link withTrace}: the trace options, every one optional. */
export interface WithTraceOptions extends Partial<TraceOptions> {}

/**
 * Runs `fn` as one trace (a job, a conversation turn, a batch item): every traced call made
 * inside it, however deep, joins this trace. Returns what `fn` returns (awaited). Inside an
 * explicit trace already, `fn` simply runs in that trace.
 *
 * The trace is lazy by default (`lazyStart: true`): a unit of work that made no traced call
 * sends nothing. The agent name defaults to `TRACIUM_AGENT_NAME` / the package name.
 *
 * ```ts
 * await tracium.withTrace("nightly-digest", async (trace) => { ... });
 * ```
 */
export function withTrace<R>(fn: (trace: Trace) => R): Promise<Awaited<R>>;
export function withTrace<R>(nameOrOptions: string | WithTraceOptions | undefined, fn: (trace: Trace) => R): Promise<Awaited<R>>;
export function withTrace<R>(a: unknown, b?: unknown): Promise<Awaited<R>> {
  const fn = (typeof a === "function" ? a : b) as (trace: Trace) => R;
  const opts = typeof a === "function" ? undefined : a;
  const active = joinableTrace();
  if (active) {
    if (typeof fn !== "function") {
      logger.once("error", "with-trace-fn", "withTrace() needs a callback function");
      return Promise.resolve(undefined as Awaited<R>);
    }
    // The caller gets fn's own outcome: a sync throw becomes a rejection, as for agentTrace.
    return new Promise<Awaited<R>>((resolve) => resolve(fn(active) as Awaited<R>));
  }
  const client = getClient();
  return client.agentTrace(traceOptions(opts, client.config.defaultAgentName), fn);
}

/** Options of {@link traceHandler}. */
export interface TraceHandlerOptions extends Partial<TraceOptions> {
  /**
   * A trace fails when the response status is at least this. Default 500; `false` never fails a
   * trace on its status alone (a thrown error still does).
   */
  failOnStatus?: number | false;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * Wraps a request handler so each request runs as one trace, ended when the response finishes.
 * Works with:
 * - `node:http`: `http.createServer(tracium.traceHandler((req, res) => { ... }))`
 * - Express (a route handler, or a middleware: `app.use(tracium.traceHandler((req, res, next) => next()))`)
 * - Fastify: `fastify.post("/chat", tracium.traceHandler(async (request, reply) => { ... }))`
 * - Hono (a handler, or `app.use(tracium.traceHandler((c, next) => next()))`)
 * - anything else: the trace ends when the handler returns or its promise settles.
 *
 * The handler keeps its `this`, arguments, return value and errors. The trace is lazy by default,
 * so requests that make no traced call (health checks, static files) send nothing. Its metadata
 * holds the method and the path (never the query string), and at the end the status code.
 */
export function traceHandler<H extends AnyFunction>(handler: H, options: TraceHandlerOptions = {}): H {
  if (typeof handler !== "function") {
    logger.error("traceHandler() needs a function; the value is returned unwrapped");
    return handler;
  }
  const opts: TraceHandlerOptions = options && typeof options === "object" ? options : {};
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const call = (): unknown => (handler as unknown as (...a: unknown[]) => unknown).apply(this, args);
    let request: RequestShape | undefined;
    let trace: Trace | undefined;
    try {
      if (joinableTrace()) return call(); // already inside a request's trace (nested middleware)
      request = requestShape(args);
      const client = getClient();
      const base = traceOptions(opts, client.config.defaultAgentName);
      trace = client.startTrace({ ...base, metadata: { ...request.metadata, ...base.metadata } });
    } catch (err) {
      logger.once("error", "trace-handler", "traceHandler could not start a trace; the request runs untraced", err);
      return call();
    }
    const t = trace;
    const failOn = opts.failOnStatus === undefined ? 500 : opts.failOnStatus;
    const finish = (): void => {
      try {
        if (t.isEnded) return;
        const status = request?.status();
        if (typeof status === "number") {
          t.setMetadata({ http_status_code: status });
          if (failOn !== false && status >= failOn) t.markFailed(`HTTP ${status}`);
        }
        t.end();
      } catch (err) {
        logger.once("error", "trace-handler-end", "traceHandler could not end a trace", err);
      }
    };
    const waitsForResponse = request.onDone(finish);
    return runObserved(
      () => t.run(call),
      (err, failed) => {
        if (failed) t.fail(err);
        else if (!waitsForResponse) finish();
      },
    );
  };
  try {
    Object.defineProperty(wrapped, "name", { value: handler.name, configurable: true });
    // Express tells error handlers (err, req, res, next) apart by their arity.
    Object.defineProperty(wrapped, "length", { value: handler.length, configurable: true });
  } catch {
    // cosmetic only
  }
  return wrapped as unknown as H;
}

/** The active trace when it is an explicit one (an implicit per-call trace is no boundary). */
function joinableTrace(): Trace | undefined {
  try {
    const active = currentTrace();
    if (active && !active.isEnded && !(active as { implicit?: boolean }).implicit) return active;
  } catch {
    // fall through: no joinable trace
  }
  return undefined;
}

function traceOptions(opts: unknown, defaultAgentName: string): TraceOptions {
  if (typeof opts === "string") return { agentName: opts, lazyStart: true };
  const o = opts && typeof opts === "object" ? (opts as Partial<TraceOptions> & { failOnStatus?: unknown }) : {};
  const { failOnStatus: _ignored, ...rest } = o;
  return { ...rest, agentName: o.agentName ?? defaultAgentName, lazyStart: o.lazyStart ?? true };
}

interface RequestShape {
  metadata: Record<string, unknown>;
  /** Registers `done` for when the response has finished; false when the end cannot be observed. */
  onDone(done: () => void): boolean;
  status(): number | undefined;
}

interface NodeRequestLike {
  method?: unknown;
  url?: unknown;
  originalUrl?: unknown;
}

interface NodeResponseLike {
  statusCode?: unknown;
  writableFinished?: unknown;
  once(event: string, listener: () => void): unknown;
  setHeader(name: string, value: unknown): unknown;
}

function isNodeResponse(value: unknown): value is NodeResponseLike {
  const v = value as Partial<NodeResponseLike> | null;
  return !!v && typeof v === "object" && typeof v.once === "function" && typeof v.setHeader === "function" && "statusCode" in v;
}

/**
 * The path of a request target: as sent up to its query for the usual origin form (`/a?b`; a
 * target such as `//host/x` is a path, not another host), the parsed path for an absolute URL.
 */
function pathOf(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  if (!url.startsWith("/")) {
    try {
      return new URL(url).pathname;
    } catch {
      // neither a path nor a URL: kept up to its query, as sent
    }
  }
  const end = url.search(/[?#]/);
  return end < 0 ? url : url.slice(0, end);
}

function httpMetadata(method: unknown, url: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof method === "string") out.http_method = method;
  const path = pathOf(url);
  if (path !== undefined) out.http_path = path;
  return out;
}

function nodeShape(req: NodeRequestLike | undefined, res: NodeResponseLike): RequestShape {
  return {
    metadata: httpMetadata(req?.method, req?.originalUrl ?? req?.url),
    onDone(done) {
      if (res.writableFinished === true) return false;
      res.once("finish", done);
      res.once("close", done); // client went away, or the response was destroyed
      return true;
    },
    status: () => (typeof res.statusCode === "number" ? res.statusCode : undefined),
  };
}

/** Recognises the arguments of a node:http / Express, Fastify or Hono handler. */
function requestShape(args: readonly unknown[]): RequestShape {
  const [a, b] = args as [Record<string, unknown> | undefined, Record<string, unknown> | undefined];
  // node:http and Express: (req, res[, next])
  if (isNodeResponse(b)) return nodeShape(a as NodeRequestLike, b);
  // Fastify: (request, reply), reply.raw is the ServerResponse
  if (b && typeof b === "object" && isNodeResponse(b.raw)) {
    const raw = (a?.raw ?? a) as NodeRequestLike | undefined;
    return nodeShape({ method: a?.method ?? raw?.method, url: a?.url ?? raw?.url }, b.raw);
  }
  // Hono: (c[, next]), c.req.raw is a fetch Request and c.res the Response once set
  const honoReq = a && typeof a === "object" ? (a.req as Record<string, unknown> | undefined) : undefined;
  if (honoReq && typeof honoReq === "object" && honoReq.raw && typeof (honoReq.raw as Request).method === "string") {
    const raw = honoReq.raw as Request;
    return {
      metadata: httpMetadata(raw.method, raw.url),
      onDone: () => false,
      status: () => {
        const res = (a as { res?: { status?: unknown } }).res;
        return typeof res?.status === "number" ? res.status : undefined;
      },
    };
  }
  // A fetch-style handler: (request: Request)
  if (a && typeof a === "object" && typeof (a as { method?: unknown }).method === "string" && typeof (a as { url?: unknown }).url === "string" && typeof (a as { headers?: unknown }).headers === "object") {
    return { metadata: httpMetadata(a.method, a.url), onDone: () => false, status: () => undefined };
  }
  return { metadata: {}, onDone: () => false, status: () => undefined };
}
