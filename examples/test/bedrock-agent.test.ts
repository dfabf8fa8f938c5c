/**
 * The bedrock-agent example runs offline against the fake provider's Bedrock endpoint (HTTP/2, the
 * SDK's default handler) and writes the trace it promises, plainly and unchanged under
 * `--import @tracium/sdk/auto`.
 */
import { describe, expect, it } from "vitest";
import { runExample, type Rec } from "./run-example.js";

const MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0";

function check(spans: Rec[]): void {
  const llm = spans.filter((s) => s.span_type === "llm");
  expect(llm.map((s) => s.name)).toEqual(["bedrock.converse", "bedrock.converseStream"]);
  for (const s of llm) {
    expect(s).toMatchObject({ status: "completed", model_id: MODEL, cached_input_tokens: 48 });
    expect(s.input_tokens).toBeGreaterThan(0);
    expect(s.metadata).toMatchObject({ provider: "aws.bedrock", bedrock_latency_ms: 42 });
  }
  expect(llm[0]!.tool_calls).toMatchObject([{ type: "tool_use", name: "get_weather", input: { city: "Lisbon" } }]);
  expect(llm[1]!.metadata.time_to_first_token_ms).toBeGreaterThan(0);
  const tool = spans.find((s) => s.span_type === "tool")!;
  expect(tool).toMatchObject({ name: "get_weather", output: { city: "Lisbon" } });
  expect(tool.metadata).toMatchObject({ llm_span_id: llm[0]!.id, tool_call_id: llm[0]!.tool_calls[0].id });
}

describe("bedrock-agent", () => {
  it("one trace: Converse (toolUse) → tool span linked to it → ConverseStream answer, with cache-read tokens", async () => {
    const r = await runExample(["bedrock-agent/index.mjs"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Lisbon");
    check(r.spans);
    const end = r.records.find((x) => x.type === "trace_end")!;
    expect(end.summary).toMatchObject({ llm_calls: 2, answered: true, cached_input_tokens: 96 });
  });

  it("the same under --import @tracium/sdk/auto (patched once, not twice)", async () => {
    const r = await runExample(["--import", "@tracium/sdk/auto", "bedrock-agent/index.mjs"]);
    expect(r.code, r.stderr).toBe(0);
    check(r.spans);
  });
});
