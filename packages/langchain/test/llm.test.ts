import { describe, expect, it } from "vitest";
import { AIMessage } from "@langchain/core/messages";
import { readLlmResult, requestModel, requestParams, usageFromLlmOutput, usageFromUsageMetadata } from "../src/llm.js";

describe("usage normalisation (Tracium rule: input = input not read from cache)", () => {
  it("usage_metadata: subtracts cache reads and cache writes from input_tokens", () => {
    expect(
      usageFromUsageMetadata({
        input_tokens: 20,
        output_tokens: 9,
        total_tokens: 29,
        input_token_details: { cache_read: 4, cache_creation: 6 },
        output_token_details: { reasoning: 3 },
      }),
    ).toEqual({ inputTokens: 10, cachedInputTokens: 4, cacheCreationInputTokens: 6, outputTokens: 9, reasoningTokens: 3 });
    expect(usageFromUsageMetadata({ input_tokens: 5, output_tokens: 1 })).toEqual({ inputTokens: 5, outputTokens: 1 });
    expect(usageFromUsageMetadata({ input_tokens: 2, input_token_details: { cache_read: 5 } })).toEqual({ inputTokens: 0, cachedInputTokens: 5 });
    expect(usageFromUsageMetadata({ input_tokens: "x", output_tokens: -1 })).toBeUndefined();
    expect(usageFromUsageMetadata(undefined)).toBeUndefined();
  });

  it("llmOutput fallbacks: tokenUsage, raw OpenAI usage (cached included), raw Anthropic usage (cache excluded)", () => {
    expect(usageFromLlmOutput({ tokenUsage: { promptTokens: 7, completionTokens: 2, totalTokens: 9 } })).toEqual({ inputTokens: 7, outputTokens: 2 });
    expect(
      usageFromLlmOutput({ usage: { prompt_tokens: 20, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 8 }, completion_tokens_details: { reasoning_tokens: 3 } } }),
    ).toEqual({ inputTokens: 12, cachedInputTokens: 8, outputTokens: 7, reasoningTokens: 3 });
    expect(usageFromLlmOutput({ usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 4, cache_creation_input_tokens: 6 } })).toEqual({
      inputTokens: 10,
      cachedInputTokens: 4,
      cacheCreationInputTokens: 6,
      outputTokens: 5,
    });
    expect(usageFromLlmOutput({})).toBeUndefined();
  });
});

describe("requests", () => {
  it("model from ls_model_name, then invocation params, then constructor kwargs", () => {
    expect(requestModel({ ls_model_name: "m1" }, { invocation_params: { model: "m2" } }, {})).toBe("m1");
    expect(requestModel({}, { invocation_params: { model_name: "m2" } }, {})).toBe("m2");
    expect(requestModel({}, {}, { kwargs: { model: "m3" } })).toBe("m3");
    expect(requestModel(undefined, undefined, undefined)).toBeUndefined();
  });

  it("request_params leave out the model, content, tools and stream plumbing", () => {
    expect(requestParams({ invocation_params: { model: "m", temperature: 0, tools: [], stream: true, max_tokens: 5, top_p: undefined } })).toEqual({ temperature: 0, max_tokens: 5 });
    expect(requestParams({ invocation_params: { model: "m" } })).toBeUndefined();
  });
});

describe("readLlmResult", () => {
  it("reads output, tool calls, usage, response model and finish reasons", () => {
    const message = new AIMessage({
      content: "",
      tool_calls: [{ id: "c1", name: "f", args: {}, type: "tool_call" }],
      usage_metadata: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
      response_metadata: { model_name: "gpt-x-2025", finish_reason: "tool_calls" },
    });
    const r = readLlmResult({ generations: [[{ text: "", message }]] });
    expect(r.output).toEqual({ role: "assistant", content: "", tool_calls: [{ id: "c1", type: "tool_call", name: "f", args: {} }] });
    expect(r.empty).toBe(false);
    expect(r.toolCalls).toHaveLength(1);
    expect(r.usage).toEqual({ inputTokens: 3, outputTokens: 2 });
    expect(r.responseModel).toBe("gpt-x-2025");
    expect(r.finishReasons).toEqual(["tool_calls"]);
  });

  it("tolerates any shape", () => {
    for (const bad of [undefined, null, 1, "x", { generations: 1 }, { generations: [[null, 2]] }]) {
      expect(() => readLlmResult(bad)).not.toThrow();
    }
    expect(readLlmResult({ generations: [[{ text: "" }]] }).empty).toBe(true);
  });
});
