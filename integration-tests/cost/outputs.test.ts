/**
 * Cost reaches every output: the JSONL file (the Tracium wire shape: span metadata `cost`, trace
 * summary `cost_usd` and `cost`), OTLP (`gen_ai.usage.cost`, non-standard), and it never loads
 * the price table when cost is off.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tracium from "@tracium/sdk";
import { OtlpCollector, plain } from "../otel/collector.js";
import { CLI, runNode } from "../zero-code/helpers.js";

// gpt-4o-mini at $0.15 input, $0.075 cached input, $0.60 output per 1M tokens (openai.com/api/pricing).
const EXPECTED = (500 * 0.15 + 1500 * 0.075 + 300 * 0.6) / 1e6;

function oneCall(): Promise<void> {
  return tracium.agentTrace({ agentName: "priced" }, (trace) => {
    const span = trace.startSpan({ spanType: "llm", name: "chat", modelId: "gpt-4o-mini", metadata: { provider: "openai" } });
    span.setTokenUsage({ inputTokens: 500, cachedInputTokens: 1500, outputTokens: 300 });
    span.end();
  });
}

describe("cost in the outputs", () => {
  it("the file exporter writes the span's cost in its metadata and the trace's in its summary", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "tracium-cost-")), "traces.jsonl");
    tracium.init({ exporter: "file", filePath: file, logLevel: "silent" });
    await oneCall();
    await tracium.shutdown();
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const span = lines.find((l) => l.type === "span" && l.span_type === "llm" && l.status === "completed");
    const cost = (span?.metadata as Record<string, Record<string, unknown>>).cost;
    expect(cost).toMatchObject({ currency: "USD", price_source: "table" });
    expect(cost!.total as number).toBeCloseTo(EXPECTED, 12);
    const end = lines.find((l) => l.type === "trace_end");
    expect((end!.summary as Record<string, number>).cost_usd).toBeCloseTo(EXPECTED, 12);
  });

  it("tracium view shows each priced span's cost and the trace's total", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "tracium-cost-")), "traces.jsonl");
    tracium.init({ exporter: "file", filePath: file, logLevel: "silent" });
    await oneCall();
    await tracium.shutdown();
    const r = await runNode([CLI, "view", file], { env: { NO_COLOR: "1" } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/llm {2}chat {2}gpt-4o-mini {2}in 500 · out 300 · cached 1,500 {2}\$0\.000368 /);
    expect(r.stdout).toMatch(/total {2}1 llm call · .* · \$0\.000368/);
  });

  it("the console exporter prints the span's cost and the trace's total", async () => {
    let text = "";
    tracium.init({ exporter: new tracium.ConsoleExporter({ write: (t) => void (text += t) }), logLevel: "silent" });
    await oneCall();
    await tracium.flush();
    expect(text).toMatch(/llm chat · gpt-4o-mini · tokens in 500 out 300 cached 1500 · \$0\.000368 · /);
    expect(text).toMatch(/total: .* · cost \$0\.000368/);
  });

  describe("OTLP", () => {
    const collector = new OtlpCollector();
    beforeAll(() => collector.start());
    afterAll(() => collector.stop());

    it("sends gen_ai.usage.cost on the llm span and on the agent's root span", async () => {
      tracium.init({ exporter: "otlp", logLevel: "silent", otlp: { endpoint: collector.url, protocol: "http/json" } });
      await oneCall();
      await tracium.flush();
      const llm = collector.spans.find((s) => s.attributes["gen_ai.operation.name"] !== undefined && s.name.includes("gpt-4o-mini"));
      const root = collector.spans.find((s) => plain(s.attributes["gen_ai.operation.name"]) === "invoke_agent");
      expect(plain(llm?.attributes["gen_ai.usage.cost"]) as number).toBeCloseTo(EXPECTED, 12);
      expect(plain(root?.attributes["gen_ai.usage.cost"]) as number).toBeCloseTo(EXPECTED, 12);
      await tracium.shutdown();
    });
  });

  it("with TRACIUM_COST=false the price data is never loaded into the process", () => {
    const script = `
      const tracium = require("@tracium/sdk");
      tracium.init({ exporter: "memory", logLevel: "silent" });
      tracium.agentTrace({ agentName: "off" }, (trace) => {
        const span = trace.startSpan({ spanType: "llm", modelId: "gpt-4o-mini", metadata: { provider: "openai" } });
        span.setTokenUsage({ inputTokens: 10, outputTokens: 5 });
        span.end();
      }).then(() => {
        const loaded = Object.keys(require("node:module")._cache).some((k) => k.includes("genai-prices"));
        process.stdout.write(JSON.stringify({ loaded, cost: tracium.getClient().config.cost }));
      });`;
    const run = (cost: string) =>
      JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: __dirname, env: { ...process.env, TRACIUM_COST: cost }, encoding: "utf8" })) as { loaded: boolean; cost: boolean };
    expect(run("false")).toEqual({ loaded: false, cost: false });
    // The same script with cost on does load it: the check above can see a load.
    expect(run("true")).toEqual({ loaded: true, cost: true });
  });
});
