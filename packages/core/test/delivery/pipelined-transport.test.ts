/**
 * The default HTTP transport (pipelined HTTP/1.1 over node:net), against real local servers:
 * requests given together leave in one write and each gets its own answer; what is written is
 * exactly each request's head (Latin-1) and body, for generated batches; a slow answer holds
 * back only what went out with it; a server that announces the close gets the rest again on a new
 * connection; a kept-alive connection that turns out dead is replaced once; a reset on a fresh
 * connection, a server that drops pipelined requests or garbles its answers is reported (and
 * pipelining stops for that server); nothing that could split a request reaches the wire; the
 * response text is capped; timeouts and the signal end a request; `node:net` is loaded at the
 * first request.
 */
import { getEventListeners } from "node:events";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_RESPONSE_CHARS } from "../../src/export/delivery/http.js";
import { PIPELINE_DEPTH, PipelinedHttpTransport } from "../../src/export/delivery/http1/pipelined-transport.js";
import { rng } from "../helpers.js";

let server: Server | undefined;
let raw: NetServer | undefined;
let transport: PipelinedHttpTransport | undefined;
afterEach(async () => {
  transport?.close();
  transport = undefined;
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await new Promise<void>((r) => (raw ? raw.close(() => r()) : r()));
  server = undefined;
  raw = undefined;
});

