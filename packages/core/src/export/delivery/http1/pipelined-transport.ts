/**
 * The default transport of the HTTP exporters on Node.js, Bun and Deno: HTTP/1.1 over
 * `node:net`/`node:tls`, kept alive and pipelined (connection.ts).
 *
 * Why not `node:http` or undici: on this project's bench machine a sequential keep-alive POST
 * through `node:http` costs ~150 µs of CPU and undici's pipelined `Pool` ~100 µs, against ~18 µs
 * for pipelined writes on a plain socket. An implicit trace is three requests (create, spans,
 * complete), so that difference was most of what tracing a short call cost (bench/README.md).
 *
 * Why pipelining POSTs is safe here (RFC 9112 §9.3.2 asks for a way to recover): every call of
 * the ingestion API is an upsert keyed by an id the SDK chose (trace id, span ids), so a request
 * sent twice has the effect of one. Requests are sent again, once, only when the server should not
 * have acted on them: it announced the close (HTTP/1.1 then forbids processing what follows, though
 * Node's own server already has), or a kept-alive connection died before answering anything new.
 * Any other loss is an error for the exporter's retry policy. A server that garbles pipelined
 * answers, or drops a connection partway through them, gets one request per connection from then
 * on. A slow answer holds back only the requests written with it (see `OriginPool.pick`).
 *
 * The modules are loaded at the first request (util/builtin.ts): a process that never sends
 * never pays for them. Host names go through a bounded lookup (dns-lookup.ts): a DNS server that
 * never answers cannot hold the app's exit. Redirects are never followed: a 3xx is reported, and
 * the API key never goes anywhere else.
 */
import type * as net from "node:net";
import type * as tls from "node:tls";
import { builtinNow, loadBuiltin } from "../../../util/builtin.js";
import { logger } from "../../../util/logger.js";
import { createBoundedLookup } from "../dns-lookup.js";
import { noResponse, type HttpOutcome, type Sender } from "../http.js";
import { parseRetryAfter } from "../retry.js";
import { Http1Connection, type ConnectionOwner } from "./connection.js";
import { AbortWatch, OutgoingRequest } from "./outgoing-request.js";
import { requestHead } from "./request-head.js";
import type { ParsedResponse } from "./response-parser.js";

/** Requests one connection carries at once. */
export const PIPELINE_DEPTH = 16;
/** Origins with connections kept at once. */
const MAX_ORIGINS = 16;

type NetModule = Pick<typeof net, "connect" | "isIP">;
type TlsModule = Pick<typeof tls, "connect">;

/** Where requests to one origin go, parsed once. */
interface Origin {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number;
  /** The `Host` header's value. */
  readonly host: string;
}

/** The connections to one origin, and the requests waiting for room on them. */
class OriginPool implements ConnectionOwner<OutgoingRequest> {
  private readonly connections: Array<Http1Connection<OutgoingRequest>> = [];
  private waiting: OutgoingRequest[] = [];
  private depth = PIPELINE_DEPTH;

  constructor(
    readonly origin: Origin,
    private readonly maxConnections: number,
    private readonly connect: (origin: Origin) => net.Socket,
  ) {}

  /** Sends `request` as soon as a connection has room, after the requests already waiting. */
  dispatch(request: OutgoingRequest): void {
    this.waiting.push(request);
    this.drain();
  }

  answered(request: OutgoingRequest, response: ParsedResponse): void {
    request.settle({
      status: response.status,
      body: response.body,
      retryAfterMs: parseRetryAfter(response.retryAfter ?? null),
      location: response.location,
      timedOut: false,
      error: undefined,
    });
    this.drain();
  }

  lost(connection: Http1Connection<OutgoingRequest>, unanswered: OutgoingRequest[], error: Error, unprocessed: boolean, pipeliningSuspect: boolean): void {
    const at = this.connections.indexOf(connection);
    if (at >= 0) this.connections.splice(at, 1);
    if (pipeliningSuspect && this.depth > 1) {
      this.depth = 1;
      logger.debug(`${this.origin.host} does not seem to handle pipelined requests (${error.message}); sending one request per connection`);
    }
    for (const request of unanswered) {
      request.connection = undefined;
      if (unprocessed && !request.resent) {
        request.resent = true;
        this.dispatch(request);
      } else request.fail(error);
    }
    this.drain();
  }

  /** Closes every connection (their requests fail) and fails the waiting requests. */
  close(reason: Error): void {
    for (const connection of [...this.connections]) connection.destroy(reason);
    const waiting = this.waiting;
    this.waiting = [];
    for (const request of waiting) request.fail(reason);
  }

  /**
   * Where the next request goes: with the requests already given this turn (they leave in one
   * write), else on an idle connection, else on a new one, and only when every connection is
   * busy behind the requests in flight (pipelined). A request that is slow to answer then holds
   * back only what went out with it.
   */
  private pick(): Http1Connection<OutgoingRequest> | undefined {
    let idle: Http1Connection<OutgoingRequest> | undefined;
    let leastBusy: Http1Connection<OutgoingRequest> | undefined;
    let usable = 0;
    for (const c of this.connections) {
      if (!c.usable) continue;
      usable++;
      if (c.load >= this.depth) continue;
      if (c.writing) return c;
      if (c.load === 0) idle ??= c;
      else if (!leastBusy || c.load < leastBusy.load) leastBusy = c;
    }
    if (idle) return idle;
    if (usable >= this.maxConnections) return leastBusy;
    const connection = new Http1Connection(this.connect(this.origin), this);
    this.connections.push(connection);
    return connection;
  }

