import { describe, expect, it } from "vitest";
import { chatOutput, responseMetadata, tokenUsage } from "../src/response.js";
import { field } from "../src/read.js";
import { StreamAccumulator, isTokenEvent } from "../src/stream.js";
import { requestParams } from "../src/request.js";
import { hostileValues } from "../../../integration-tests/helpers/hostile.js";

describe("mistral extractors", () => {
  it("usage: camelCase counts, cached tokens (as reported) taken out of the input", () => {
    expect(tokenUsage({ promptTokens: 10, completionTokens: 4, prompt_tokens_details: { cached_tokens: 3 } })).toEqual({ inputTokens: 7, cachedInputTokens: 3, outputTokens: 4 });
    expect(tokenUsage({ promptTokens: 10, completionTokens: 4, num_cached_tokens: 20 })).toEqual({ inputTokens: 0, cachedInputTokens: 10, outputTokens: 4 });
    expect(tokenUsage({ promptTokens: -1, completionTokens: "4" })).toBeUndefined();
    expect(tokenUsage(null)).toBeUndefined();
  });

  it("stream: text and tool calls assembled from { data } events; malformed events skipped", () => {
    const acc = new StreamAccumulator(true);
    for (const e of [null, 3, { data: null }, { data: { id: "c1", model: "m", choices: [{ index: 0, delta: { content: "Hi" } }] } }, { data: { choices: [{ delta: { content: [{ type: "text", text: " there" }] } }] } }, { data: { choices: [{ delta: { toolCalls: [{ id: "t1", function: { name: "f", arguments: { a: 1 } } }] }, finishReason: "tool_calls" }], usage: { promptTokens: 2 } } }]) acc.add(e);
    expect(acc.events).toBe(3);
    expect(acc.response()).toEqual({
      id: "c1",
      model: "m",
      usage: { promptTokens: 2 },
      choices: [{ index: 0, message: { role: "assistant", content: "Hi there", toolCalls: [{ id: "t1", type: "function", function: { name: "f", arguments: { a: 1 } } }] }, finishReason: "tool_calls" }],
    });
    expect(isTokenEvent({ data: { choices: [{ delta: { content: "" } }] } })).toBe(false);
    expect(isTokenEvent({ data: { choices: [{ delta: { content: "x" } }] } })).toBe(true);
  });

  it("request params under their wire names; stop only with content capture", () => {
    const req = { model: "m", maxTokens: 5, topP: 0.9, stop: ["END"], responseFormat: { type: "json_schema", jsonSchema: { name: "s", schemaDefinition: {} } } };
    expect(requestParams(req, true)).toEqual({ max_tokens: 5, top_p: 0.9, stop: ["END"], response_format: { type: "json_schema", name: "s" } });
    expect(requestParams(req, false)).not.toHaveProperty("stop");
  });

  it("reads plain data only: no getter or Proxy trap of a request or response runs, and what is plain is still read", () => {
    const { hostile, withGetter, runs } = hostileValues();
    const response = withGetter({ id: "c1", model: "m", choices: [{ message: { content: "ok" }, finishReason: "stop" }], usage: { promptTokens: 2, completionTokens: 1 } }, "system_fingerprint");
    const request = withGetter({ model: "m", maxTokens: 5 }, "tools");
    const out = { chatOutput: chatOutput(response), usage: tokenUsage(field(response, "usage")), params: requestParams(request, true), meta: responseMetadata(response) };
    expect(out.chatOutput).toBe("ok");
    expect(out.usage).toEqual({ inputTokens: 2, outputTokens: 1 });
    expect(out.params).toEqual({ max_tokens: 5 });
    expect(JSON.stringify(out.meta)).not.toContain("trap");
    // A Proxy anywhere in the value is not entered.
    tokenUsage(hostile());
    responseMetadata({ choices: hostile(), message: hostile() });
    requestParams(hostile(), true);
    expect(runs()).toBe(0);
  });
});
