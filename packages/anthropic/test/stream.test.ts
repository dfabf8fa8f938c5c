import { describe, expect, it } from "vitest";
import { MessageAccumulator } from "../src/stream.js";
import { outputText, recordMessage, responseMetadata, tokenUsage, toolCalls } from "../src/response.js";
import { isStreamRequest, requestInput, requestModel, requestParams, requestTools } from "../src/request.js";

function start(usage: Record<string, unknown>) {
  return { type: "message_start", message: { id: "m1", model: "claude-x", role: "assistant", content: [], usage } };
}

describe("MessageAccumulator", () => {
  it("assembles text and tool input, and overwrites usage with message_delta's running totals", () => {
    const acc = new MessageAccumulator();
    const firsts = [
      start({ input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 4, cache_read_input_tokens: 6 }),
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "lo" } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "tu1", name: "get", input: {} } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "" } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"city": "Pa' } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: 'ris"}' } },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 3, input_tokens: null } },
      { type: "message_delta", delta: {}, usage: { output_tokens: 9, cache_read_input_tokens: 7 } },
      { type: "message_stop" },
    ].map((e) => acc.add(e));
    expect(firsts.filter(Boolean)).toHaveLength(1);
    expect(firsts[2]).toBe(true);
    const m = acc.message();
    expect(outputText(m)).toBe("Hello");
    expect(toolCalls(m)).toEqual([{ id: "tu1", type: "tool_use", name: "get", input: { city: "Paris" } }]);
    expect(tokenUsage(m.usage)).toEqual({ inputTokens: 10, outputTokens: 9, cachedInputTokens: 7, cacheCreationInputTokens: 4 });
    expect(responseMetadata(m)).toEqual({ response_model: "claude-x", response_id: "m1", finish_reasons: ["tool_use"] });
  });

  it("keeps a cut tool input as the raw partial string", () => {
    const acc = new MessageAccumulator();
    acc.add(start({ input_tokens: 1, output_tokens: 1 }));
    acc.add({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "a", name: "n", input: {} } });
    acc.add({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"q": "ab' } });
    expect(toolCalls(acc.message())).toEqual([{ id: "a", type: "tool_use", name: "n", input: '{"q": "ab' }]);
  });

  it("ignores malformed events without throwing", () => {
    const acc = new MessageAccumulator();
    const weird: unknown[] = [
      null, undefined, 1, "x", [], { type: "content_block_delta", index: 99, delta: { type: "text_delta", text: "x" } },
      { type: "content_block_start", index: -1, content_block: {} }, { type: "content_block_start", index: 1e12, content_block: { type: "text" } },
      { type: "message_delta", usage: "bad" }, { type: "message_start", message: { content: "nope", usage: [] } },
      Object.create(null),
      new Proxy({}, { get() { throw new Error("boom"); } }),
    ];
    for (const e of weird) expect(() => acc.add(e)).not.toThrow();
    expect(() => acc.message()).not.toThrow();
  });
});

describe("request and response extraction", () => {
  it("reads the request", () => {
    const params = { model: "m", max_tokens: 5, temperature: 0, system: "sys", messages: [{ role: "user", content: "hi" }], tools: [{ name: "t" }], stream: true, top_k: null };
    expect(requestModel(params)).toBe("m");
    expect(isStreamRequest(params)).toBe(true);
    expect(requestParams(params)).toEqual({ max_tokens: 5, temperature: 0 });
    expect(requestInput(params)).toEqual({ system: "sys", messages: [{ role: "user", content: "hi" }] });
    expect(requestTools(params)).toEqual([{ name: "t" }]);
    for (const bad of [undefined, null, 3, "s", []]) {
      expect(requestModel(bad)).toBeUndefined();
      expect(requestParams(bad)).toBeUndefined();
      expect(requestInput(bad)).toBeUndefined();
      expect(requestTools(bad)).toBeUndefined();
    }
  });

  it("joins text blocks with a newline and has no output for a tool-only reply", () => {
    expect(outputText({ content: [{ type: "text", text: "a" }, { type: "tool_use" }, { type: "text", text: "b" }] })).toBe("a\nb");
    expect(outputText({ content: [{ type: "tool_use", id: "x", name: "y", input: {} }] })).toBeUndefined();
  });

  it("maps usage without adding cache counts into input", () => {
    expect(tokenUsage({ input_tokens: 10, output_tokens: 3, cache_read_input_tokens: 6, cache_creation_input_tokens: 4, output_tokens_details: { thinking_tokens: 2 } }))
      .toEqual({ inputTokens: 10, outputTokens: 3, cachedInputTokens: 6, cacheCreationInputTokens: 4, reasoningTokens: 2 });
    expect(tokenUsage({ input_tokens: -1, output_tokens: "3", cache_read_input_tokens: null })).toBeUndefined();
  });

  it("recordMessage tolerates junk", () => {
    const calls: string[] = [];
    const span = new Proxy({}, { get: (_t, k) => () => calls.push(String(k)) }) as never;
    expect(() => recordMessage(span, { content: 5, usage: 7, model: 1 })).not.toThrow();
    expect(() => recordMessage(span, null)).not.toThrow();
  });
});