  /** Hands waiting requests to connections with room, oldest first. Never throws (it runs in socket handlers too). */
  private drain(): void {
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      if (next.done) {
        this.waiting.shift();
        continue;
      }
      let connection: Http1Connection<OutgoingRequest> | undefined;
      try {
        connection = this.pick();
      } catch (error) {
        // No connection can be opened: every waiting request fails with that.
        const waiting = this.waiting;
        this.waiting = [];
        for (const request of waiting) request.fail(error);
        return;
      }
      if (!connection) return;
      this.waiting.shift();
      next.connection = connection;
      connection.add(next);
    }
  }
}

/** A {@link Sender} over pipelined HTTP/1.1 connections, with the connections it owns. */
export class PipelinedHttpTransport {
  /** Requests one connection carries at once: the exporter keeps connections times this in flight. */
  readonly pipelining = PIPELINE_DEPTH;
  private readonly pools = new Map<string, OriginPool>();
  private readonly aborts = new AbortWatch();
  private netModule: NetModule | undefined;
  private tlsModule: TlsModule | undefined;
  /** Name resolution that cannot hold the app's exit; made at the first connection. */
  private lookup: net.LookupFunction | undefined | null = null;

  /** @param maxConnections connections per origin at once (the exporter's concurrency). */
  constructor(private readonly maxConnections: number) {}

  /** Sends one POST; see {@link Sender}. Never rejects. */
  readonly send: Sender = (url, headers, body, timeoutMs, signal) =>
    new Promise<HttpOutcome>((resolve) => {
      let request: OutgoingRequest | undefined;
      try {
        const { key, origin, path } = this.target(url);
        request = new OutgoingRequest(requestHead(path, origin.host, headers, body), body, resolve);
        request.deadline(timeoutMs);
        request.abortOn(signal, this.aborts);
        if (request.done) return;
        const pending = request;
        if (this.modulesNow(origin.secure)) this.pool(key, origin).dispatch(pending);
        else
          this.loadModules(origin.secure).then(
            () => this.pool(key, origin).dispatch(pending),
            (error: unknown) => pending.fail(error),
          );
      } catch (error) {
        if (request) request.fail(error);
        else resolve(noResponse(error));
      }
    });

  /** Closes the kept-alive connections; requests still on them fail. */
  close(): void {
    const reason = new Error("transport closed");
    for (const pool of this.pools.values()) pool.close(reason);
  }

  private pool(key: string, origin: Origin): OriginPool {
    let pool = this.pools.get(key);
    if (!pool) {
      // The exporters send to one or two origins; a bound keeps a misuse from growing this map.
      if (this.pools.size >= MAX_ORIGINS) {
        const [oldestKey, oldest] = this.pools.entries().next().value!;
        this.pools.delete(oldestKey);
        oldest.close(new Error("too many origins; connection closed"));
      }
      pool = new OriginPool(origin, this.maxConnections, (o) => this.connect(o));
      this.pools.set(key, pool);
    }
    return pool;
  }

  private connect(origin: Origin): net.Socket {
    if (this.lookup === null) this.lookup = createBoundedLookup();
    const common = { host: origin.hostname, port: origin.port, ...(this.lookup ? { lookup: this.lookup } : {}) };
    if (!origin.secure) return this.netModule!.connect(common);
    // SNI carries names only: Node warns when it is given an IP address.
    const servername = this.netModule!.isIP(origin.hostname) ? undefined : origin.hostname;
    return this.tlsModule!.connect({ ...common, ...(servername ? { servername } : {}), ALPNProtocols: ["http/1.1"] });
  }

  private modulesNow(secure: boolean): boolean {
    this.netModule ??= builtinNow<NetModule>("node:net");
    if (secure) this.tlsModule ??= builtinNow<TlsModule>("node:tls");
    return this.netModule !== undefined && (!secure || this.tlsModule !== undefined);
  }

  private async loadModules(secure: boolean): Promise<void> {
    this.netModule ??= await loadBuiltin<NetModule>("node:net");
    if (secure) this.tlsModule ??= await loadBuiltin<TlsModule>("node:tls");
  }

  /** The origin of `url` (parsed once per origin) and its path with the query. Throws on a bad URL. */
  private target(url: string): { key: string; origin: Origin; path: string } {
    const slash = url.indexOf("/", url.indexOf("//") + 2);
    const key = slash < 0 ? url : url.slice(0, slash);
    const known = this.pools.get(key);
    const path = slash < 0 ? "/" : url.slice(slash);
    if (known) return { key, origin: known.origin, path };
    const parsed = new URL(key);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`unsupported protocol ${parsed.protocol}`);
    const secure = parsed.protocol === "https:";
    // URL keeps IPv6 hosts in brackets; sockets want them bare.
    const hostname = parsed.hostname.startsWith("[") ? parsed.hostname.slice(1, -1) : parsed.hostname;
    const port = parsed.port ? Number(parsed.port) : secure ? 443 : 80;
    return { key, origin: { secure, hostname, port, host: parsed.host }, path };
  }
}
