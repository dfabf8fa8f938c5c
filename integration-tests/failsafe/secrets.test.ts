/**
 * Secrets never leave the process. A generator plants credentials at random depths: as values
 * under secret-looking keys, as well-known credential formats inside free text, inside the JSON
 * text of tool-call arguments, as key names, and the Tracium API key itself in span names, the agent
 * name, tags, version, model ids and metadata key names. None may appear in the bytes of any
 * exporter (file, Tracium HTTP and OTLP to a local server, console) or in any log line.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ConsoleExporter, init, logger, REDACTED, type TraciumClient } from "@tracium/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const API_KEY = "trk_live_Q7w9ZpX2m4N8v6B1";
const ALNUM = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"];
const UPPER = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"];
const chars = (alphabet: string[], n: number) => fc.array(fc.constantFrom(...alphabet), { minLength: n, maxLength: n }).map((a) => a.join(""));

/** A credential as it is written, and the part of it that must never be exported. */
interface Credential {
  text: string;
  secret: string;
}

const formatted: fc.Arbitrary<Credential> = fc.oneof(
  chars(ALNUM, 32).map((r) => ({ text: `sk-proj-${r}`, secret: r })),
  chars(ALNUM, 32).map((r) => ({ text: `sk-ant-api03-${r}`, secret: r })),
  chars(UPPER, 16).map((r) => ({ text: `AKIA${r}`, secret: r })),
  chars(ALNUM, 24).map((r) => ({ text: `Bearer ${r}.9x`, secret: r })),
  fc.tuple(chars(ALNUM, 20), chars(ALNUM, 20)).map(([p, s]) => ({ text: `eyJhbGciOiJIUzI1NiJ9.eyJ${p}.${s}`, secret: `${p}.${s}` })),
  chars(ALNUM, 18).map((r) => ({ text: `postgres://admin:${r}@db.internal:5432/app`, secret: r })),
  chars(ALNUM, 18).map((r) => ({ text: `password=${r}`, secret: r })),
);

const SECRET_KEYS = [
  "secret_key",
  "aws_secret_access_key",
  "aws_access_key_id",
  "X-Amz-Security-Token",
  "pwd",
  "passphrase",
  "openai_key",
  "api_key",
  "Authorization",
  "clientSecret",
  "refresh_token",
  "db_password",
];

/** A plain value (no format) under a secret key: only the key tells it is a secret. */
const underKey: fc.Arbitrary<{ key: string; secret: string }> = fc.record({ key: fc.constantFrom(...SECRET_KEYS), secret: chars(ALNUM, 22) });

/** Where a credential goes. */
type Planted =
  | { where: "text"; cred: Credential; before: string; after: string }
  | { where: "under-key"; key: string; secret: string }
  | { where: "json-args"; key: string; secret: string }
  | { where: "json-text"; cred: Credential }
  | { where: "key-name"; cred: Credential };

const planted: fc.Arbitrary<Planted> = fc.oneof(
  fc.record({ where: fc.constant("text" as const), cred: formatted, before: fc.constantFrom("", "my key is ", "see: ", "x\n"), after: fc.constantFrom("", " ok", ".", "\nnext") }),
  underKey.map((u) => ({ where: "under-key" as const, ...u })),
  underKey.map((u) => ({ where: "json-args" as const, ...u })),
  formatted.map((cred) => ({ where: "json-text" as const, cred })),
  formatted.map((cred) => ({ where: "key-name" as const, cred })),
);

function secretOf(p: Planted): string {
  return "cred" in p ? p.cred.secret : p.secret;
}

/** The planted credential as a value, wrapped `depth` levels deep in objects and arrays. */
function valueOf(p: Planted, wrap: number[]): unknown {
  let v: unknown;
  switch (p.where) {
    case "text":
      v = `${p.before}${p.cred.text}${p.after}`;
      break;
    case "under-key":
      v = { [p.key]: p.secret };
      break;
    case "json-args":
      v = { id: "call_1", type: "function", function: { name: "login", arguments: JSON.stringify({ user: "u", nested: { [p.key]: p.secret } }) } };
      break;
    case "json-text":
      v = JSON.stringify({ note: `token in ${p.cred.text} here` });
      break;
    case "key-name":
      v = { [p.cred.text]: 1 };
      break;
  }
  for (const w of wrap) v = w === 0 ? [v] : { [`level${w}`]: v };
  return v;
}

// --- every exporter's bytes -----------------------------------------------------------------------
let server: http.Server;
let origin = "";
const bodies: Buffer[] = [];
let dir = "";
let file = "";
let consoleText = "";
const logLines: string[] = [];
let client: TraciumClient;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      let raw = Buffer.concat(parts);
      if (req.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
      bodies.push(raw);
      const isCreate = req.url === "/agents/traces";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(isCreate ? JSON.stringify({ id: JSON.parse(raw.toString("utf8") || "{}").trace_id }) : "{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), "tracium-secrets-"));
  file = join(dir, "traces.jsonl");
  logger.resetOnce();
  client = init({
    apiKey: API_KEY,
    baseUrl: origin,
    logLevel: "debug",
    filePath: file,
    flushIntervalMs: 50,
    otlp: { endpoint: `${origin}/v1/traces`, protocol: "http/json" },
    exporter: ["tracium", "file", "otlp", new ConsoleExporter({ write: (t) => void (consoleText += t) })],
  });
  logger.setSink((_l, line) => logLines.push(line));
});

