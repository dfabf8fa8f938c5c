/**
 * Two real processes over HTTP: an agent calls a tool service with `tracium.inject()` headers; the
 * tool service continues the trace with `agentTrace({ parent: req.headers })`. Both export over
 * OTLP (configured only through the standard OTEL_* variables) to one local collector, where they
 * must form one trace with the tool service's spans under the calling span.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OtlpCollector, plain, type DecodedSpan } from "./collector.js";

const here = dirname(fileURLToPath(import.meta.url));
const children: ChildProcess[] = [];
let collector: OtlpCollector;

beforeEach(async () => {
  collector = new OtlpCollector();
  await collector.start();
});

afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null) {
      c.kill("SIGTERM");
      await Promise.race([once(c, "exit"), new Promise((r) => setTimeout(r, 3_000))]);
      if (c.exitCode === null) c.kill("SIGKILL");
    }
  }
  await collector.stop();
});

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("OTEL_") || key.startsWith("TRACIUM_")) delete env[key];
  return { ...env, ...extra };
}

async function startToolService(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [join(here, "fixtures/tool-service.mjs")], { env: cleanEnv(env), stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([once(lines, "line"), once(child, "exit").then(() => ["exited"])])) as [string];
  const { port } = JSON.parse(line) as { port: number };
  return `http://127.0.0.1:${port}/tool`;
}

async function runAgent(toolUrl: string, env: Record<string, string>): Promise<AgentOutput> {
  const child = spawn(process.execPath, [join(here, "fixtures/agent.mjs"), toolUrl], { env: cleanEnv(env), stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let stdout = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  const [code] = (await once(child, "exit")) as [number];
  expect(code).toBe(0);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as AgentOutput;
}

interface AgentOutput {
  traceId: string;
  headers: Record<string, string>;
  span: { id: string; depth: number };
  body: {
    result: string;
    records: Array<{ kind: string; traceId: string; name?: string; id?: string; parentSpanId?: string; depth?: number }>;
  };
}

function named(spans: DecodedSpan[], name: string): DecodedSpan {
  const s = spans.find((x) => x.name === name);
  if (!s) throw new Error(`no span ${name}; got ${spans.map((x) => x.name).join(", ")}`);
  return s;
}

describe("a trace across two processes", () => {
  it("ends as one trace with the tool service's spans under the calling span", async () => {
    const base = collector.url.replace(/\/v1\/traces$/, "");
    // The tool service gets the base endpoint (the exporter appends /v1/traces), protobuf + gzip.
    const toolUrl = await startToolService({ OTEL_EXPORTER_OTLP_ENDPOINT: base, OTEL_SERVICE_NAME: "tool-service", OTEL_EXPORTER_OTLP_COMPRESSION: "gzip" });
    // The agent gets the full traces endpoint, JSON.
    const out = await runAgent(toolUrl, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url, OTEL_SERVICE_NAME: "planner-svc", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" });
    expect(out.body.result).toBe("42");
    await collector.until(() => collector.spans.length >= 4);
    expect(collector.requests.filter((r) => r.error)).toEqual([]);

    const spans = collector.spans;
    expect(spans.map((s) => s.name).sort()).toEqual(["db-query", "execute_tool lookup", "execute_tool remote_lookup", "invoke_agent planner"]);
    const root = named(spans, "invoke_agent planner");
    const calling = named(spans, "execute_tool remote_lookup");
    const lookup = named(spans, "execute_tool lookup");
    const db = named(spans, "db-query");

    // One trace, whose id is the agent's trace UUID.
    const traceHex = out.traceId.replace(/-/g, "");
    for (const s of spans) expect(s.traceId).toBe(traceHex);
    // The propagated header points at the calling span.
    expect(out.headers.traceparent).toBe(`00-${traceHex}-${calling.spanId}-01`);
    expect(out.headers.tracestate).toBe(`tracium=p:${calling.spanId};s:${out.span.id};d:0`);

    // Parentage across the process boundary.
    expect(root.parentSpanId).toBeUndefined();
    expect(calling.parentSpanId).toBe(root.spanId);
    expect(lookup.parentSpanId).toBe(calling.spanId);
    expect(lookup.flags).toBe(0x301); // sampled, parent is remote
    expect(calling.flags).toBe(0x101);
    expect(db.parentSpanId).toBe(lookup.spanId);

    // Each process reported as its own service.
    expect(plain(root.resource["service.name"])).toBe("planner-svc");
    expect(plain(calling.resource["service.name"])).toBe("planner-svc");
    expect(plain(lookup.resource["service.name"])).toBe("tool-service");
    expect(collector.requests.find((r) => r.spans.some((s) => s.name === "db-query"))!.headers["content-encoding"]).toBe("gzip");

    // The continued trace is the agent's own Tracium trace: same id, no second root, and on the
    // Tracium side no duplicate start/end records, spans parented on the caller's span UUID.
    expect(plain(lookup.attributes["tracium.trace.id"])).toBe(out.traceId);
    expect(spans.filter((s) => s.name.startsWith("invoke_agent"))).toHaveLength(1);
    const kinds = out.body.records.map((r) => r.kind);
    expect(kinds).not.toContain("trace_start");
    expect(kinds).not.toContain("trace_end");
    const ended = out.body.records.filter((r) => r.kind === "span_end");
    const lookupRecord = ended.find((r) => r.name === "lookup")!;
    const dbRecord = ended.find((r) => r.name === "db-query")!;
    expect(lookupRecord.traceId).toBe(out.traceId);
    expect(lookupRecord.parentSpanId).toBe(out.span.id);
    expect(lookupRecord.depth).toBe(1);
    expect(dbRecord.parentSpanId).toBe(lookupRecord.id);
    expect(dbRecord.depth).toBe(2);
  }, 30_000);
});
