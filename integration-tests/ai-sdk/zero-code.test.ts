/**
 * Zero code: an unchanged AI SDK app run with `node --import @tracium/sdk/auto` (ES module) or
 * `node -r @tracium/sdk/auto` (CommonJS) is traced — `ai` 5/6 through the module hooks (the ES
 * module namespace patched as it is imported; the CommonJS exports, fixed getters, replaced by a
 * traced view), `ai` 7 through its channel. One trace per operation: a chain span, an llm span per
 * step, a tool span linked to its call.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeProvider } from "../../examples/fake-provider/index.mjs";
import { readRecords, runNode, tempDir, type Rec } from "../zero-code/helpers.js";
import { NODE_MAJOR, fakeProvider } from "./harness.js";

let provider: FakeProvider;
const tmp = tempDir("tracium-ai-sdk-");
let n = 0;
beforeAll(async () => {
  provider = await fakeProvider();
});
afterAll(async () => {
  await provider.close();
  tmp.cleanup();
});

const fixture = (name: string): string => join(__dirname, "fixtures", name);

function env(ai: string, openai: string): { env: Record<string, string>; file: string } {
  const file = join(tmp.dir, `traces-${++n}.jsonl`);
  return { file, env: { OPENAI_BASE_URL: provider.openaiBaseURL, TRACIUM_FILE: file, TRACIUM_AGENT_NAME: "ai-sdk-app", AI_PKG: ai, AI_OPENAI_PKG: openai } };
}

function expectTraced(records: Rec[]): void {
  const spans = records.filter((r) => r.type === "span" && r.status !== "in_progress");
  const byTrace = new Map<string, Rec[]>();
  for (const s of spans) byTrace.set(s.trace_id, [...(byTrace.get(s.trace_id) ?? []), s]);
  const traces = [...byTrace.values()];
  expect(traces, JSON.stringify(spans)).toHaveLength(2);
  for (const [i, trace] of traces.entries()) {
    const chain = trace.find((s) => s.span_type === "chain");
    expect(chain?.name).toBe(i === 0 ? "ai.generateText" : "ai.streamText");
    const llms = trace.filter((s) => s.span_type === "llm");
    const tools = trace.filter((s) => s.span_type === "tool");
    expect(llms).toHaveLength(2);
    expect(tools).toHaveLength(1);
    for (const s of [...llms, ...tools]) expect(s.parent_span_id).toBe(chain!.id);
    expect(llms.every((s) => s.model_id === "gpt-4o-mini" && s.output_tokens > 0)).toBe(true);
    expect(tools[0]!.metadata.llm_span_id).toBe(llms.find((s) => s.metadata.finish_reason === "tool-calls")!.id);
  }
}

const MAJORS = [
  { label: "ai 5", ai: "ai-v5", openai: "ai-openai-v2", skip: false as string | false },
  { label: "ai 6", ai: "ai-v6", openai: "ai-openai-v3", skip: false as string | false },
  { label: "ai 7", ai: "ai-v7", openai: "ai-openai-v4", skip: NODE_MAJOR < 22 ? "ai 7 requires Node >= 22" : (false as string | false) },
];

for (const m of MAJORS) {
  describe.skipIf(m.skip)(`${m.label}${m.skip ? ` (skipped: ${m.skip})` : ""}`, () => {
    it("ES module app, node --import @tracium/sdk/auto", async () => {
      const { env: e, file } = env(m.ai, m.openai);
      const r = await runNode(["--import", "@tracium/sdk/auto", fixture("agent.mjs")], { env: e, timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ generated: expect.stringContaining("Sunny in Paris"), streamed: expect.stringContaining("Sunny in Rome") });
      expectTraced(readRecords(file));
    });

    it("CommonJS app, node -r @tracium/sdk/auto", async () => {
      const { env: e, file } = env(m.ai, m.openai);
      const r = await runNode(["-r", "@tracium/sdk/auto", fixture("agent.cjs")], { env: e, timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).streamed).toContain("Sunny in Rome");
      expectTraced(readRecords(file));
    });
  });
}
