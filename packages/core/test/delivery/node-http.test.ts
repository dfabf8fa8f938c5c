/**
 * The default HTTP transport (node:http with a keep-alive agent): a kept-alive connection that
 * turns out dead is replaced once, a reset on a fresh connection is reported, the response text is
 * capped, the signal aborts a request in flight, and `node:http` is loaded at the first request.
 */
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_RESPONSE_CHARS } from "../../src/export/delivery/http.js";
import { NodeHttpTransport } from "../../src/export/delivery/node-http.js";

let server: Server | undefined;
let transport: NodeHttpTransport | undefined;
afterEach(async () => {
  transport?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server whose handler gets the request's ordinal on its connection (1 = first). */
async function serve(handler: (nth: number, socket: Socket, end: (status: number, body?: string) => void) => void): Promise<string> {
  const counts = new WeakMap<Socket, number>();
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const nth = (counts.get(req.socket) ?? 0) + 1;
      counts.set(req.socket, nth);
      handler(nth, req.socket, (status, body = "{}") => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(body);
      });
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/x`;
}

const send = (url: string, signal = new AbortController().signal) => transport!.send(url, { "Content-Type": "application/json" }, "{}", 5_000, signal);

describe("node:http transport", () => {
  it("resolves host names through its bounded lookup (localhost goes to the system resolver)", async () => {
    const url = await serve((_nth, _socket, end) => end(200, '{"ok":true}'));
    transport = new NodeHttpTransport(1);
    const outcome = await send(url.replace("127.0.0.1", "localhost"));
    expect(outcome).toMatchObject({ status: 200, body: '{"ok":true}' });
  });

  it("sends again once, on a fresh connection, when a kept-alive connection is found dead", async () => {
    let requests = 0;
    const url = await serve((nth, socket, end) => {
      requests++;
      if (nth === 2) socket.destroy(); // the reused connection dies
      else end(200);
    });
    transport = new NodeHttpTransport(1);
    expect((await send(url)).status).toBe(200);
    expect((await send(url)).status).toBe(200);
    expect(requests).toBe(3);
  });

  it("reports a reset on a fresh connection (no second send)", async () => {
    let requests = 0;
    const url = await serve((_nth, socket) => {
      requests++;
      socket.destroy();
    });
    transport = new NodeHttpTransport(1);
    const out = await send(url);
    expect(out.status).toBe(0);
    expect(requests).toBe(1);
  });

  it("caps the response text and aborts on the signal", async () => {
    let hang = false;
    const url = await serve((_nth, _socket, end) => {
      if (!hang) end(200, JSON.stringify({ big: "y".repeat(MAX_RESPONSE_CHARS * 2) }));
    });
    transport = new NodeHttpTransport(2);
    const capped = await send(url);
    expect(capped.status).toBe(200);
    expect(capped.body.length).toBe(MAX_RESPONSE_CHARS);

    hang = true;
    const controller = new AbortController();
    const pending = transport.send(url, {}, "{}", 60_000, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const aborted = await pending;
    expect(aborted).toMatchObject({ status: 0, timedOut: false });
  });

  it("loads node:http at the first request, through import() on a Node without process.getBuiltinModule", async () => {
    const url = await serve((_nth, _socket, end) => end(201));
    const proc = process as { getBuiltinModule?: unknown };
    const saved = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      transport = new NodeHttpTransport(1);
      expect((await send(url)).status).toBe(201);
      expect((await send(url)).status).toBe(201);
      // Aborted while the module would still be loading: settles once, nothing is sent.
      const controller = new AbortController();
      controller.abort();
      expect(await new NodeHttpTransport(1).send(url, {}, "{}", 5_000, controller.signal)).toMatchObject({ status: 0 });
    } finally {
      proc.getBuiltinModule = saved;
    }
  });
});
