/**
 * The gemini-agent example runs offline against the fake provider's Gemini endpoint and writes the
 * trace it promises, plainly and unchanged under `--import @tracium/sdk/auto`.
 */
import { describe, expect, it } from "vitest";
import { runExample, type Rec } from "./run-example.js";

function check(spans: Rec[]): void {
  const llm = spans.filter((s) => s.span_type === "llm");
  expect(llm.map((s) => s.name)).toEqual(["google.models.generateContent", "google.models.generateContentStream"]);
  for (const s of llm) {
    expect(s).toMatchObject({ status: "completed", model_id: "gemini-2.5-flash-001" });
    expect(s.input_tokens).toBeGreaterThan(0);
    expect(s.cached_input_tokens).toBe(32);
    expect(s.metadata).toMatchObject({ provider: "google", reasoning_tokens: 8 });
  }
  expect(llm[0]!.tool_calls).toMatchObject([{ type: "function_call", name: "get_weather", input: { city: "Lisbon" } }]);
  expect(llm[1]!.metadata.time_to_first_token_ms).toBeGreaterThan(0);
  const tool = spans.find((s) => s.span_type === "tool")!;
  expect(tool).toMatchObject({ name: "get_weather", output: { city: "Lisbon" } });
  expect(tool.metadata).toMatchObject({ llm_span_id: llm[0]!.id, tool_call_inferred: true });
}

describe("gemini-agent", () => {
  it("one trace: llm (function call) → tool span linked to it → streamed llm answer, with cached and reasoning tokens", async () => {
    const r = await runExample(["gemini-agent/index.mjs"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Lisbon");
    check(r.spans);
    const end = r.records.find((x) => x.type === "trace_end")!;
    expect(end.summary).toMatchObject({ llm_calls: 2, answered: true, cached_input_tokens: 64 });
  });

  it("the same under --import @tracium/sdk/auto (patched once, not twice)", async () => {
    const r = await runExample(["--import", "@tracium/sdk/auto", "gemini-agent/index.mjs"]);
    expect(r.code, r.stderr).toBe(0);
    check(r.spans);
  });
});
