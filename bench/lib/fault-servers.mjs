/**
 * Local stand-ins for a Tracium API in trouble (the same faults as integration-tests/failsafe):
 * a closed port, 500s, 429 with a long Retry-After, an endpoint that accepts and never answers,
 * connection resets, a host name that does not resolve; and a healthy one.
 */
import { createServer } from "node:http";

export const FAULTS = ["healthy", "closed-port", "http-500", "http-429", "hang", "reset", "dns"];

function ok(req, body, res) {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(req.url === "/agents/traces" ? { id: body?.trace_id } : { ok: true }));
}

async function serve(handler) {
  const sockets = new Set();
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      let body;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      handler(req, body, res);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Starts the server for `fault`: `{ url, close() }`. */
export async function startFault(fault) {
  switch (fault) {
    case "healthy":
      return serve(ok);
    case "closed-port": {
      const s = await serve(ok);
      await s.close();
      return { url: s.url, close: async () => undefined };
    }
    case "dns":
      return { url: "https://api.tracium-bench.invalid", close: async () => undefined };
    case "http-500":
      return serve((_req, _body, res) => {
        res.writeHead(500);
        res.end('{"detail":"internal error"}');
      });
    case "http-429":
      return serve((_req, _body, res) => {
        res.writeHead(429, { "retry-after": "3600" });
        res.end('{"detail":"slow down"}');
      });
    case "hang":
      return serve(() => undefined);
    case "reset":
      return serve((req) => req.socket.destroy());
    default:
      throw new Error(`unknown fault ${fault}`);
  }
}
