/**
 * Live updates for the open pages, pushed as Server-Sent Events (`GET /api/events`): each event is
 * the store's version, and a page that sees a new one asks the JSON API for what changed. Nothing
 * from the traces travels on this stream, so it needs no checks beyond the server's (Host, Origin).
 *
 * Resources stay bounded whatever the clients do: at most {@link LiveLimits.maxClients} streams; a
 * client's unsent data is at most one event, because while an event is still on its way to the
 * socket a client gets no new one, only a note of the newest version, written once the previous
 * event is through (versions only grow, so the newest is all it needs); a client that goes away
 * is forgotten at once, and a vanished peer is noticed by the keep-alive writes.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Bounds of a {@link LiveFeed}. */
export interface LiveLimits {
  /** Open streams at most; one more is answered 503. */
  maxClients: number;
  /** A keep-alive comment this often (ms), so a vanished peer is noticed. */
  heartbeatMs: number;
}

const DEFAULT_LIMITS: LiveLimits = { maxClients: 32, heartbeatMs: 15_000 };

interface Client {
  res: ServerResponse;
  /** Whether the last write is not yet handed to the socket. */
  writing: boolean;
  /** Newest version not yet written (a write was under way), or undefined. */
  pending: number | undefined;
}

/** The open event streams. */
export class LiveFeed {
  private readonly clients = new Set<Client>();
  private readonly limits: LiveLimits;
  private readonly heartbeat: ReturnType<typeof setInterval>;

  constructor(limits: Partial<LiveLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.heartbeat = setInterval(() => this.beat(), this.limits.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Open streams. */
  get size(): number {
    return this.clients.size;
  }

  /** Bytes written to the streams and not yet taken by the sockets, over all clients. */
  get buffered(): number {
    let sum = 0;
    for (const c of this.clients) sum += c.res.writableLength;
    return sum;
  }

  /** Answers an event-stream request; `version` is sent at once. */
  open(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, version: number): void {
    if (this.clients.size >= this.limits.maxClients) {
      const body = "too many open pages\n";
      res.writeHead(503, { ...headers, "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(body.length), "Retry-After": "10" });
      res.end(body);
      return;
    }
    res.writeHead(200, { ...headers, "Content-Type": "text/event-stream; charset=utf-8", "X-Accel-Buffering": "no" });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    req.socket.setNoDelay(true);
    const client: Client = { res, writing: false, pending: undefined };
    this.clients.add(client);
    const forget = (): void => {
      this.clients.delete(client);
    };
    res.on("close", forget);
    res.on("error", forget);
    // Reconnect after 2 s when the server restarts.
    this.write(client, "retry: 2000\n\n");
    this.send(client, version);
  }

  /** Tells every client the store's version changed. */
  publish(version: number): void {
    for (const c of this.clients) this.send(c, version);
  }

  /** Ends every stream and stops the heartbeat. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.res.destroy();
    this.clients.clear();
  }

  private send(client: Client, version: number): void {
    if (client.writing) client.pending = version;
    else this.write(client, `data: ${version}\n\n`);
  }

  private write(client: Client, text: string): void {
    client.writing = true;
    client.pending = undefined;
    client.res.write(text, () => {
      client.writing = false;
      if (client.pending !== undefined && this.clients.has(client)) this.send(client, client.pending);
    });
  }

  private beat(): void {
    for (const c of this.clients) if (!c.writing) this.write(c, ": keep-alive\n\n");
  }
}
