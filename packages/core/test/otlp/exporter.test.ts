/**
 * The otlp exporter's delivery against a real local HTTP server: batching, retries (as the OTLP
 * spec says: 429/502/503/504 and network errors, `Retry-After`), and faults — collector down, 500,
 * slow — that never throw, never slow the caller, and are counted in stats().
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentTrace, init, shutdown, stats } from "../../src/index.js";
import { OtlpHttpExporter } from "../../src/export/otlp/exporter.js";
import { deadUrl } from "../exporters/collector.js";

interface Got {
  headers: IncomingMessage["headers"];
  body: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }> } | undefined;
  at: number;
}

type Answer = { status: number; headers?: Record<string, string>; body?: string } | "hang";

class Receiver {
  got: Got[] = [];
  answer: (i: number) => Answer = () => ({ status: 200, body: "{}" });
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        let raw = Buffer.concat(chunks);
        if (req.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
        let body: Got["body"];
        try {
          body = JSON.parse(raw.toString("utf8")) as Got["body"];
        } catch {
          body = undefined;
        }
        this.got.push({ headers: req.headers, body, at: Date.now() });
        const a = this.answer(this.got.length - 1);
        if (a === "hang") return void this.hanging.add(res);
        res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
        res.end(a.body ?? "");
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/traces`;
  }

  spanNames(): string[] {
    return this.got.flatMap((g) => g.body?.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))) ?? []);
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

let rx: Receiver;
beforeEach(async () => {
  rx = new Receiver();
  await rx.start();
});
afterEach(async () => {
  await shutdown(2_000);
  await rx.stop();
});

function exporter(options: ConstructorParameters<typeof OtlpHttpExporter>[0] = {}): OtlpHttpExporter {
  const e = new OtlpHttpExporter({ endpoint: rx.url, protocol: "http/json", retryBaseMs: 5, retryMaxMs: 20, flushIntervalMs: 20, ...options });
  init({ exporter: e, logLevel: "silent" });
  return e;
}

/** One trace with `n` spans: n + 1 OTLP spans (the root). */
async function traced(n: number): Promise<number> {
  const start = performance.now();
  await agentTrace({ agentName: "bot" }, async (t) => {
    for (let i = 0; i < n; i++) await t.span({ name: `s${i}` }, () => i);
  });
  return performance.now() - start;
}

describe("otlp exporter delivery", () => {
  it("batches spans (maxBatchSize per request) and counts them", async () => {
    const e = exporter({ maxBatchSize: 4 });
    await traced(9);
    await e.flush(5_000);
    expect(rx.spanNames().sort()).toEqual(["invoke_agent bot", ...Array.from({ length: 9 }, (_, i) => `s${i}`)].sort());
    expect(rx.got.length).toBe(3);
    for (const g of rx.got) expect(g.body!.resourceSpans[0]!.scopeSpans[0]!.spans.length).toBeLessThanOrEqual(4);
    expect(e.stats()).toEqual({ queued: 0, sent: 10, failed: 0, dropped: 0 });
  });

  it("gzips when asked", async () => {
    const e = exporter({ compression: "gzip" });
    await traced(1);
    await e.flush(5_000);
    expect(rx.got[0]!.headers["content-encoding"]).toBe("gzip");
    expect(rx.spanNames()).toHaveLength(2);
  });

  it("retries 503 and 429 (honouring Retry-After), then delivers", async () => {
    rx.answer = (i) => (i === 0 ? { status: 503 } : i === 1 ? { status: 429, headers: { "retry-after": "0.2" } } : { status: 200, body: "{}" });
    const e = exporter();
    await traced(1);
    await e.flush(5_000);
    expect(rx.got).toHaveLength(3);
    expect(rx.got[2]!.at - rx.got[1]!.at).toBeGreaterThanOrEqual(180);
    expect(e.stats()).toEqual({ queued: 0, sent: 2, failed: 0, dropped: 0 });
  });

  it("does not retry a 500 or a 400 (OTLP: not retryable) and counts the spans failed", async () => {
    rx.answer = () => ({ status: 500, body: "boom" });
    const e = exporter();
    await traced(2);
    await e.flush(5_000);
    expect(rx.got).toHaveLength(1);
    expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 3, dropped: 0 });
  });

  it("counts spans a partial success rejected", async () => {
    rx.answer = () => ({ status: 200, body: JSON.stringify({ partialSuccess: { rejectedSpans: "1", errorMessage: "too old" } }) });
    const e = exporter();
    await traced(2);
    await e.flush(5_000);
    expect(e.stats()).toEqual({ queued: 0, sent: 2, failed: 1, dropped: 0 });
  });
});

