/**
 * A real HTTP server on 127.0.0.1 standing in for the Tracium API in exporter tests: it records
 * every request and answers with whatever the test scripts (default: 200, and on create
 * `{"id": <the trace_id sent>}`).
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: unknown;
  /** Date.now() when the request arrived. */
  at: number;
}

/** What to answer: a status with an optional body and headers, or "hang" (never answer). */
export type Reply = { status: number; body?: string; headers?: Record<string, string> } | "hang";

export type Responder = (req: Received, index: number) => Reply | undefined;

export class Collector {
  readonly requests: Received[] = [];
  private responder: Responder | undefined;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  url = "";

  /** Scripts the answers; `undefined` from the responder means the default answer. */
  respond(responder: Responder | undefined): void {
    this.responder = responder;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          body = undefined;
        }
        const received: Received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, raw, body, at: Date.now() };
        this.requests.push(received);
        const reply = this.responder?.(received, this.requests.length - 1) ?? defaultReply(received);
        if (reply === "hang") {
          this.hanging.add(res);
          return;
        }
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        res.end(reply.body ?? "");
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests to paths ending with `suffix`. */
  to(suffix: string): Received[] {
    return this.requests.filter((r) => r.path.endsWith(suffix));
  }

  /** Waits until `predicate` holds (polling), or throws after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`condition not met in ${timeoutMs} ms; got ${this.requests.length} request(s)`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

function defaultReply(req: Received): Reply {
  if (req.path === "/agents/traces" && req.body && typeof req.body === "object") {
    return { status: 201, body: JSON.stringify({ id: (req.body as Record<string, unknown>)["trace_id"] }) };
  }
  return { status: 200, body: "{}" };
}

/** A URL on which nothing listens (connection refused). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
