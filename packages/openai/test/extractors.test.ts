/**
 * Unit tests of the pure extractors: request → params/input, response → usage/output/tool calls,
 * stream chunks → the response they add up to. The SDK-level contracts are in integration-tests/openai.
 */
import type { Span } from "@tracium/core";
import { describe, expect, it } from "vitest";
import { PATCHED_METHODS, instancePath, spanName } from "../src/targets.js";
import { requestInput, requestParams } from "../src/request.js";
import { chatOutput, recordResponse, responsesOutput, tokenUsage } from "../src/response.js";
import { createAccumulator, isTokenChunk, isUsageOnlyChunk } from "../src/stream.js";

function fakeSpan() {
  const calls: Record<string, unknown> = {};
  const span = {
    setModelId: (v: unknown) => (calls.modelId = v),
    setMetadata: (v: Record<string, unknown>) => (calls.metadata = { ...(calls.metadata as object), ...v }),
    setTokenUsage: (v: unknown) => (calls.usage = v),
    recordOutput: (v: unknown) => (calls.output = v),
    setToolCalls: (v: unknown) => (calls.toolCalls = v),
    markFailed: (v: unknown) => (calls.failed = v),
  };
  return { span: span as unknown as Span, calls };
}

describe("instrument list", () => {
  it("derives instance paths and span names from the class paths", () => {
    expect(PATCHED_METHODS.map((e) => [instancePath(e).join("."), spanName(e)])).toEqual([
      ["chat.completions", "openai.chat.completions"],
      ["responses", "openai.responses"],
      ["embeddings", "openai.embeddings"],
      ["completions", "openai.completions"],
    ]);
  });
});

describe("request", () => {
  it("keeps the recorded parameters, reduces structured ones, drops stop without content capture", () => {
    const body = {
      model: "m",
      messages: [],
      temperature: 0,
      stop: ["x"],
      user: "u-1",
      metadata: { k: "v" },
      tool_choice: { type: "function", function: { name: "f" } },
      response_format: { type: "json_schema", json_schema: { name: "s", schema: { type: "object" } } },
      text: { format: { type: "json_schema", name: "t", schema: {} }, verbosity: "low" },
      reasoning: { effort: "high", summary: "auto", extra: 1 },
      seed: null,
    };
    expect(requestParams(body, true)).toEqual({
      temperature: 0,
      stop: ["x"],
      tool_choice: { type: "function", name: "f" },
      response_format: { type: "json_schema", name: "s" },
      text: { format: { type: "json_schema", name: "t" }, verbosity: "low" },
      reasoning: { effort: "high", summary: "auto" },
    });
    expect(requestParams(body, false)).not.toHaveProperty("stop");
    expect(requestParams("nope", true)).toBeUndefined();
    expect(requestParams({}, true)).toBeUndefined();
  });

  it("records the body's own parameters in the list's order, running no getter", () => {
    let reads = 0;
    const body = Object.defineProperty({ seed: 7, model: "m", temperature: 0.5, messages: [] }, "top_p", { get: () => (reads++, 0.9), enumerable: true });
    const params = requestParams(body, true);
    expect(Object.keys(params ?? {})).toEqual(["temperature", "seed"]);
    expect(reads).toBe(0);
    // What JSON.stringify leaves out is not sent, so not recorded: inherited and non-enumerable keys.
    const inherited = Object.defineProperty(Object.create({ temperature: 1 }) as Record<string, unknown>, "seed", { value: 1, enumerable: false });
    expect(requestParams(inherited, true)).toBeUndefined();
  });

  it("picks the input per operation", () => {
    expect(requestInput({ messages: [1] }, "chat")).toEqual({ messages: [1] });
    expect(requestInput({ instructions: "i", input: "x" }, "responses")).toEqual({ instructions: "i", input: "x" });
    expect(requestInput({ input: ["a"] }, "embeddings")).toEqual({ input: ["a"] });
    expect(requestInput({ prompt: "p" }, "completions")).toEqual({ prompt: "p" });
    expect(requestInput({}, "chat")).toBeUndefined();
  });
});

describe("response", () => {
  it("normalises usage: input excludes cached tokens, output includes reasoning", () => {
    expect(tokenUsage({ prompt_tokens: 20, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 8 }, completion_tokens_details: { reasoning_tokens: 3 } })).toEqual({
      inputTokens: 12,
      cachedInputTokens: 8,
      outputTokens: 7,
      reasoningTokens: 3,
    });
    expect(tokenUsage({ input_tokens: 30, output_tokens: 12, input_tokens_details: { cached_tokens: 10 }, output_tokens_details: { reasoning_tokens: 4 } })).toEqual({
      inputTokens: 20,
      cachedInputTokens: 10,
      outputTokens: 12,
      reasoningTokens: 4,
    });
    expect(tokenUsage({ prompt_tokens: 5, total_tokens: 5 })).toEqual({ inputTokens: 5 });
    expect(tokenUsage({ prompt_tokens: 3, prompt_tokens_details: { cached_tokens: 9 } })).toEqual({ inputTokens: 0, cachedInputTokens: 3 });
    expect(tokenUsage({ prompt_tokens: -1, completion_tokens: "7" })).toBeUndefined();
    expect(tokenUsage(null)).toBeUndefined();
  });

  it("reads chat and Responses output", () => {
    expect(chatOutput({ choices: [{ message: { content: "a" } }, { message: { content: "b" } }] })).toEqual(["a", "b"]);
    expect(chatOutput({ choices: [{ message: { content: null, refusal: "no" } }] })).toEqual({ refusal: "no" });
    expect(chatOutput({ choices: [{ message: { content: null } }] })).toBeUndefined();
    expect(responsesOutput({ output: [{ type: "message", content: [{ type: "output_text", text: "x" }, { type: "output_text", text: "y" }] }] })).toBe("xy");
  });

  it("reads choices, tool calls and output items in place, running no getter of a custom parser", () => {
    let reads = 0;
    const getter = (value: unknown) => ({ get: () => (reads++, value), enumerable: true });
    const choice = Object.defineProperty({ message: { content: "hi", tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] } }, "finish_reason", getter("stop"));
    const call = Object.defineProperty({ type: "function_call", name: "g", arguments: "{}" }, "call_id", getter("c2"));
    const { span, calls } = fakeSpan();
    recordResponse(span, { id: "r1", model: "m", choices: [choice] }, "chat");
    expect(calls.output).toBe("hi");
    expect(calls.toolCalls).toEqual([{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }]);
    expect(calls.metadata).not.toHaveProperty("finish_reasons");
    const responses = fakeSpan();
    recordResponse(responses.span, { id: "r2", output: [call, { type: "custom_tool_call", id: "i3", name: "h", input: "x" }] }, "responses");
    expect(responses.calls.toolCalls).toEqual([
      { id: undefined, type: "function", function: { name: "g", arguments: "{}" } },
      { id: "i3", type: "custom", function: { name: "h", arguments: "x" } },
    ]);
    expect(reads).toBe(0);
  });

  it("records a failed Responses object as a failed span", () => {
    const { span, calls } = fakeSpan();
    recordResponse(span, { id: "r", status: "failed", error: { message: "server exploded" } }, "responses");
    expect(calls.failed).toBe("server exploded");
    expect(calls.metadata).toMatchObject({ response_id: "r", finish_reasons: ["failed"] });
  });
});

