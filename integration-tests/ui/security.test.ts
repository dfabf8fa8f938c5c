/**
 * `tracium ui` refuses what a hostile web page could send: a foreign Host (DNS rebinding), a foreign
 * Origin, an ingestion body without a JSON/protobuf content type (a CORS "simple request"), a
 * missing token; and never allows cross-origin reads. The page itself allows no inline script.
 */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { api, startUi, tempFile, type RunningUi } from "./server.js";

let ui: RunningUi | undefined;
afterEach(async () => {
  await ui?.stop();
  ui = undefined;
});

/** A raw request (fetch does not let us set Host). */
function raw(u: RunningUi, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: u.port, method, path, headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const CREATE = JSON.stringify({ agent_name: "a", trace_id: "t" });

describe("tracium ui: request checks", () => {
  it("rejects a foreign Host and a foreign Origin, and never sends Access-Control-Allow-Origin", async () => {
    ui = await startUi(tempFile());
    const host = `127.0.0.1:${ui.port}`;
    expect((await raw(ui, "GET", "/api/traces", { host })).status).toBe(200);
    expect((await raw(ui, "GET", "/api/traces", { host: `localhost:${ui.port}` })).status).toBe(200);
    expect((await raw(ui, "GET", "/api/traces", { host: `evil.example:${ui.port}` })).status).toBe(421);
    expect((await raw(ui, "GET", "/", { host: "127.0.0.1:1" })).status).toBe(421);
    const foreign = await raw(ui, "POST", "/agents/traces", { host, origin: "http://evil.example", "content-type": "application/json" }, CREATE);
    expect(foreign.status).toBe(403);
    const preflight = await raw(ui, "OPTIONS", "/agents/traces", { host, origin: "http://evil.example", "access-control-request-method": "POST" });
    expect(preflight.status).toBe(403);
    const same = await raw(ui, "POST", "/agents/traces", { host, origin: `http://${host}`, "content-type": "application/json" }, CREATE);
    expect(same.status).toBe(201);
    for (const r of [foreign, preflight, same, await raw(ui, "GET", "/api/traces", { host, origin: `http://${host}` })]) {
      expect(r.headers["access-control-allow-origin"]).toBeUndefined();
    }
  });

  it("applies the same checks to the live event stream", async () => {
    ui = await startUi(tempFile());
    const host = `127.0.0.1:${ui.port}`;
    expect((await raw(ui, "GET", "/api/events", { host: `evil.example:${ui.port}` })).status).toBe(421);
    const foreign = await raw(ui, "GET", "/api/events", { host, origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
    const same = await raw(ui, "HEAD", "/api/events", { host, origin: `http://${host}` });
    expect(same.status).toBe(200);
    expect(same.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(same.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("takes ingestion only with a JSON or protobuf content type", async () => {
    ui = await startUi(tempFile());
    const host = `127.0.0.1:${ui.port}`;
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      expect((await raw(ui, "POST", "/agents/traces", { host, "content-type": type }, CREATE)).status).toBe(415);
      expect((await raw(ui, "POST", "/v1/traces", { host, "content-type": type }, "{}")).status).toBe(415);
    }
    expect((await raw(ui, "POST", "/agents/traces", { host }, CREATE)).status).toBe(415);
    expect((await raw(ui, "POST", "/agents/traces", { host, "content-type": "application/json; charset=utf-8" }, CREATE)).status).toBe(201);
    expect((await raw(ui, "POST", "/v1/traces", { host, "content-type": "application/json" }, '{"resourceSpans":[]}')).status).toBe(200);
  });

  it("with --token, takes ingestion only with the token", async () => {
    ui = await startUi(tempFile(), ["--token", "s3cret"]);
    const host = `127.0.0.1:${ui.port}`;
    const json = { host, "content-type": "application/json" };
    expect((await raw(ui, "POST", "/agents/traces", json, CREATE)).status).toBe(401);
    expect((await raw(ui, "POST", "/agents/traces", { ...json, "x-api-key": "wrong" }, CREATE)).status).toBe(401);
    expect((await raw(ui, "POST", "/v1/traces", { ...json, authorization: "Bearer wrong" }, "{}")).status).toBe(401);
    expect((await raw(ui, "POST", "/agents/traces", { ...json, "x-api-key": "s3cret" }, CREATE)).status).toBe(201);
    expect((await raw(ui, "POST", "/v1/traces", { ...json, authorization: "Bearer s3cret" }, '{"resourceSpans":[]}')).status).toBe(200);
  });

  it("redacts, in what other senders post, the secrets this SDK would have redacted", async () => {
    ui = await startUi(tempFile());
    const host = `127.0.0.1:${ui.port}`;
    const json = { host, "content-type": "application/json" };
    const key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD";
    expect((await raw(ui, "POST", "/agents/traces", json, JSON.stringify({ agent_name: "a", trace_id: "sec", tags: [`key ${key}`], metadata: { api_key: "hunter2-secret" } }))).status).toBe(201);
    const span = {
      id: "s1", span_type: "llm", name: `chat with ${key}`, model_id: key, status: "completed", started_at: null, completed_at: null, latency_ms: 1, parent_span_id: null,
      input: { messages: [{ role: "user", content: `my key is ${key}` }] }, output: "ok", metadata: { password: "pw-123456", note: `Authorization: Bearer ${key}` },
    };
    expect((await raw(ui, "POST", "/agents/traces/sec/spans", json, JSON.stringify({ spans: [span] }))).status).toBe(200);
    expect((await raw(ui, "POST", "/agents/traces/sec/complete", json, JSON.stringify({ summary: { api_key: "summary-secret-1", note: `token ${key}` } }))).status).toBe(200);
    const { trace } = await api<{ trace: { metadata: Record<string, unknown>; spans: Array<{ input: unknown; output: unknown; metadata: Record<string, unknown> }> } }>(ui, "/api/traces/sec");
    const shown = JSON.stringify(trace);
    for (const secret of [key, "hunter2-secret", "pw-123456", "summary-secret-1"]) expect(shown).not.toContain(secret);
    expect(readFileSync(ui.file, "utf8")).not.toContain("summary-secret-1");
    expect(readFileSync(ui.file, "utf8")).not.toContain(key);
    expect(trace.spans[0]!.metadata.password).toBe("***REDACTED***");
    expect(trace.spans[0]!.output).toBe("ok");
    expect(JSON.stringify(trace.spans[0]!.input)).toContain("my key is");
  });

  it("serves the page with a CSP that allows no inline or foreign script", async () => {
    ui = await startUi(tempFile());
    const page = await raw(ui, "GET", "/", { host: `127.0.0.1:${ui.port}` });
    expect(page.status).toBe(200);
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.body).toContain('<script src="/app.js"');
    const script = await raw(ui, "GET", "/app.js", { host: `127.0.0.1:${ui.port}` });
    expect(script.status).toBe(200);
    expect(script.body.length).toBeGreaterThan(1000);
    // The whole page (script and stylesheet) within the 200 KB gzipped, and no foreign URL.
    const css = await raw(ui, "GET", "/app.css", { host: `127.0.0.1:${ui.port}` });
    expect(gzipSync(script.body).length + gzipSync(css.body).length).toBeLessThan(200 * 1024);
    expect(`${page.body}${script.body}${css.body}`).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it("warns when listening on a non-loopback address", async () => {
    ui = await startUi(tempFile(), ["--host", "0.0.0.0"]);
    expect(ui.stderr()).toMatch(/warning: listening on 0\.0\.0\.0/);
  });
});
