/**
 * Delivery accounting (issue 13, items 15–17): a collector that refuses big requests (413), what
 * `stats().sent` means, and a trace create that the server processed but whose answer was lost.
 * In-process clients against local API servers; every figure in stats() is checked against what
 * the server actually accepted.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConsoleExporter, FileExporter, TraciumClient, TraciumHttpExporter, resolveConfig } from "@tracium/sdk";
import { answerOk, startApi, startFault, type ApiServer, type Received } from "./faults.js";

const KEY = "tr-failsafe-key-0003";
const clients: TraciumClient[] = [];
const servers: ApiServer[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.shutdown(200)));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function clientFor(api: ApiServer): TraciumClient {
  const client = new TraciumClient(resolveConfig({ apiKey: KEY, baseUrl: api.url, logLevel: "error" }));
  clients.push(client);
  return client;
}

/** Records a 2xx answer acknowledges: a create or an end is one, a spans request one per span. */
function acknowledged(req: Received): number {
  return Array.isArray(req.body?.spans) ? req.body.spans.length : 1;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Span = Record<string, any>;
const receivedSpans = (api: ApiServer, accepted: Set<Received>): Span[] =>
  api.requests.filter((q) => accepted.has(q) && q.path.endsWith("/spans")).flatMap((q) => q.body.spans as Span[]);

describe("a collector that refuses requests over 100 KB (HTTP 413)", () => {
  it("splits the batches and retries: no span is lost, a single span too large is sent without its content", async () => {
    const LIMIT = 100 * 1024;
    const accepted = new Set<Received>();
    let sentByServer = 0;
    const api = await startApi((req, res) => {
      if (req.bytes > LIMIT) {
        res.writeHead(413, { "content-type": "application/json" });
        res.end('{"detail":"request entity too large"}');
        return;
      }
      accepted.add(req);
      sentByServer += acknowledged(req);
      answerOk(req, res);
    });
    servers.push(api);
    const client = clientFor(api);
    // Plain text (a long run of one letter would be taken for base64 and replaced).
    const text = (kb: number): string => "lorem ipsum ".repeat(Math.ceil((kb * 1024) / 12));
    const big = text(60);
    for (let t = 0; t < 20; t++) {
      await client.agentTrace({ agentName: "big-outputs" }, async (trace) => {
        for (let s = 0; s < 10; s++) {
          await trace.span({ spanType: "tool", name: `step-${s}` }, (span) => span.recordOutput(s < 2 ? big : { s }));
        }
      });
    }
    let hugeId = "";
    await client.agentTrace({ agentName: "one-huge-span" }, async (trace) => {
      await trace.span({ spanType: "llm", name: "huge" }, (span) => {
        hugeId = span.id;
        span.setModelId("gpt-4o-mini");
        span.setTokenUsage({ inputTokens: 10, outputTokens: 20 });
        span.recordInput(text(90));
        span.recordOutput(text(90));
      });
    });
    await client.flush(20_000);

    const spans = receivedSpans(api, accepted).filter((s) => s.status === "completed");
    expect(new Set(spans.map((s) => s.id)).size).toBe(201);
    const huge = spans.find((s) => s.id === hugeId)!;
    expect(huge).toMatchObject({ name: "huge", model_id: "gpt-4o-mini", input_tokens: 10, output_tokens: 20, status: "completed" });
    expect(String(huge.output)).toContain("too large");
    expect(api.requests.some((q) => q.bytes > LIMIT)).toBe(true); // the limit was really hit
    const stats = client.stats();
    expect(stats).toMatchObject({ queued: 0, failed: 0, dropped: 0 });
    expect(stats.sent).toBe(sentByServer);
    expect(stats.sent).toBe(21 * 2 + 201); // creates and completes, and every span's end
  }, 60_000);
});

describe("a record the API refuses even without its content (HTTP 413)", () => {
  it("is given up on once and counted as failed; the rest of the trace is delivered", async () => {
    const LIMIT = 100 * 1024;
    let refused = 0;
    const accepted = new Set<Received>();
    const api = await startApi((req, res) => {
      if (req.bytes > LIMIT) {
        refused++;
        res.writeHead(413, { "content-type": "application/json" });
        res.end('{"detail":"request entity too large"}');
        return;
      }
      accepted.add(req);
      answerOk(req, res);
    });
    servers.push(api);
    const client = clientFor(api);
    // Metadata of many short values: each is kept by the reduction, so the span stays too large.
    const wide: Record<string, string> = {};
    for (let i = 0; i < 900; i++) wide[`k${i}`] = "v".repeat(150);
    let wideId = "";
    await client.agentTrace({ agentName: "too-wide" }, async (trace) => {
      await trace.span({ spanType: "tool", name: "before" }, () => undefined);
      await trace.span({ spanType: "tool", name: "wide" }, (span) => {
        wideId = span.id;
        span.setMetadata(wide);
      });
      await trace.span({ spanType: "tool", name: "after" }, () => undefined);
    });
    await client.flush(10_000);

    const spans = receivedSpans(api, accepted);
    expect(spans.map((s) => s.name).sort()).toEqual(["after", "before"]);
    expect(spans.some((s) => s.id === wideId)).toBe(false);
    expect(api.requests.some((q) => q.path.endsWith("/complete") && accepted.has(q))).toBe(true);
    // Refused as it was, then once more without its content: not retried beyond that.
    expect(refused).toBeGreaterThanOrEqual(2);
    expect(refused).toBeLessThanOrEqual(4);
    expect(client.stats()).toMatchObject({ queued: 0, sent: 4, failed: 1, dropped: 0, superseded: 3 });
  }, 30_000);
});

describe("an OTLP collector that refuses requests over 100 KB (HTTP 413)", () => {
  it("splits the batches and retries: no span is lost", async () => {
    const LIMIT = 100 * 1024;
    let acceptedSpans = 0;
    const names: string[] = [];
    let reduced = 0;
    const api = await startApi((req, res) => {
      if (req.bytes > LIMIT) {
        res.writeHead(413);
        res.end();
        return;
      }
      for (const rs of req.body.resourceSpans) for (const ss of rs.scopeSpans) for (const sp of ss.spans) {
        names.push(sp.name);
        if (JSON.stringify(sp.attributes).includes("too large")) reduced++;
      }
      acceptedSpans = names.length;
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    servers.push(api);
    const client = new TraciumClient(resolveConfig({ exporter: "otlp", otlp: { endpoint: `${api.url}/v1/traces`, protocol: "http/json" }, logLevel: "error" }));
    clients.push(client);
    const big = "lorem ipsum ".repeat(5_200); // ~60 KB of text
    for (let t = 0; t < 5; t++) {
      await client.agentTrace({ agentName: "otlp-big" }, async (trace) => {
        for (let s = 0; s < 10; s++) {
          await trace.span({ spanType: "tool", name: `t${t}-s${s}` }, (span) => {
            span.recordInput(s < 2 ? big : { s });
            span.recordOutput(s < 2 ? big : { s });
          });
        }
      });
    }
    await client.flush(20_000);
    expect(api.requests.some((q) => q.bytes > LIMIT)).toBe(true);
    expect(new Set(names.filter((n) => /t\d-s\d/.test(n))).size).toBe(50);
    expect(client.stats()).toMatchObject({ queued: 0, sent: acceptedSpans, failed: 0, dropped: 0 });
    expect(acceptedSpans).toBe(55); // 50 spans and 5 agent root spans
    expect(reduced).toBe(10); // the two 120 KB spans of each trace, sent without their content
  }, 60_000);
});

describe("stats().sent counts what was delivered", () => {
  it("with the API never reachable, nothing is counted as sent; superseded span starts have their own counter", async () => {
    const api = await startFault("closed-port");
    // No retries, so that every call is given up on quickly and the spans are planned.
    const exporter = new TraciumHttpExporter({ apiKey: KEY, baseUrl: api.url, sdkVersion: "test", maxRetries: 0, flushIntervalMs: 10 });
    const client = new TraciumClient(resolveConfig({ exporter, logLevel: "error" }));
    clients.push(client);
    for (let t = 0; t < 10; t++) {
      await client.agentTrace({ agentName: "unreachable" }, async (trace) => {
        await trace.span({ spanType: "tool", name: "a" }, () => undefined);
        await trace.span({ spanType: "tool", name: "b" }, () => undefined);
      });
    }
    await client.flush(10_000);
    const stats = client.stats();
    expect(stats.sent).toBe(0);
    expect(stats.superseded).toBe(20);
    expect(stats.failed).toBe(40);
    // 10 traces × (trace start, 2 span starts, 2 span ends, trace end): each in exactly one counter.
    expect(stats.sent + stats.failed + stats.dropped + stats.superseded + stats.queued).toBe(60);
  });

  it("with a healthy API, sent equals what the API acknowledged, and the live span copies are superseded", async () => {
    const accepted = new Set<Received>();
    let sentByServer = 0;
    const api = await startApi((req, res) => {
      accepted.add(req);
      sentByServer += acknowledged(req);
      answerOk(req, res);
    });
    servers.push(api);
    const client = clientFor(api);
    for (let t = 0; t < 10; t++) {
      await client.agentTrace({ agentName: "healthy" }, async (trace) => {
        await trace.span({ spanType: "tool", name: "a" }, () => undefined);
        await trace.span({ spanType: "tool", name: "b" }, () => undefined);
      });
    }
    await client.flush(10_000);
    expect(client.stats()).toMatchObject({ queued: 0, sent: sentByServer, failed: 0, dropped: 0, superseded: 20 });
    expect(sentByServer).toBe(40);
  });
});

describe("stats().sent of the local exporters counts what was written", () => {
  it("file and console: sent is the lines written and the traces printed; span starts, never written, are superseded", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tracium-failsafe-sent-"));
    try {
      const file = join(dir, "traces.jsonl");
      let printed = "";
      const client = new TraciumClient(resolveConfig({ exporter: "none", logLevel: "error" }), [
        new FileExporter({ path: file }),
        new ConsoleExporter({ write: (t) => void (printed += t) }),
      ]);
      for (let t = 0; t < 3; t++) {
        await client.agentTrace({ agentName: "local" }, async (trace) => {
          await trace.span({ spanType: "tool", name: "a" }, () => undefined);
          await trace.span({ spanType: "tool", name: "b" }, () => undefined);
        });
      }
      await client.shutdown(2_000);
      const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
      expect(lines).toHaveLength(3 * 4); // trace start, two span ends, trace end
      const { file: f, console: c } = client.stats().exporters;
      expect(f).toMatchObject({ queued: 0, sent: lines.length, failed: 0, dropped: 0, superseded: 6 });
      expect(printed.match(/\[tracium\] trace local/g)).toHaveLength(3);
      expect(c).toMatchObject({ queued: 0, sent: 12, failed: 0, dropped: 0, superseded: 6 });
      // 3 traces × (trace start, 2 span starts, 2 span ends, trace end), each in one counter.
      expect(client.stats()).toMatchObject({ sent: 24, superseded: 12 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a connection reset after the server processed a request", () => {
  it("creates each trace once: the retried create carries the same trace_id, and 409 (already exists) counts as done", async () => {
    const created = new Map<string, number>();
    const createBodies = new Map<string, string[]>();
    const completed = new Set<string>();
    const spanIds = new Set<string>();
    const api = await startApi((req, res, raw) => {
      if (req.path === "/agents/traces") {
        const id = String(req.body.trace_id);
        createBodies.set(id, [...(createBodies.get(id) ?? []), JSON.stringify(req.body)]);
        if (created.has(id)) {
          res.writeHead(409, { "content-type": "application/json" });
          res.end('{"detail":"trace already exists"}');
          return;
        }
        created.set(id, 1);
        raw.socket.destroy(); // processed, but the answer is lost
        return;
      }
      const id = req.path.split("/")[3]!;
      if (!created.has(id)) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end('{"detail":"trace not found"}');
        return;
      }
      if (req.path.endsWith("/complete")) completed.add(id);
      for (const s of req.body?.spans ?? []) spanIds.add(s.id);
      answerOk(req, res);
    });
    servers.push(api);
    const client = clientFor(api);
    const ids: string[] = [];
    for (let t = 0; t < 10; t++) {
      await client.agentTrace({ agentName: "resets" }, async (trace) => {
        ids.push(trace.id);
        await trace.span({ spanType: "tool", name: "a" }, () => undefined);
      });
    }
    await client.flush(20_000);

    for (const id of ids) {
      const bodies = createBodies.get(id)!;
      expect(bodies.length).toBeGreaterThanOrEqual(2); // the reset made the SDK send it again…
      expect(new Set(bodies).size).toBe(1); // …with the very same body and trace_id
      expect(completed.has(id)).toBe(true);
    }
    expect(created.size).toBe(10);
    expect(spanIds.size).toBe(10);
    expect(client.stats()).toMatchObject({ queued: 0, failed: 0, dropped: 0, sent: 30 });
  }, 30_000);
});
