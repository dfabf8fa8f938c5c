/**
 * Local stand-ins for a Tracium API in trouble, one per fault the fail-safe suite (and
 * bench/delivery.mjs, which has its own copy in plain JavaScript) runs against: a closed port,
 * 500s, 429 with a long Retry-After, an endpoint that accepts and never answers, connection
 * resets, and a host name that does not resolve. Plus a healthy one that records what it gets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

export type Fault = "closed-port" | "http-500" | "http-429" | "hang" | "reset" | "dns";
export const FAULTS: readonly Fault[] = ["closed-port", "http-500", "http-429", "hang", "reset", "dns"];

/** A request the server received. */
export interface Received {
  method: string;
  path: string;
  /** Raw body length, bytes. */
  bytes: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface ApiServer {
  /** Base URL to give the SDK. */
  readonly url: string;
  readonly requests: Received[];
  close(): Promise<void>;
}

/** What the server does with one request: answer it (status, JSON) or nothing at all. */
export type Handler = (req: Received, res: ServerResponse, raw: IncomingMessage) => void;

/** A local HTTP server on 127.0.0.1 that reads each body and hands it to `handler`. */
export async function startApi(handler: Handler): Promise<ApiServer> {
  const requests: Received[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      const raw = Buffer.concat(parts);
      let body: unknown;
      try {
        body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : undefined;
      } catch {
        body = undefined;
      }
      const r: Received = { method: req.method ?? "", path: req.url ?? "", bytes: raw.length, body };
      requests.push(r);
      handler(r, res, req);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Answers like the Tracium API: the create returns the trace id, everything else `{ok:true}`. */
export function answerOk(req: Received, res: ServerResponse): void {
  const created = req.path === "/agents/traces";
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(created ? { id: req.body?.trace_id } : { ok: true }));
}

/** A healthy API. */
export function startHealthyApi(): Promise<ApiServer> {
  return startApi(answerOk);
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<ApiServer> {
  const api = await startApi(answerOk);
  await api.close();
  return { url: api.url, requests: [], close: async () => undefined };
}

/** A server for `fault` (for `dns`, a URL whose host name never resolves). */
export async function startFault(fault: Fault): Promise<ApiServer> {
  switch (fault) {
    case "closed-port":
      return closedPort();
    case "dns":
      // RFC 2606: .invalid never resolves.
      return { url: "https://api.tracium-failsafe.invalid", requests: [], close: async () => undefined };
    case "http-500":
      return startApi((_req, res) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end('{"detail":"internal error"}');
      });
    case "http-429":
      return startApi((_req, res) => {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "3600" });
        res.end('{"detail":"slow down"}');
      });
    case "hang":
      return startApi(() => undefined);
    case "reset":
      return startApi((_req, _res, raw) => raw.socket.destroy());
  }
}
