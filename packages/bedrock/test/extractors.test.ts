import { describe, expect, it } from "vitest";
import { converseInput, converseTools, messageText, messageToolCalls } from "../src/converse.js";
import { ConverseStreamAccumulator } from "../src/converse-stream.js";
import { InvokeStreamAccumulator, invokeRequest, invokeResult } from "../src/invoke.js";
import { operationOf, tracedCommand } from "../src/instrument.js";
import { anthropicUsage, converseUsage, invocationMetricsUsage } from "../src/usage.js";
import { hostileValues } from "../../../integration-tests/helpers/hostile.js";

const bytes = (v: unknown) => ({ chunk: { bytes: new TextEncoder().encode(JSON.stringify(v)) } });

describe("usage", () => {
  it("keeps Bedrock's inputTokens (it excludes cache reads and writes) and reports the cache counts apart", () => {
    expect(converseUsage({ inputTokens: 12, outputTokens: 3, cacheReadInputTokens: 100, cacheWriteInputTokens: 40, totalTokens: 155 })).toEqual({
      inputTokens: 12,
      outputTokens: 3,
      cachedInputTokens: 100,
      cacheCreationInputTokens: 40,
    });
    expect(converseUsage({ inputTokens: 1, cacheReadInputTokenCount: 2, cacheWriteInputTokenCount: 3 })).toEqual({ inputTokens: 1, cachedInputTokens: 2, cacheCreationInputTokens: 3 });
    expect(anthropicUsage({ input_tokens: 4, output_tokens: 5, cache_read_input_tokens: 6 })).toEqual({ inputTokens: 4, outputTokens: 5, cachedInputTokens: 6 });
    expect(invocationMetricsUsage({ inputTokenCount: 7, outputTokenCount: 8 })).toEqual({ inputTokens: 7, outputTokens: 8 });
    expect(converseUsage({ inputTokens: -1 })).toBeUndefined();
  });
});

describe("Converse", () => {
  it("reads system, messages, tools, text and tool uses", () => {
    expect(converseInput({ system: [{ text: "a" }, { text: "b" }], messages: [] })).toEqual({ system: "a\nb", messages: [] });
    expect(converseTools({ toolConfig: { tools: [{ toolSpec: { name: "f", inputSchema: { json: { type: "object" } } } }, { cachePoint: { type: "default" } }] } })).toEqual([
      { type: "function", name: "f", parameters: { type: "object" } },
      { type: "cachePoint" },
    ]);
    const message = { content: [{ text: "Hi" }, { toolUse: { toolUseId: "t1", name: "f", input: { a: 1 } } }] };
    expect(messageText(message)).toBe("Hi");
    expect(messageToolCalls(message)).toEqual([{ id: "t1", type: "tool_use", name: "f", input: { a: 1 } }]);
  });

  it("rebuilds a streamed output: text, tool input from its deltas, stop reason, usage and metrics from the metadata event", () => {
    const acc = new ConverseStreamAccumulator();
    for (const e of [
      { messageStart: { role: "assistant" } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: "Hel" } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: "lo" } } },
      { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: "t", name: "f" } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"a":' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: "1}" } } } },
      { messageStop: { stopReason: "tool_use" } },
      { metadata: { usage: { inputTokens: 3, outputTokens: 4 }, metrics: { latencyMs: 9 } } },
    ])
      acc.add(e);
    expect(acc.output()).toEqual({
      output: { message: { role: "assistant", content: [{ text: "Hello" }, { toolUse: { toolUseId: "t", name: "f", input: { a: 1 } } }] } },
      stopReason: "tool_use",
      usage: { inputTokens: 3, outputTokens: 4 },
      metrics: { latencyMs: 9 },
    });
  });
});

describe("InvokeModel", () => {
  it("reads request bodies given as a string or bytes, never a stream", () => {
    const body = JSON.stringify({ system: "s", messages: [{ role: "user", content: "hi" }], max_tokens: 9 });
    expect(invokeRequest(body)).toEqual({ input: { system: "s", messages: [{ role: "user", content: "hi" }] }, params: { max_tokens: 9 } });
    expect(invokeRequest(new TextEncoder().encode(JSON.stringify({ prompt: "p" })))).toEqual({ input: { prompt: "p" } });
    expect(invokeRequest({ pipe: () => undefined })).toEqual({});
  });

  it("reads Anthropic response bodies", () => {
    expect(invokeResult({ type: "message", id: "m", model: "x", content: [{ type: "text", text: "a" }, { type: "tool_use", id: "t", name: "f", input: {} }], stop_reason: "tool_use", usage: { input_tokens: 1, output_tokens: 2 } })).toEqual({
      text: "a",
      toolCalls: [{ id: "t", type: "tool_use", name: "f", input: {} }],
      stopReason: "tool_use",
      usage: { inputTokens: 1, outputTokens: 2 },
      model: "x",
      id: "m",
    });
  });

  it("stream: Anthropic events give text and running usage; the first text chunk is the first token", () => {
    const acc = new InvokeStreamAccumulator();
    const firsts = [
      bytes({ type: "message_start", message: { id: "m", model: "x", usage: { input_tokens: 10, output_tokens: 1 } } }),
      bytes({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } }),
      bytes({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 5 } }),
      bytes({ type: "message_stop", "amazon-bedrock-invocationMetrics": { inputTokenCount: 10, outputTokenCount: 5 } }),
    ].map((c) => acc.add(c));
    expect(firsts).toEqual([false, true, false, false]);
    expect(acc.result()).toEqual({ text: "Hi", stopReason: "end_turn", usage: { inputTokens: 10, outputTokens: 5 }, model: "x", id: "m" });
  });

  it("stream: invocation metrics are the usage when the model's events carry none", () => {
    const acc = new InvokeStreamAccumulator();
    acc.add(bytes({ generation: "Hi", stop_reason: null }));
    acc.add(bytes({ generation: "!", stop_reason: "stop", "amazon-bedrock-invocationMetrics": { inputTokenCount: 3, outputTokenCount: 2 } }));
    expect(acc.result()).toEqual({ text: "Hi!", stopReason: "stop", usage: { inputTokens: 3, outputTokens: 2 } });
  });
});

describe("commands", () => {
  it("identifies commands by their schema operation, else by class name", () => {
    expect(operationOf({ schema: [9, "com.amazonaws.bedrockruntime", "ConverseStream"] })).toBe("ConverseStream");
    class InvokeModelCommand {}
    expect(operationOf(new InvokeModelCommand())).toBe("InvokeModel");
    class CountTokensCommand {}
    expect(tracedCommand(new CountTokensCommand())).toBeUndefined();
  });
});

describe("plain data only", () => {
  it("no getter or Proxy trap of the input or the output runs; what is plain is still read", () => {
    const { hostile, withGetter: getter, runs } = hostileValues();
    const message = getter({ role: "assistant", content: [{ text: "ok" }] }, "extra");
    const input = getter({ modelId: "m", messages: [{ role: "user", content: [{ text: "hi" }] }] }, "toolConfig");
    expect(messageText(message)).toBe("ok");
    expect(converseInput(input)).toMatchObject({ messages: [{ role: "user", content: [{ text: "hi" }] }] });
    expect(converseUsage(getter({ inputTokens: 2, outputTokens: 1 }, "cacheReadInputTokens"))).toMatchObject({ inputTokens: 2, outputTokens: 1 });
    converseTools(input);
    messageToolCalls({ role: "assistant", content: [hostile()] });
    converseInput({ messages: hostile(), system: [hostile()] });
    invokeRequest(hostile());
    expect(runs()).toBe(0);
  });
});
