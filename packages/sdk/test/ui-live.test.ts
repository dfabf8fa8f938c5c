/**
 * `tracium ui` live updates (`GET /api/events`, Server-Sent Events) over real sockets: a change to
 * the trace file is pushed to every open page, the number of streams is capped, a page that goes
 * away is forgotten, and a page that does not read holds at most one unsent event on the server
 * (and still gets the newest version when it reads again).
 */
import { connect, type Socket } from "node:net";
import { appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { startUiServer, type UiServer } from "../src/cli/ui/server.js";

let server: UiServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = undefined;
});

const tempFile = (): string => join(mkdtempSync(join(tmpdir(), "tracium-ui-live-")), "traces.jsonl");

/** A raw event-stream request; `received()` is everything read so far. */
function openStream(s: UiServer, headers: Record<string, string> = {}): { socket: Socket; received: () => string } {
  const socket = connect(s.port, "127.0.0.1");
  sockets.push(socket);
  let text = "";
  socket.on("data", (d: Buffer) => (text += d.toString("latin1")));
  socket.on("error", () => undefined);
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nAccept: text/event-stream\r\n${extra}\r\n`);
  return { socket, received: () => text };
}

/** The versions a stream carried, in order. */
const versions = (text: string): number[] => [...text.matchAll(/^data: (\d+)$/gm)].map((m) => Number(m[1]));

const traceLines = (id: string): string =>
  `${JSON.stringify({ type: "trace_start", trace_id: id, agent_name: "a" })}\n${JSON.stringify({ type: "trace_end", trace_id: id, status: "completed", agent_name: "a", summary: {}, tags: [] })}\n`;

describe("tracium ui: live event stream", () => {
  it("pushes the new version to every open page when the file changes", async () => {
    const file = tempFile();
    server = await startUiServer({ file, host: "127.0.0.1", port: 0, pollMs: 50 });
    const a = openStream(server);
    const b = openStream(server);
    await expect.poll(() => server!.live.size).toBe(2);
    expect(a.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(a.received()).toMatch(/content-type: text\/event-stream/i);
    expect(a.received()).not.toMatch(/access-control-allow-origin/i);
    const before = server.store.version;
    appendFileSync(file, traceLines("t1"));
    for (const s of [a, b]) await expect.poll(() => Math.max(-1, ...versions(s.received()))).toBeGreaterThan(before);
    expect(Math.max(...versions(a.received()))).toBe(server.store.version);
  });

  it("caps the open streams and forgets a page that goes away", async () => {
    server = await startUiServer({ file: tempFile(), host: "127.0.0.1", port: 0, live: { maxClients: 3 } });
    const open = [openStream(server), openStream(server), openStream(server)];
    await expect.poll(() => server!.live.size).toBe(3);
    const refused = openStream(server);
    await expect.poll(() => refused.received()).toMatch(/^HTTP\/1\.1 503 /);
    for (const s of open) s.socket.destroy();
    await expect.poll(() => server!.live.size).toBe(0);
    const again = openStream(server);
    await expect.poll(() => again.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(server.live.size).toBe(1);
  });

  it("holds at most one unsent event per page, and still sends a page that did not read the newest version", async () => {
    server = await startUiServer({ file: tempFile(), host: "127.0.0.1", port: 0 });
    const slow = openStream(server);
    await expect.poll(() => server!.live.size).toBe(1);
    slow.socket.pause();
    const first = 1_000_000;
    let version = first;
    let maxHeld = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 1000; i++) {
        server.live.publish(++version);
        maxHeld = Math.max(maxHeld, server.live.buffered);
      }
      await yieldToLoop();
    }
    // One event ("data: N\n\n" in its chunk of the chunked encoding) at most, however many were published.
    const event = `data: ${version}\n\n`;
    expect(maxHeld).toBeGreaterThan(0);
    expect(maxHeld).toBeLessThanOrEqual(`${event.length.toString(16)}\r\n${event}\r\n`.length);
    slow.socket.resume();
    // No publish after the burst: the newest version still arrives.
    await expect.poll(() => versions(slow.received()).at(-1), { timeout: 20_000 }).toBe(version);
    const seen = versions(slow.received()).filter((v) => v > first);
    expect(seen.every((v, i) => i === 0 || v > seen[i - 1]!)).toBe(true);
    expect(seen.length).toBeLessThan(200);
  });
});
