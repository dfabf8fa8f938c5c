/**
 * Delivery over HTTPS, as the real API is reached: an app traces and flushes in a fresh process
 * against a local HTTPS stand-in for the API, whose certificate (fixtures/, a self-signed test
 * certificate for localhost and 127.0.0.1, valid until 2126) the child trusts through
 * NODE_EXTRA_CA_CERTS. The trace arrives, by name (with SNI) and by IP address (without, and
 * without Node's warning about it); a certificate the process does not trust is refused: nothing
 * reaches the server.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { TLSSocket } from "node:tls";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNode } from "../zero-code/helpers.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const CERT = join(FIXTURES, "localhost-cert.pem");

interface Seen {
  path: string;
  servername: string | false | undefined;
  alpn: string | false | null | undefined;
}
let server: Server;
let port = 0;
const seen: Seen[] = [];

beforeAll(async () => {
  // The server offers HTTP/1.1 by ALPN, so the protocol the client asked for shows on its socket.
  server = createServer({ key: readFileSync(join(FIXTURES, "localhost-key.pem")), cert: readFileSync(CERT), ALPNProtocols: ["http/1.1"] }, (req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (raw += c));
    req.on("end", () => {
      const socket = req.socket as TLSSocket;
      seen.push({ path: req.url ?? "", servername: socket.servername, alpn: socket.alpnProtocol });
      const body = req.url === "/agents/traces" ? JSON.stringify({ id: (JSON.parse(raw) as { trace_id: string }).trace_id }) : "{}";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

/** Runs a two-span agent in a fresh process against `baseUrl`; returns its stats and stderr. */
async function traceTo(baseUrl: string, trustTestCert: boolean, flushMs = 10_000): Promise<{ stats: Record<string, number>; stderr: string }> {
  seen.length = 0;
  const code = `import * as tracium from "@tracium/sdk";
tracium.init({ apiKey: "tr-https-key-0001", baseUrl: ${JSON.stringify(baseUrl)}, logLevel: "error" });
await tracium.agentTrace({ agentName: "https-agent" }, async () => {
  await tracium.span({ spanType: "tool", name: "lookup" }, async () => 1);
  await tracium.span({ spanType: "tool", name: "answer" }, async () => 2);
});
await tracium.flush(${flushMs});
process.stdout.write("STATS " + JSON.stringify(tracium.stats()) + "\\n");`;
  const run = await runNode(["--input-type=module", "-e", code], { env: { NODE_EXTRA_CA_CERTS: trustTestCert ? CERT : undefined } });
  expect(run.code, run.stderr).toBe(0);
  const line = run.stdout.split("\n").find((l) => l.startsWith("STATS "));
  return { stats: JSON.parse(line!.slice(6)) as Record<string, number>, stderr: run.stderr };
}

describe("delivery over HTTPS", () => {
  it("delivers a trace to a host name, with SNI, asking for HTTP/1.1 by ALPN", async () => {
    const { stats, stderr } = await traceTo(`https://localhost:${port}`, true);
    expect(stderr).toBe("");
    expect(stats).toMatchObject({ queued: 0, failed: 0, dropped: 0 });
    expect(seen.map((s) => s.path.replace(/\/agents\/traces\/[^/]+\//, "/agents/traces/{id}/"))).toEqual([
      "/agents/traces",
      "/agents/traces/{id}/spans",
      "/agents/traces/{id}/complete",
    ]);
    expect(seen.every((s) => s.servername === "localhost" && s.alpn === "http/1.1")).toBe(true);
  });

  it("delivers a trace to an IP address, without SNI and without a warning", async () => {
    const { stats, stderr } = await traceTo(`https://127.0.0.1:${port}`, true);
    expect(stderr).toBe("");
    expect(stats).toMatchObject({ queued: 0, failed: 0, dropped: 0 });
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => !s.servername)).toBe(true);
  });

  it("refuses a certificate the process does not trust: nothing reaches the server", async () => {
    // The exporter retries it as any connection error, then counts the records as failed.
    const { stats } = await traceTo(`https://localhost:${port}`, false, 1_000);
    expect(seen).toHaveLength(0);
    expect(stats.sent).toBe(0);
  });
});