afterAll(async () => {
  logger.setSink(undefined);
  await client.shutdown(2000);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function everything(): string {
  let fileText = "";
  try {
    fileText = readFileSync(file, "utf8");
  } catch {
    // not written yet
  }
  return [fileText, consoleText, ...bodies.map((b) => b.toString("utf8")), ...logLines].join("\n");
}

function leaks(secret: string): string[] {
  const where: string[] = [];
  const text = everything();
  if (!text.includes(secret)) return where;
  for (const line of text.split("\n")) if (line.includes(secret)) where.push(line.slice(0, 300));
  return where;
}

describe("no credential reaches an exporter or a log line", () => {
  it("planted at random depths in keys, values, strings and JSON strings", async () => {
    await fc.assert(
      fc.asyncProperty(planted, fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 5 }), fc.constantFrom("input", "output", "metadata", "tool_calls", "error", "trace-metadata"), async (p, wrap, slot) => {
        const value = valueOf(p, wrap);
        await client.agentTrace({ agentName: "secrets", metadata: slot === "trace-metadata" ? { v: value } : {} }, (trace) =>
          trace.span({ spanType: "llm", name: "call", modelId: "gpt-4o" }, (span) => {
            if (slot === "input") span.recordInput({ messages: [{ role: "user", content: value }] });
            if (slot === "output") span.recordOutput(value);
            if (slot === "metadata") span.setMetadata({ v: value });
            if (slot === "tool_calls") span.setToolCalls([value]);
            if (slot === "error") span.markFailed(new Error(typeof value === "string" ? value : JSON.stringify(value)));
          }),
        );
        await client.flush(3000);
        const found = leaks(secretOf(p));
        if (found.length > 0) throw new Error(`leaked ${JSON.stringify(p)} via ${slot}:\n${found.join("\n")}`);
      }),
      { numRuns: 100 },
    );
    // Something was exported at all (the check is not vacuous).
    expect(everything()).toContain(REDACTED);
    expect(bodies.length).toBeGreaterThan(0);
    expect(consoleText).toContain("secrets");
  });

  it("the Tracium API key is masked in names, agent name, tags, version, model ids, metadata keys and llm_steps", async () => {
    const withKey = `agent ${API_KEY}`;
    await client.agentTrace({ agentName: `bot-${API_KEY}`, tags: [`t-${API_KEY}`], version: `v-${API_KEY}`, modelId: `m-${API_KEY}`, metadata: { [`k-${API_KEY}`]: withKey } }, (trace) => {
      trace.addTags([API_KEY]);
      trace.setMetadata({ [API_KEY]: 1 });
      trace.span({ spanType: "llm", name: `llm ${API_KEY}`, modelId: `model-${API_KEY}` }, (s) => {
        s.setMetadata({ [`meta ${API_KEY}`]: 2 });
        s.addTags([`span-${API_KEY}`]);
        s.setModelId(`gpt-${API_KEY}`);
      });
      trace.span({ spanType: `type-${API_KEY}`, name: API_KEY }, () => undefined);
      trace.markFailed(`failed with ${API_KEY}`);
    });
    await client.flush(3000);
    const text = everything();
    expect(text).toContain("llm_steps");
    expect(leaks(API_KEY)).toEqual([]);
  });

  it("captureContent: false keeps tool names only (no description, no JSON schema)", async () => {
    const { MemoryExporter } = await import("@tracium/core");
    const memory = new MemoryExporter();
    const off = init({ exporter: memory, captureContent: false, logLevel: "silent" });
    await off.agentTrace({ agentName: "off" }, (trace) =>
      trace.span({ spanType: "llm", name: "call" }, (s) =>
        s.setTools([
          { type: "function", function: { name: "get_weather", description: "SECRET-DESCRIPTION", parameters: { type: "object", properties: { city: { type: "string", description: "SCHEMA-TEXT" } } } } },
          { name: "search", description: "SECRET-DESCRIPTION", input_schema: { type: "object" } },
        ]),
      ),
    );
    await off.shutdown();
    const tools = memory.spans()[0]!.tools;
    expect(tools).toEqual([{ type: "function", function: { name: "get_weather" } }, { name: "search" }]);
    expect(JSON.stringify(memory.spans())).not.toMatch(/SECRET-DESCRIPTION|SCHEMA-TEXT/);
    // the shared client above is still the global one for the other tests of this file
    init({ apiKey: API_KEY, baseUrl: origin, exporter: "none", logLevel: "silent" });
  });

  it("redact still applies the user's own rules", async () => {
    const { MemoryExporter } = await import("@tracium/core");
    const memory = new MemoryExporter();
    const c = init({ exporter: memory, logLevel: "silent", redact: (v, path) => (path.at(-1) === "customer_ref" ? "[mine]" : v) });
    await c.agentTrace({ agentName: "r" }, (t) => t.span({ name: "s" }, (s) => s.recordInput({ customer_ref: "C-123", api_key: "x" })));
    expect(memory.spans()[0]!.input).toEqual({ customer_ref: "[mine]", api_key: REDACTED });
  });
});
