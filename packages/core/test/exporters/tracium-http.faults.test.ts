/**
 * The Tracium HTTP exporter when the API is down, slow, failing or rejecting: it retries what can
 * succeed, gives up on what cannot, never throws, never blocks the caller, never leaks the key.
 */
import { describe, expect, it } from "vitest";
import type { ExportRecord } from "../../src/model/records.js";
import { deadUrl, type Received } from "./collector.js";
import { T0, endSpan, endTrace, finishedTraceRecords, makeSpan, makeTrace } from "./fixtures.js";
import { useHttpHarness } from "./http-harness.js";

const harness = useHttpHarness();

/** A finished trace whose records are all sent (no span_start records, which may be skipped). */
function simpleTrace(spans = 2): ExportRecord[] {
  const trace = makeTrace();
  const records: ExportRecord[] = [{ kind: "trace_start", trace }];
  for (let i = 0; i < spans; i++) records.push({ kind: "span_end", trace, span: endSpan(makeSpan(trace), T0 + 20) });
  records.push({ kind: "trace_end", trace: endTrace(trace, T0 + 30) });
  return records;
}

const logged = (text: string): string[] => harness.logs.lines.filter((l) => l.includes(text));

describe("Tracium HTTP exporter: faults", () => {
  it("with the API down, export() never throws and returns at once; records fail after the retries", async () => {
    const e = harness.make({ baseUrl: await deadUrl(), maxRetries: 2 });
    const records = Array.from({ length: 50 }, () => simpleTrace()).flat();
    const started = performance.now();
    for (const r of records) expect(e.export(r)).toBeUndefined();
    const elapsed = performance.now() - started;
    // Generous bound: this only shows that export() does no network I/O on the caller's path.
    expect(elapsed).toBeLessThan(2_000);

    await e.flush(10_000);
    expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: records.length, dropped: 0, superseded: 0 });
    expect(logged("giving up on the")).toHaveLength(1);
    expect(logged("ECONNREFUSED").length).toBeGreaterThan(0);
  });

  it("a failing API answering a full pipeline at once: every trace waits for its retry, without a listener-leak warning", async () => {
    harness.collector.respond(() => ({ status: 503, body: "{}" }));
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on("warning", onWarning);
    try {
      const e = harness.make({ maxRetries: 1, retryBaseMs: 50, retryMaxMs: 50 });
      // More traces than the 4 connections x 16 pipelined requests in flight.
      const records = Array.from({ length: 80 }, () => simpleTrace(0)).flat();
      for (const r of records) e.export(r);
      await e.flush(10_000);
      expect(e.stats()).toMatchObject({ queued: 0, sent: 0, failed: records.length });
      // Every create was tried twice: no trace was skipped or sent more than its retries allow.
      expect(harness.collector.to("/agents/traces")).toHaveLength(2 * 80);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("aborts a request slower than timeoutMs, retries it, then counts it failed", async () => {
    harness.collector.respond(() => "hang");
    const e = harness.make({ timeoutMs: 100, maxRetries: 1 });
    e.export(simpleTrace(0)[0]!);
    const started = Date.now();
    await e.flush(5_000);

    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(harness.collector.requests).toHaveLength(2);
    expect(e.stats()).toMatchObject({ queued: 0, failed: 1 });
    expect(logged("timed out").length).toBeGreaterThan(0);
  });

  it("flush and shutdown resolve by their timeout while the server hangs, and shutdown drops what is left", async () => {
    harness.collector.respond(() => "hang");
    const e = harness.make({ timeoutMs: 60_000 });
    const records = simpleTrace();
    for (const r of records) e.export(r);

    let started = Date.now();
    await e.flush(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(e.stats().queued).toBe(records.length);

    started = Date.now();
    await e.shutdown(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 0, dropped: records.length, superseded: 0 });
  });

  it("delivers everything after the API answers 500 twice and then recovers", async () => {
    harness.collector.respond((_req, i) => (i < 2 ? { status: 500, body: "oops" } : undefined));
    const e = harness.make();
    const records = simpleTrace(3);
    for (const r of records) e.export(r);
    await e.flush(5_000);

    expect(e.stats()).toEqual({ queued: 0, sent: records.length, failed: 0, dropped: 0, superseded: 0 });
    expect(harness.collector.requests.map((r) => r.path)).toEqual([
      "/agents/traces",
      "/agents/traces",
      "/agents/traces",
      expect.stringMatching(/\/spans$/),
      expect.stringMatching(/\/complete$/),
    ]);
  });

  it("waits as long as Retry-After says on 429", async () => {
    harness.collector.respond((_req, i) => (i === 0 ? { status: 429, headers: { "retry-after": "1" } } : undefined));
    const e = harness.make();
    e.export(simpleTrace(0)[0]!);
    await e.flush(5_000);

    expect(harness.collector.requests).toHaveLength(2);
    const gap = harness.collector.requests[1]!.at - harness.collector.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(e.stats()).toMatchObject({ sent: 1, failed: 0 });
  });

  it("keeps other traces flowing while one waits for a retry", async () => {
    const slow = makeTrace();
    let slowCalls = 0;
    harness.collector.respond((req) => {
      const isSlow = req.path.includes(slow.id) || (req.body as { trace_id?: string }).trace_id === slow.id;
      if (isSlow && slowCalls++ === 0) return { status: 503, headers: { "retry-after": "1" } };
      return undefined;
    });
    const e = harness.make({ concurrency: 1 });
    for (const r of finishedTraceRecords(slow, [])) e.export(r);
    const others = Array.from({ length: 3 }, () => simpleTrace()).flat();
    for (const r of others) e.export(r);
    await e.flush(5_000);

    const slowRetry = harness.collector.requests.filter((r) => (r.body as { trace_id?: string }).trace_id === slow.id)[1]!;
    const othersDone = harness.collector.to("/complete").filter((r) => !r.path.includes(slow.id));
    expect(othersDone).toHaveLength(3);
    for (const done of othersDone) expect(done.at).toBeLessThan(slowRetry.at);
    expect(e.stats()).toMatchObject({ queued: 0, failed: 0, sent: others.length + 2 });
  });

  it("keeps the local trace id when the create response is not JSON", async () => {
    harness.collector.respond((req) => (req.path === "/agents/traces" ? { status: 200, body: "<html>ok</html>" } : undefined));
    const e = harness.make();
    const records = simpleTrace(1);
    const id = records[0]!.trace.id;
    for (const r of records) e.export(r);
    await e.flush(5_000);

    expect(harness.collector.requests.map((r) => r.path)).toEqual([
      "/agents/traces",
      `/agents/traces/${id}/spans`,
      `/agents/traces/${id}/complete`,
    ]);
    expect(e.stats()).toMatchObject({ sent: 3, failed: 0 });
  });

  it("keeps the local trace id when the create response is an empty object or has an empty id", async () => {
    harness.collector.respond((req, i) =>
      req.path === "/agents/traces" ? { status: 200, body: i === 0 ? "{}" : '{"id":""}' } : undefined,
    );
    const e = harness.make({ concurrency: 1 });
    const a = simpleTrace(0);
    const b = simpleTrace(0);
    for (const r of [...a, ...b]) e.export(r);
    await e.flush(5_000);

    expect(harness.collector.to("/complete").map((r) => r.path)).toEqual([
      `/agents/traces/${a[0]!.trace.id}/complete`,
      `/agents/traces/${b[0]!.trace.id}/complete`,
    ]);
  });

  it("on 401 harness.logs one clear error without the key, stops sending and counts what it could not send", async () => {
    harness.collector.respond(() => ({ status: 401, body: '{"detail":"invalid api key"}' }));
    const e = harness.make({ concurrency: 1 });
    const first = simpleTrace();
    for (const r of first) e.export(r);
    await e.flush(5_000);

    expect(harness.collector.requests).toHaveLength(1);
    expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 1, dropped: first.length - 1, superseded: 0 });
    const errors = logged("Tracium API rejected the API key");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("401");

    const later = simpleTrace();
    for (const r of later) e.export(r);
    await e.flush(1_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(harness.collector.requests).toHaveLength(1);
    expect(e.stats().dropped).toBe(first.length - 1 + later.length);
    expect(logged("Tracium API rejected the API key")).toHaveLength(1);
  });

  it("treats 403 like 401", async () => {
    harness.collector.respond(() => ({ status: 403 }));
    const e = harness.make();
    for (const r of simpleTrace(0)) e.export(r);
    await e.flush(5_000);
    expect(harness.collector.requests).toHaveLength(1);
    expect(logged("Tracium API rejected the API key (HTTP 403)")).toHaveLength(1);
  });

  it("on 404 for a trace's spans, creates the trace again once and retries the spans", async () => {
    const known = new Set<string>();
    harness.collector.respond((req: Received) => {
      if (req.path === "/agents/traces") {
        const id = (req.body as { trace_id: string }).trace_id;
        known.add(id);
        return { status: 201, body: JSON.stringify({ id }) };
      }
      const id = req.path.split("/")[3]!;
      return known.has(id) ? undefined : { status: 404, body: '{"detail":"trace not found"}' };
    });
    const e = harness.make();
    // The trace_start never reached the exporter (e.g. dropped): the server does not know the trace.
    const records = simpleTrace(2).slice(1);
    const id = records[0]!.trace.id;
    for (const r of records) e.export(r);
    await e.flush(5_000);

    expect(harness.collector.requests.map((r) => `${r.path} ${(r.body as { trace_id?: string }).trace_id ?? ""}`.trim())).toEqual([
      `/agents/traces/${id}/spans`,
      `/agents/traces ${id}`,
      `/agents/traces/${id}/spans`,
      `/agents/traces/${id}/complete`,
    ]);
    expect(e.stats()).toEqual({ queued: 0, sent: records.length, failed: 0, dropped: 0, superseded: 0 });
  });

  it("gives up on a trace's call when it still gets 404 after re-creating the trace", async () => {
    harness.collector.respond((req) => (req.path === "/agents/traces" ? undefined : { status: 404 }));
    const e = harness.make();
    const records = simpleTrace(1);
    for (const r of records) e.export(r);
    await e.flush(5_000);

    expect(harness.collector.to("/spans")).toHaveLength(2);
    expect(e.stats()).toMatchObject({ queued: 0, sent: 1, failed: 2 });
    expect(logged("even after re-creating the trace")).toHaveLength(1);
  });

  it("on 404 for create, says the base URL looks wrong", async () => {
    harness.collector.respond(() => ({ status: 404, body: "Not Found" }));
    const e = harness.make({ baseUrl: `${harness.collector.url}/v1` });
    e.export(simpleTrace(0)[0]!);
    await e.flush(5_000);

    expect(harness.collector.requests.map((r) => r.path)).toEqual(["/v1/agents/traces"]);
    expect(e.stats()).toMatchObject({ failed: 1 });
    expect(logged("the base URL looks wrong")).toHaveLength(1);
  });

  it("does not retry other 4xx and harness.logs the status with a short body excerpt once", async () => {
    harness.collector.respond(() => ({ status: 422, body: JSON.stringify({ detail: "x".repeat(1000) }) }));
    const e = harness.make();
    for (const r of [...simpleTrace(0), ...simpleTrace(0)]) e.export(r);
    await e.flush(5_000);

    expect(harness.collector.requests).toHaveLength(4);
    expect(e.stats()).toMatchObject({ sent: 0, failed: 4 });
    const lines = logged("HTTP 422");
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThan(400);
  });

  it("does not follow redirects (the API key would go wherever Location points)", async () => {
    harness.collector.respond(() => ({ status: 307, headers: { location: "http://elsewhere.example/agents/traces" } }));
    const e = harness.make();
    e.export(simpleTrace(0)[0]!);
    await e.flush(5_000);

    expect(harness.collector.requests).toHaveLength(1);
    expect(e.stats()).toMatchObject({ failed: 1 });
    expect(logged("redirects are not followed")).toHaveLength(1);
  });

  it("refuses plain http:// to a remote host unless allowInsecureHttp is set", async () => {
    const urls: string[] = [];
    const spy: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response("{}", { status: 200 });
    };
    const refused = harness.make({ baseUrl: "http://api.example.com", fetch: spy });
    refused.export(simpleTrace(0)[0]!);
    await refused.flush(1_000);
    expect(urls).toEqual([]);
    expect(refused.stats()).toEqual({ queued: 0, sent: 0, failed: 0, dropped: 1, superseded: 0 });
    expect(logged("refusing plain http:// to api.example.com")).toHaveLength(1);
    await refused.shutdown(100);

    const allowed = harness.make({ baseUrl: "http://api.example.com", fetch: spy, allowInsecureHttp: true });
    allowed.export(simpleTrace(0)[0]!);
    await allowed.flush(1_000);
    expect(urls).toEqual(["http://api.example.com/agents/traces"]);
    expect(allowed.stats().sent).toBe(1);
  });

  it("drops and counts records exported after shutdown, without sending them", async () => {
    const e = harness.make();
    await e.shutdown(1_000);
    for (const r of simpleTrace()) e.export(r);
    await e.flush(100);
    expect(harness.collector.requests).toHaveLength(0);
    expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 0, dropped: 4, superseded: 0 });
  });

  it("never throws from export(), even for a malformed record", () => {
    const e = harness.make();
    expect(() => e.export(undefined as unknown as ExportRecord)).not.toThrow();
    expect(() => e.export({ kind: "span_end" } as unknown as ExportRecord)).not.toThrow();
    expect(e.stats().dropped).toBe(2);
  });

  it("counts a span that cannot be serialised as failed and still sends the others", async () => {
    const e = harness.make();
    const records = simpleTrace(2);
    const bad = (records[1] as Extract<ExportRecord, { kind: "span_end" }>).span;
    bad.input = { big: 1n };
    for (const r of records) e.export(r);
    await e.flush(5_000);

    const spans = harness.collector.to("/spans");
    expect(spans).toHaveLength(1);
    expect((spans[0]!.body as { spans: unknown[] }).spans).toHaveLength(1);
    expect(e.stats()).toEqual({ queued: 0, sent: 3, failed: 1, dropped: 0, superseded: 0 });
  });
});
