/**
 * The same small agent (two OpenAI calls, a tool span, a streamed answer) under each JavaScript
 * runtime installed from the registry (Node, Bun, Deno), as a subprocess against the local fake
 * provider, delivering to a local collector that stands in for the Tracium API.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../examples/fake-provider/index.mjs";
import { runNode, startCollector } from "../zero-code/helpers.js";
import { EXPECTED_ANSWER, RUNTIME_FIXTURES, expectAgentTraces, installedBinary, runBinary } from "./helpers.js";

const bun = installedBinary("bun");
const deno = installedBinary("deno");
const TIMEOUT = 120_000;

let provider: FakeProvider;
let collector: Awaited<ReturnType<typeof startCollector>>;

beforeAll(async () => {
  provider = await startFakeProvider({ latencyMs: 5 });
  collector = await startCollector();
});
afterAll(async () => {
  await provider.close();
  await collector.close();
});

function env(): Record<string, string> {
  collector.requests.length = 0;
  return { OPENAI_BASE_URL: provider.openaiBaseURL, TRACIUM_API_KEY: "tr-runtime-key", TRACIUM_BASE_URL: collector.url };
}

const fixture = (name: string) => join(RUNTIME_FIXTURES, name);

function expectAnswer(r: { code: number | null; stdout: string; stderr: string }): void {
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}")).toEqual({ answer: EXPECTED_ANSWER });
}

describe("Node", () => {
  it("in-code API: the agent's trace reaches the collector", { timeout: TIMEOUT }, async () => {
    const r = await runNode([fixture("in-code.mjs")], { env: env(), timeoutMs: TIMEOUT - 10_000 });
    expectAnswer(r);
    expectAgentTraces(collector.requests);
  });
});

describe.skipIf(!bun)("Bun (the registry's bun package)", () => {
  it("in-code API under `bun`", { timeout: TIMEOUT }, async () => {
    const r = await runBinary(bun!, [fixture("in-code.mjs")], { env: env(), timeoutMs: TIMEOUT - 10_000 });
    expectAnswer(r);
    expectAgentTraces(collector.requests);
  });

  it("zero code: `bun --preload @tracium/sdk/auto` patches an ES module app and delivers at exit", { timeout: TIMEOUT }, async () => {
    const r = await runBinary(bun!, ["--preload", "@tracium/sdk/auto", fixture("zero-code.mjs")], { env: env(), timeoutMs: TIMEOUT - 10_000 });
    expectAnswer(r);
    expect(r.stderr).not.toMatch(/imported by the app itself/);
    expectAgentTraces(collector.requests);
  });

  it("zero code: `bun --preload @tracium/sdk/auto` patches a CommonJS app", { timeout: TIMEOUT }, async () => {
    const r = await runBinary(bun!, ["--preload", "@tracium/sdk/auto", fixture("zero-code.cjs")], { env: env(), timeoutMs: TIMEOUT - 10_000 });
    expectAnswer(r);
    expectAgentTraces(collector.requests);
  });

  it("zero code leaves a TypeScript app's output unchanged (`bun --preload @tracium/sdk/auto app.ts`)", { timeout: TIMEOUT }, async () => {
    const plain = await runBinary(bun!, [fixture("zero-code.ts")], { env: { OPENAI_BASE_URL: provider.openaiBaseURL, TRACIUM_ENABLED: "false" }, timeoutMs: TIMEOUT - 10_000 });
    const r = await runBinary(bun!, ["--preload", "@tracium/sdk/auto", fixture("zero-code.ts")], { env: env(), timeoutMs: TIMEOUT - 10_000 });
    expectAnswer(r);
    expect(r.stdout).toBe(plain.stdout);
    expectAgentTraces(collector.requests);
  });
});

describe.skipIf(!deno)("Deno (the registry's deno package)", () => {
  it("`deno run -A` of the in-code agent, packages from node_modules", { timeout: TIMEOUT }, async () => {
    const r = await runBinary(deno!, ["run", "-A", fixture("in-code.mjs")], { env: { ...env(), DENO_NO_UPDATE_CHECK: "1" }, timeoutMs: TIMEOUT - 10_000 });
    expectAnswer(r);
    expectAgentTraces(collector.requests);
  });

  it("`npm:@tracium/sdk` and `npm:openai` specifiers (`deno run -A --node-modules-dir=manual`)", { timeout: TIMEOUT }, async () => {
    const args = ["run", "-A", "--node-modules-dir=manual", "--cached-only", fixture("in-code-npm.mjs")];
    const r = await runBinary(deno!, args, { env: { ...env(), DENO_NO_UPDATE_CHECK: "1" }, timeoutMs: TIMEOUT - 10_000 });
    expectAnswer(r);
    expectAgentTraces(collector.requests);
  });

  it("feeds Deno's built-in OpenTelemetry (OTEL_DENO) with the `otel` exporter: one trace, the spans nested, tokens kept", { timeout: TIMEOUT }, async () => {
    const otel = {
      ...env(),
      TRACIUM_API_KEY: undefined,
      TRACIUM_EXPORTER: "otel",
      OTEL_DENO: "true",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: "deno-agent",
      DENO_NO_UPDATE_CHECK: "1",
    };
    const r = await runBinary(deno!, ["run", "-A", fixture("in-code.mjs")], { env: otel, timeoutMs: TIMEOUT - 10_000 });
    expectAnswer(r);
    expect(collector.requests.filter((q) => q.path.startsWith("/agents/"))).toEqual([]);
    expectOtelAgentTrace(collector.requests.filter((q) => q.path === "/v1/traces"));
  });
});

type OtelSpan = { traceId: string; spanId: string; parentSpanId: string; name: string; attributes: Array<{ key: string; value: { stringValue?: string; intValue?: string | number; doubleValue?: number } }> };

/** The fixtures' agent as OTLP spans: one trace, the agent span the parent of two chat spans (with tokens) and the tool span. */
function expectOtelAgentTrace(requests: Array<{ body: Record<string, unknown> }>): void {
  const spans = requests.flatMap((q) =>
    (q.body.resourceSpans as Array<{ scopeSpans: Array<{ scope: { name: string }; spans: OtelSpan[] }> }>).flatMap((rs) => rs.scopeSpans.filter((ss) => ss.scope.name === "tracium").flatMap((ss) => ss.spans)),
  );
  const attr = (s: OtelSpan, key: string) => s.attributes.find((a) => a.key === key)?.value;
  expect(new Set(spans.map((s) => s.traceId)).size, JSON.stringify(spans.map((s) => s.name))).toBe(1);
  const root = spans.find((s) => attr(s, "tracium.span.type") === undefined && spans.some((c) => c.parentSpanId === s.spanId));
  expect(root, JSON.stringify(spans.map((s) => [s.name, s.spanId, s.parentSpanId]))).toBeDefined();
  const children = spans.filter((s) => s.parentSpanId === root!.spanId);
  expect(children.map((s) => attr(s, "tracium.span.type")?.stringValue).sort()).toEqual(["llm", "llm", "tool"]);
  for (const llm of children.filter((s) => attr(s, "tracium.span.type")?.stringValue === "llm")) {
    expect(llm.name).toBe("chat gpt-4o-mini");
    // Deno writes every number as a double.
    const tokens = (key: string) => Number(attr(llm, key)?.intValue ?? attr(llm, key)?.doubleValue);
    expect(tokens("gen_ai.usage.input_tokens")).toBeGreaterThan(0);
    expect(tokens("gen_ai.usage.output_tokens")).toBeGreaterThan(0);
  }
}
