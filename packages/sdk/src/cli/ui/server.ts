/**
 * The `tracium ui` HTTP server: the page, its JSON API over the trace file, and the collector.
 *
 * It serves data that came from prompts and tool outputs, so: it answers only requests whose
 * `Host` is the address it is bound to (a DNS-rebinding page has its own host name there), rejects
 * a foreign `Origin`, never sends `Access-Control-Allow-Origin` (no other site can read a response),
 * takes ingestion only with a JSON or protobuf content type (a cross-site form or "simple request"
 * cannot send one) and, when it has a token, only with that token; the page is served with a
 * Content-Security-Policy that allows no inline or foreign script.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { timingSafeEqual } from "node:crypto";
import { networkInterfaces } from "node:os";
import { traciumIngest, otlpIngest, type Answer } from "./collector.js";
import { pageAsset } from "./assets.js";
import { apiRequest } from "./api.js";
import { LiveFeed, type LiveLimits } from "./live.js";
import { TraceStore } from "./store.js";
import { withoutDeepValues, type FileTrace } from "../traces.js";

/** Options of {@link startUiServer}. */
export interface UiServerOptions {
  file: string;
  host: string;
  /** 0 for any free port. */
  port: number;
  /** When set, ingestion requires it (`X-API-Key: T` or `Authorization: Bearer T`). */
  token?: string;
  /** How often the file is checked for lines written by other processes (ms). */
  pollMs?: number;
  /** Bounds of the live event streams. */
  live?: Partial<LiveLimits>;
}

/** A running server. */
export interface UiServer {
  url: string;
  port: number;
  store: TraceStore;
  /** The open live-update streams. */
  live: LiveFeed;
  /** Whether a saved index of the file was reused. */
  reusedIndex: boolean;
  close(): Promise<void>;
}

const MAX_BODY = 32 * 1024 * 1024;

const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
};

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Whether the host is a loopback address (a warning is printed for any other). */
export function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function hostPort(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type, "Content-Length": String(Buffer.byteLength(body)), ...extra });
  res.end(body);
}

function sendJson(res: ServerResponse, answer: Answer): void {
  send(res, answer.status, answerJson(answer.body), "application/json; charset=utf-8");
}

/** The body as JSON; a trace holding a value too deeply nested to stringify (a hand-made file) is sent without its free-form values, as `view --json` prints it. */
function answerJson(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (err) {
    const trace = (body as { trace?: FileTrace } | null)?.trace;
    if (!trace || !Array.isArray(trace.spans)) throw err;
    return JSON.stringify({ ...(body as object), trace: withoutDeepValues(trace) });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
        return;
      }
      parts.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(parts)));
    req.on("error", reject);
  });
}

function tokenMatches(req: IncomingMessage, token: string): boolean {
  const auth = req.headers.authorization;
  const given = typeof req.headers["x-api-key"] === "string" ? req.headers["x-api-key"] : auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts the server; resolves once it listens. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const store = new TraceStore(options.file);
  const reusedIndex = await store.loadIndex();
  // Indexed while the server starts listening: the URL is printed at once, and the first API
  // request waits for this read (concurrent refreshes share it).
  void store
    .refresh()
    .then(() => store.saveIndex())
    .catch(() => undefined);
  const live = new LiveFeed(options.live);
  // A burst of lines (a batch of spans, a big append) is one event, at most every 50 ms.
  let publishing: ReturnType<typeof setTimeout> | undefined;
  store.onChange(() => {
    publishing ??= setTimeout(() => {
      publishing = undefined;
      live.publish(store.version);
    }, 50);
  });
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();
  let origin = "";

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = req.headers.host ?? "";
    if (!allowedHosts.has(host.toLowerCase())) {
      send(res, 421, "unexpected Host header\n", "text/plain; charset=utf-8");
      return;
    }
    const from = req.headers.origin;
    if (from !== undefined && !allowedOrigins.has(from.toLowerCase())) {
      send(res, 403, "cross-origin requests are refused\n", "text/plain; charset=utf-8");
      return;
    }
    const url = new URL(req.url ?? "/", origin);
    const path = url.pathname;
    if (req.method === "POST" && (path.startsWith("/agents/traces") || path === "/v1/traces")) {
      const mediaType = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
      if (mediaType !== "application/json" && mediaType !== "application/x-protobuf") {
        sendJson(res, { status: 415, body: { detail: "content-type must be application/json or application/x-protobuf" } });
        return;
      }
      if (options.token !== undefined && !tokenMatches(req, options.token)) {
        sendJson(res, { status: 401, body: { detail: "missing or wrong token" } });
        return;
      }
      const body = await readBody(req);
      if (body === undefined) {
        sendJson(res, { status: 413, body: { detail: "body too large" } });
        return;
      }
      if (path === "/v1/traces") {
        const answer = await otlpIngest(store, body, mediaType, req.headers["content-encoding"]);
        if (mediaType === "application/x-protobuf" && answer.status === 200) send(res, 200, Buffer.alloc(0), "application/x-protobuf");
        else sendJson(res, answer);
        return;
      }
      if (mediaType !== "application/json") {
        sendJson(res, { status: 415, body: { detail: "the Tracium API takes application/json" } });
        return;
      }
      const answer = await traciumIngest(store, path, body);
      sendJson(res, answer ?? { status: 404, body: { detail: "not found" } });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(res, { status: 405, body: { detail: "method not allowed" } });
      return;
    }
    if (path === "/api/events") {
      live.open(req, res, SECURITY_HEADERS, store.version);
      return;
    }
    if (path.startsWith("/api/")) {
      sendJson(res, await apiRequest(store, path, url.searchParams));
      return;
    }
    const asset = await pageAsset(path);
    if (!asset) {
      send(res, 404, "not found\n", "text/plain; charset=utf-8");
      return;
    }
    send(res, 200, asset.body, asset.type, asset.type.startsWith("text/html") ? { "Content-Security-Policy": CSP } : {});
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, { status: 500, body: { detail: String((e as Error)?.message ?? e) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const bound = hostPort(options.host, port);
  allowedHosts = new Set([bound.toLowerCase()]);
  // `localhost` names the same loopback address; a rebinding page cannot use it as its host.
  if (isLoopback(options.host)) allowedHosts.add(`localhost:${port}`);
  if (options.host === "0.0.0.0" || options.host === "::") {
    // Every address: the machine's own addresses are the hosts it can be reached by.
    allowedHosts.add(`localhost:${port}`);
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) allowedHosts.add(hostPort(a.address, port).toLowerCase());
  }
  allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  origin = `http://${bound}`;
  const timer = setInterval(() => void store.refresh().then(() => store.saveIndex()).catch(() => undefined), options.pollMs ?? 500);
  timer.unref();
  return {
    url: `${origin}/`,
    port,
    store,
    live,
    reusedIndex,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        clearTimeout(publishing);
        live.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