describe("stream accumulators", () => {
  it("assembles chat text, refusals and interleaved tool calls by index; keeps the last usage", () => {
    const acc = createAccumulator("chat");
    const c = (delta: unknown, finish: string | null = null, index = 0) => ({ id: "s", model: "m", choices: [{ index, delta, finish_reason: finish }] });
    acc.add(c({ role: "assistant", content: "He" }));
    acc.add(c({ content: "llo" }));
    acc.add(c({ tool_calls: [{ index: 1, id: "b", type: "function", function: { name: "g", arguments: "" } }] }));
    acc.add(c({ tool_calls: [{ index: 0, id: "a", type: "function", function: { name: "f", arguments: '{"x"' } }] }));
    acc.add(c({ tool_calls: [{ index: 0, function: { arguments: ":1}" } }, { index: 1, function: { arguments: "{}" } }] }));
    acc.add(c({}, "tool_calls"));
    acc.add({ id: "s", choices: [], usage: { prompt_tokens: 1 } });
    acc.add("garbage");
    acc.add({ choices: "garbage" });
    expect(acc.response()).toEqual({
      id: "s",
      model: "m",
      usage: { prompt_tokens: 1 },
      choices: [
        {
          index: 0,
          finish_reason: "tool_calls",
          message: {
            role: "assistant",
            content: "Hello",
            tool_calls: [
              { id: "a", type: "function", function: { name: "f", arguments: '{"x":1}' } },
              { id: "b", type: "function", function: { name: "g", arguments: "{}" } },
            ],
          },
        },
      ],
    });
  });

  it("skips text when content capture is off", () => {
    const acc = createAccumulator("chat", false);
    acc.add({ choices: [{ index: 0, delta: { content: "secret" } }] });
    expect(JSON.stringify(acc.response())).not.toContain("secret");
  });

  it("rebuilds a partial Responses result before response.completed, the final one after", () => {
    const acc = createAccumulator("responses");
    acc.add({ type: "response.created", response: { id: "r1", model: "m" } });
    acc.add({ type: "response.output_text.delta", delta: "Hi " });
    acc.add({ type: "response.output_text.delta", delta: "there" });
    acc.add({ type: "response.output_item.done", item: { type: "function_call", call_id: "c", name: "f", arguments: "{}" } });
    expect(acc.response()).toEqual({ id: "r1", model: "m", output_text: "Hi there", output: [{ type: "function_call", call_id: "c", name: "f", arguments: "{}" }] });
    acc.add({ type: "response.completed", response: { id: "r1", model: "m2", status: "completed", output: [] } });
    expect(acc.response()).toMatchObject({ id: "r1", model: "m2", status: "completed", output_text: "Hi there" });
  });

  it("recognises only the usage-only chunk", () => {
    expect(isUsageOnlyChunk({ choices: [], usage: { prompt_tokens: 1 } })).toBe(true);
    expect(isUsageOnlyChunk({ choices: [], usage: null })).toBe(false);
    expect(isUsageOnlyChunk({ choices: [], prompt_filter_results: [] })).toBe(false);
    expect(isUsageOnlyChunk({ choices: [{}], usage: {} })).toBe(false);
    expect(isUsageOnlyChunk(null)).toBe(false);
  });

  it("tells token chunks from role-only chunks, usage chunks and lifecycle events", () => {
    expect(isTokenChunk({ choices: [{ delta: { role: "assistant", content: "" } }] }, "chat")).toBe(false);
    expect(isTokenChunk({ choices: [{ delta: { content: "a" } }] }, "chat")).toBe(true);
    expect(isTokenChunk({ choices: [{ delta: { tool_calls: [{ index: 0 }] } }] }, "chat")).toBe(true);
    expect(isTokenChunk({ choices: [], usage: {} }, "chat")).toBe(false);
    expect(isTokenChunk({ choices: [{ text: "x" }] }, "completions")).toBe(true);
    expect(isTokenChunk({ type: "response.created" }, "responses")).toBe(false);
    expect(isTokenChunk({ type: "response.output_text.delta", delta: "x" }, "responses")).toBe(true);
    expect(isTokenChunk("junk", "chat")).toBe(false);
  });
});
