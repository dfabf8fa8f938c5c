/**
 * A scripted local HTTP server, for what nock cannot do with every SDK transport (node-fetch in
 * openai 4 never sees a mocked body fail): streams that are cut midway or kept open.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Parsed JSON bodies of the requests received, in order. */
  readonly bodies: unknown[];
  close(): Promise<void>;
}

/** What the script gets for each request: the parsed body and the response to write to. */
export type Script = (body: unknown, res: http.ServerResponse, req: http.IncomingMessage) => void;

/** Starts a server on 127.0.0.1 (random port) that runs `script` for each request. */
export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const bodies: unknown[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(parts).toString("utf8"));
      } catch {
        body = undefined;
      }
      bodies.push(body);
      script(body, res, req);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