/** A server whose handler gets the request's path, body, ordinal on its connection (1 = first), socket and a responder. */
async function serve(
  handler: (req: { path: string; body: string; nth: number; socket: Socket }, end: (status: number, body?: string, headers?: Record<string, string>) => void) => void,
): Promise<string> {
  const counts = new WeakMap<Socket, number>();
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      const nth = (counts.get(req.socket) ?? 0) + 1;
      counts.set(req.socket, nth);
      handler({ path: req.url ?? "", body, nth, socket: req.socket }, (status, text = "{}", headers = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(text);
      });
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** A server that sees raw bytes: `onData` gets each connection's text so far and its socket. */
async function serveRaw(onData: (text: string, socket: Socket, connection: number) => void): Promise<string> {
  let connections = 0;
  raw = createNetServer((socket) => {
    const n = ++connections;
    let text = "";
    socket.on("data", (d: Buffer) => {
      text += d.toString("latin1");
      onData(text, socket, n);
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((r) => raw!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(raw.address() as { port: number }).port}`;
}

/** A server that sees raw bytes: `onData` gets each chunk as it arrives and its socket. */
async function serveRawBytes(onData: (chunk: Buffer, socket: Socket) => void): Promise<string> {
  raw = createNetServer((socket) => {
    socket.on("data", (d: Buffer) => onData(d, socket));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((r) => raw!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(raw.address() as { port: number }).port}`;
}

/** Complete requests in `text` (each ends with its `{}` body; tests send bodies of that size). */
const requestsIn = (text: string): string[] => text.split(/(?=POST )/).filter((r) => r.endsWith("\r\n\r\n{}"));
const ok = (body = "{}"): string => `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const never = new AbortController().signal;
const send = (url: string, body: string | Uint8Array = "{}", signal = never, timeoutMs = 5_000) =>
  transport!.send(url, { "Content-Type": "application/json", "X-API-Key": "k" }, body, timeoutMs, signal);

describe("pipelined HTTP/1.1 transport", () => {
  it("sends requests given together in one write, on one connection, and gives each its own answer", async () => {
    const sockets = new Set<Socket>();
    const url = await serve(({ path, body, socket }, end) => {
      sockets.add(socket);
      // Later requests are answered sooner by the handler; HTTP keeps the answers in order.
      setTimeout(() => end(200, JSON.stringify({ path, body })), path.endsWith("/0") ? 30 : 1);
    });
    transport = new PipelinedHttpTransport(4);
    const outs = await Promise.all(Array.from({ length: 10 }, (_, i) => send(`${url}/t/${i}`, JSON.stringify({ i, text: "é✓" }))));
    expect(outs.map((o) => JSON.parse(o.body) as unknown)).toEqual(Array.from({ length: 10 }, (_, i) => ({ path: `/t/${i}`, body: JSON.stringify({ i, text: "é✓" }) })));
    expect(outs.every((o) => o.status === 200 && o.error === undefined)).toBe(true);
    expect(sockets.size).toBe(1);
  });

  it("sends the API's fields, Host and Content-Length (bytes of UTF-8 text, or of a Uint8Array)", async () => {
    const seen: string[] = [];
    const url = await serveRaw((text, socket) => {
      if (!text.includes("\r\n\r\n")) return;
      const head = text.slice(0, text.indexOf("\r\n\r\n"));
      const length = Number(/content-length: (\d+)/i.exec(head)![1]);
      if (text.length < head.length + 4 + length) return;
      seen.push(text);
      socket.end(ok());
    });
    transport = new PipelinedHttpTransport(1);
    expect((await send(`${url}/a?x=1`, "é")).status).toBe(200);
    expect((await send(`${url}/b`, new Uint8Array([1, 2, 3]))).status).toBe(200);
    const port = new URL(url).port;
    expect(seen[0]).toBe(`POST /a?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nX-API-Key: k\r\nContent-Length: 2\r\n\r\n\u00c3\u00a9`);
    expect(seen[1]).toContain("Content-Length: 3\r\n\r\n\u0001\u0002\u0003");
  });

  it("sends a Latin-1 field value as Latin-1 bytes, and text and byte bodies given together intact, in order", async () => {
    let wire = "";
    const url = await serveRaw((text, socket) => {
      wire = text;
      const complete = text.split(/(?=POST )/).filter((r) => {
        const at = r.indexOf("\r\n\r\n");
        return at >= 0 && r.length - at - 4 >= Number(/content-length: (\d+)/i.exec(r)![1]);
      });
      if (complete.length === 3) socket.write(ok() + ok() + ok());
    });
    transport = new PipelinedHttpTransport(1);
    const headers = { "X-Who": "caf\u00e9" };
    const outs = await Promise.all([
      transport.send(`${url}/1`, headers, "é", 5_000, never),
      transport.send(`${url}/2`, headers, new Uint8Array([0xff, 0x00]), 5_000, never),
      transport.send(`${url}/3`, headers, "✓", 5_000, never),
    ]);
    expect(outs.map((o) => o.status)).toEqual([200, 200, 200]);
    const port = new URL(url).port;
    const head = (path: string, length: number) => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Who: caf\u00e9\r\nContent-Length: ${length}\r\n\r\n`;
    // `wire` is the bytes read as Latin-1: é in the field is one byte, the bodies are UTF-8 / raw bytes.
    expect(wire).toBe(`${head("/1", 2)}\u00c3\u00a9${head("/2", 2)}\u00ff\u0000${head("/3", 3)}\u00e2\u009c\u0093`);
  });

  it("writes 40 generated batches (ASCII and Latin-1 heads, text and byte bodies) as exactly the bytes each request stands for", async () => {
    let expected = 0;
    let answerCount = 0;
    let received = Buffer.alloc(0);
    let answer: ((bytes: Buffer) => void) | undefined;
    const url = await serveRawBytes((chunk, socket) => {
      received = Buffer.concat([received, chunk]);
      if (expected === 0 || received.length < expected) return;
      const count = answerCount;
      answer?.(received);
      received = Buffer.alloc(0);
      socket.write(ok().repeat(count));
    });
    transport = new PipelinedHttpTransport(1);
    const port = new URL(url).port;
    const ascii = { "Content-Type": "application/json", "X-API-Key": "k" };
    const latin1 = { "X-Who": "caf\u00e9 \u00ff" };
    const texts = ["", "{}", "é", "✓𝄞", '{"a":"\u00e9"}'];
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const batch = Array.from({ length: 1 + Math.floor(r() * 12) }, (_, i) => {
        const headers = r() < 0.5 ? ascii : latin1;
        const body = r() < 0.4 ? Uint8Array.from({ length: Math.floor(r() * 20) }, () => Math.floor(r() * 256)) : texts[Math.floor(r() * texts.length)]!;
        return { path: `/b${seed}/${i}`, headers, body };
      });
      const wire = Buffer.concat(
        batch.flatMap(({ path, headers, body }) => {
          const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
          const fields = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
          return [Buffer.from(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${fields}Content-Length: ${bytes.length}\r\n\r\n`, "latin1"), bytes];
        }),
      );
      expected = wire.length;
      answerCount = batch.length;
      const seen = new Promise<Buffer>((resolve) => (answer = resolve));
      const outs = await Promise.all(batch.map(({ path, headers, body }) => transport!.send(`${url}${path}`, headers, body, 5_000, never)));
      expect(outs.every((o) => o.status === 200), `seed ${seed}`).toBe(true);
      expect((await seen).equals(wire), `seed ${seed}`).toBe(true);
    }
  });

  it("a slow answer holds back only the requests that went out with it", async () => {
    let release: (() => void) | undefined;
    const url = await serve(({ path }, end) => {
      if (path === "/slow") release = () => end(200);
      else end(200, path);
    });
    transport = new PipelinedHttpTransport(4);
    const slow = send(`${url}/slow`);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const later = await send(`${url}/later`);
    expect(later).toMatchObject({ status: 200, body: "/later" });
    expect(Date.now() - started).toBeLessThan(2_000);
    release!();
    expect((await slow).status).toBe(200);
  });

  it("pipelines behind requests in flight only when every connection is busy, up to the depth", async () => {
    const perSocket = new Map<Socket, number>();
    const held: Array<() => void> = [];
    const url = await serve(({ socket }, end) => {
      perSocket.set(socket, (perSocket.get(socket) ?? 0) + 1);
      held.push(() => end(200));
    });
    transport = new PipelinedHttpTransport(2);
    const first = send(`${url}/1`);
    await new Promise((r) => setTimeout(r, 20));
    const second = send(`${url}/2`);
    await new Promise((r) => setTimeout(r, 20));
    const more = Array.from({ length: 2 * PIPELINE_DEPTH + 3 }, (_, i) => send(`${url}/more/${i}`));
    const received = (): number => [...perSocket.values()].reduce((a, b) => a + b, 0);
    for (let waited = 0; received() < 2 * PIPELINE_DEPTH && waited < 5_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    // Two connections, each carrying the depth: the rest waits in the transport.
    expect([...perSocket.values()]).toEqual([PIPELINE_DEPTH, PIPELINE_DEPTH]);
    // Answer one at a time until every request has reached the server and been answered.
    const total = 2 + more.length;
    while (held.length > 0 || received() < total) {
      held.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    const outs = await Promise.all([first, second, ...more]);
    expect(outs.every((o) => o.status === 200)).toBe(true);
    expect(perSocket.size).toBe(2);
  });

  it("sends again, on a new connection, what the server left unanswered after announcing the close", async () => {
    const count = new Map<string, number>();
    let closed = false;
    const url = await serve(({ path, nth }, end) => {
      count.set(path, (count.get(path) ?? 0) + 1);
      const close = nth === 2 && !closed;
      if (close) closed = true;
      end(200, path, close ? { connection: "close" } : {});
    });
    transport = new PipelinedHttpTransport(1);
    const outs = await Promise.all(Array.from({ length: 6 }, (_, i) => send(`${url}/p/${i}`)));
    expect(outs.map((o) => o.body)).toEqual(Array.from({ length: 6 }, (_, i) => `/p/${i}`));
    // Sent again at most once. (Node's server has already acted on requests pipelined behind the
    // close, which HTTP/1.1 forbids; the API's calls are upserts, so that is harmless.)
    expect(Math.max(...count.values())).toBeLessThanOrEqual(2);
    expect(count.size).toBe(6);
  });

  it("sends again once, on a fresh connection, when a kept-alive connection is found dead", async () => {
    let requests = 0;
    const url = await serve(({ nth, socket }, end) => {
      requests++;
      if (nth === 2) socket.destroy(); // the reused connection dies
      else end(200);
    });
    transport = new PipelinedHttpTransport(1);
    expect((await send(url)).status).toBe(200);
    expect((await send(url)).status).toBe(200);
    expect(requests).toBe(3);
  });

  it("reports a reset on a fresh connection (no second send)", async () => {
    let requests = 0;
    const url = await serve(({ socket }) => {
      requests++;
      socket.destroy();
    });
    transport = new PipelinedHttpTransport(1);
    const out = await send(url);
    expect(out.status).toBe(0);
    expect(out.error).toBeInstanceOf(Error);
    expect(requests).toBe(1);
  });

  it("reports a refused connection", async () => {
    const url = await serve((_r, end) => end(200));
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    transport = new PipelinedHttpTransport(1);
    const out = await send(url);
    expect(out).toMatchObject({ status: 0, timedOut: false });
    expect((out.error as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });

  it("stops pipelining to a server that drops pipelined requests unannounced, and reports them", async () => {
    const answeredOn = new WeakMap<Socket, number>();
    const outstanding: number[] = [];
    const url = await serveRaw((text, socket, connection) => {
      const complete = requestsIn(text).length;
      const answered = answeredOn.get(socket) ?? 0;
      if (complete === answered) return;
      answeredOn.set(socket, complete);
      // The first connection answers one request and hangs up on the rest.
      if (connection === 1) return void socket.end(ok());
      outstanding.push(complete - answered);
      for (let i = answered; i < complete; i++) socket.write(ok());
    });
    transport = new PipelinedHttpTransport(1);
    const outs = await Promise.all(Array.from({ length: 4 }, () => send(url)));
    expect(outs.map((o) => o.status)).toEqual([200, 0, 0, 0]);
    // From then on one request at a time per connection.
    const after = await Promise.all(Array.from({ length: 5 }, () => send(url)));
    expect(after.map((o) => o.status)).toEqual([200, 200, 200, 200, 200]);
    expect(Math.max(...outstanding)).toBe(1);
  });

  it("drops a connection whose answers cannot be parsed, reports its requests, and keeps working", async () => {
    let connection = 0;
    const url = await serveRaw((text, socket, n) => {
      if (!text.endsWith("\r\n\r\n{}")) return;
      connection = n;
      socket.write(n === 1 ? "HTTP/1.1 2OO OK\r\n\r\n" : ok('{"fine":1}'));
    });
    transport = new PipelinedHttpTransport(1);
    const bad = await send(url);
    expect(bad.status).toBe(0);
    expect(String(bad.error)).toMatch(/status line/);
    expect(await send(url)).toMatchObject({ status: 200, body: '{"fine":1}' });
    expect(connection).toBe(2);
  });

  it("skips interim answers and reads chunked and close-delimited bodies", async () => {
    const url = await serveRaw((text, socket, n) => {
      if (!text.endsWith("\r\n\r\n{}")) return;
      if (n === 1) socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nRetry-After: 3\r\n\r\n4\r\n{"a"\r\n3;x=y\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n');
      else socket.end('HTTP/1.0 503 Busy\r\nLocation: http://elsewhere/\r\n\r\n{"to":"close"}');
    });
    transport = new PipelinedHttpTransport(1);
    expect(await send(url)).toMatchObject({ status: 201, body: '{"a":1}', retryAfterMs: 3_000 });
    transport.close();
    expect(await send(url)).toMatchObject({ status: 503, body: '{"to":"close"}', location: "http://elsewhere/" });
  });

  it("reports a redirect without following it", async () => {
    let requests = 0;
    const url = await serve((_r, end) => {
      requests++;
      end(307, "", { location: "http://127.0.0.1:9/elsewhere" });
    });
    transport = new PipelinedHttpTransport(1);
    expect(await send(url)).toMatchObject({ status: 307, location: "http://127.0.0.1:9/elsewhere" });
    expect(requests).toBe(1);
  });

  it("sends nothing that could split a request: control characters in the path or a header", async () => {
    let requests = 0;
    const url = await serve((_r, end) => {
      requests++;
      end(200);
    });
    transport = new PipelinedHttpTransport(1);
    const badPath = await send(`${url}/t/a\r\nX-Injected: 1`);
    expect(badPath.status).toBe(0);
    const badHeader = await transport.send(url, { "X-API-Key": "k\r\nX-Injected: 1" }, "{}", 5_000, never);
    expect(badHeader.status).toBe(0);
    const badName = await transport.send(url, { "Bad Name": "v" }, "{}", 5_000, never);
    expect(badName.status).toBe(0);
    expect(requests).toBe(0);
    expect((await send(url)).status).toBe(200);
  });

  it("caps the response text, ends a request at its timeout and on the signal, and keeps working after", async () => {
    let hang = false;
    const url = await serve((_r, end) => {
      if (!hang) end(200, JSON.stringify({ big: "y".repeat(MAX_RESPONSE_CHARS * 2) }));
    });
    transport = new PipelinedHttpTransport(2);
    const capped = await send(url);
    expect(capped.status).toBe(200);
    expect(capped.body.length).toBe(MAX_RESPONSE_CHARS);

    hang = true;
    const timedOut = await send(url, "{}", never, 100);
    expect(timedOut).toMatchObject({ status: 0, timedOut: true });
    const controller = new AbortController();
    const pending = send(url, "{}", controller.signal, 60_000);
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ status: 0, timedOut: false });

    hang = false;
    expect((await send(url)).status).toBe(200);
  });

  it("listens once per abort signal however many requests use it, and the abort ends every one still pending", async () => {
    let hang = false;
    const url = await serve((_r, end) => {
      if (!hang) end(200);
    });
    transport = new PipelinedHttpTransport(2);
    const controller = new AbortController();
    expect((await Promise.all(Array.from({ length: 40 }, () => send(url, "{}", controller.signal)))).every((o) => o.status === 200)).toBe(true);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    hang = true;
    const pending = Array.from({ length: 40 }, () => send(url, "{}", controller.signal, 60_000));
    await new Promise((r) => setTimeout(r, 50));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    const outs = await Promise.all(pending);
    expect(outs.every((o) => o.status === 0 && !o.timedOut && String(o.error) === "Error: request aborted")).toBe(true);
    hang = false;
    expect((await send(url)).status).toBe(200);
  });

  it("reports a connection that cannot even be started, without throwing", async () => {
    const proc = process as { getBuiltinModule?: (id: string) => unknown };
    const saved = proc.getBuiltinModule;
    const refusing = { isIP: () => 0, connect: () => { throw new Error("no sockets here"); } };
    proc.getBuiltinModule = (id) => (id === "node:net" ? refusing : saved!(id));
    try {
      transport = new PipelinedHttpTransport(1);
      const outs = await Promise.all([send("http://127.0.0.1:9/a"), send("http://127.0.0.1:9/b")]);
      expect(outs.map((o) => [o.status, String(o.error)])).toEqual([
        [0, "Error: no sockets here"],
        [0, "Error: no sockets here"],
      ]);
    } finally {
      proc.getBuiltinModule = saved;
    }
  });

  it("keeps connections to at most 16 origins: a 17th closes the oldest origin's, and that origin still works after", async () => {
    const servers: Server[] = [];
    const closedOn: number[] = [];
    try {
      for (let i = 0; i < 17; i++) {
        const srv = createServer((req, res) => {
          req.resume();
          req.on("end", () => res.end("{}"));
        });
        srv.on("connection", (socket: Socket) => socket.on("close", () => closedOn.push(i)));
        await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
        servers.push(srv);
      }
      const urlOf = (i: number): string => `http://127.0.0.1:${(servers[i]!.address() as { port: number }).port}/x`;
      transport = new PipelinedHttpTransport(1);
      for (let i = 0; i < 16; i++) expect((await send(urlOf(i))).status).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
      expect(closedOn).toEqual([]);
      expect((await send(urlOf(16))).status).toBe(200);
      for (let waited = 0; closedOn.length === 0 && waited < 2_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      expect(closedOn).toEqual([0]);
      expect((await send(urlOf(0))).status).toBe(200);
    } finally {
      transport?.close();
      for (const srv of servers) {
        srv.closeAllConnections();
        await new Promise<void>((r) => srv.close(() => r()));
      }
    }
  });

  it("resolves host names through its bounded lookup (localhost goes to the system resolver)", async () => {
    const url = await serve((_r, end) => end(200, '{"ok":true}'));
    transport = new PipelinedHttpTransport(1);
    expect(await send(url.replace("127.0.0.1", "localhost"))).toMatchObject({ status: 200, body: '{"ok":true}' });
  });

  it("loads node:net at the first request, through import() on a Node without process.getBuiltinModule", async () => {
    const url = await serve((_r, end) => end(201));
    const proc = process as { getBuiltinModule?: unknown };
    const saved = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      transport = new PipelinedHttpTransport(1);
      expect((await send(url)).status).toBe(201);
      expect((await send(url)).status).toBe(201);
      // Aborted while the module would still be loading: settles once, nothing is sent.
      const controller = new AbortController();
      controller.abort();
      expect(await new PipelinedHttpTransport(1).send(url, {}, "{}", 5_000, controller.signal)).toMatchObject({ status: 0 });
    } finally {
      proc.getBuiltinModule = saved;
    }
  });
});