describe("otlp exporter faults never reach or slow the caller", () => {
  it("collector down: gives up after the retries, counted failed", async () => {
    const e = new OtlpHttpExporter({ endpoint: `${await deadUrl()}/v1/traces`, retryBaseMs: 1, retryMaxMs: 5, maxRetries: 2, flushIntervalMs: 10 });
    init({ exporter: e, logLevel: "silent" });
    const ms = await traced(3);
    expect(ms).toBeLessThan(2_000);
    await e.flush(5_000);
    expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 4, dropped: 0 });
    expect(stats().failed).toBe(4);
  });

  it("slow collector: the caller does not wait; timeouts are retried, then counted", async () => {
    rx.answer = () => "hang";
    const e = exporter({ timeoutMs: 100, maxRetries: 1 });
    const ms = await traced(20);
    expect(ms).toBeLessThan(2_000);
    await e.flush(5_000);
    expect(rx.got).toHaveLength(2);
    expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 21, dropped: 0 });
  });

  it("flush and shutdown return within their timeout while the collector hangs; the rest is dropped", async () => {
    rx.answer = () => "hang";
    const e = exporter({ timeoutMs: 60_000 });
    await traced(2);
    const t0 = Date.now();
    await e.flush(200);
    expect(Date.now() - t0).toBeLessThan(5_000); // the collector hangs for 60 s
    await e.shutdown(200);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 0, dropped: 3 });
    // After shutdown: dropped, counted, never thrown.
    expect(() => e.export({ kind: "trace_end", trace: {} as never })).not.toThrow();
    expect(e.stats().dropped).toBe(4);
  });

  it("bounds the queue: what does not fit is dropped and counted", async () => {
    rx.answer = () => "hang";
    const e = exporter({ maxQueueSize: 5, timeoutMs: 60_000, flushIntervalMs: 10_000 });
    await traced(9);
    expect(e.stats().queued + e.stats().dropped).toBe(10);
    expect(e.stats().dropped).toBe(5);
    await e.shutdown(100);
  });

  it("refuses plain http to a remote host and a bad URL, dropping with one logged reason", async () => {
    const remote = new OtlpHttpExporter({ endpoint: "http://collector.example:4318/v1/traces" });
    const bad = new OtlpHttpExporter({ endpoint: "not a url" });
    init({ exporter: [remote, bad], logLevel: "silent" });
    await traced(1);
    expect(remote.stats()).toEqual({ queued: 0, sent: 0, failed: 0, dropped: 2 });
    expect(bad.stats()).toEqual({ queued: 0, sent: 0, failed: 0, dropped: 2 });
    const allowed = new OtlpHttpExporter({ endpoint: "http://collector.example:4318/v1/traces", allowInsecureHttp: true, fetch: async () => new Response("{}") });
    init({ exporter: allowed, logLevel: "silent" });
    await traced(1);
    await allowed.flush(2_000);
    expect(allowed.stats()).toEqual({ queued: 0, sent: 2, failed: 0, dropped: 0 });
  });

  it("a fetch that throws synchronously or returns garbage is a failed delivery, not an exception", async () => {
    const throwing = new OtlpHttpExporter({
      endpoint: rx.url,
      maxRetries: 0,
      fetch: (() => {
        throw new Error("kaboom");
      }) as unknown as typeof fetch,
    });
    init({ exporter: throwing, logLevel: "silent" });
    await traced(1);
    await throwing.flush(2_000);
    expect(throwing.stats()).toEqual({ queued: 0, sent: 0, failed: 2, dropped: 0 });
  });
});
