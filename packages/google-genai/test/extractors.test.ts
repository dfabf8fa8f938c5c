import { describe, expect, it } from "vitest";
import { outputText, responseMetadata, tokenUsage, toolCalls } from "../src/response.js";
import { ResponseAccumulator, isTokenChunk } from "../src/stream.js";
import { requestInput, requestModel, requestParams, requestTools } from "../src/request.js";
import { hostileValues } from "../../../integration-tests/helpers/hostile.js";

describe("tokenUsage", () => {
  it("subtracts cached tokens from the prompt, adds tool-use prompt tokens, counts thoughts as output and reasoning", () => {
    expect(
      tokenUsage({ promptTokenCount: 1000, cachedContentTokenCount: 600, toolUsePromptTokenCount: 50, candidatesTokenCount: 200, thoughtsTokenCount: 100 }),
    ).toEqual({ inputTokens: 450, cachedInputTokens: 600, outputTokens: 300, reasoningTokens: 100 });
  });

  it("leaves absent counts unset and ignores invalid ones", () => {
    expect(tokenUsage({ promptTokenCount: 7 })).toEqual({ inputTokens: 7 });
    expect(tokenUsage({ promptTokenCount: -1, candidatesTokenCount: "3" })).toBeUndefined();
    expect(tokenUsage(null)).toBeUndefined();
  });
});

describe("response extractors", () => {
  const response = {
    candidates: [
      {
        content: { role: "model", parts: [{ text: "thinking…", thought: true }, { text: "Hi " }, { text: "there" }, { functionCall: { name: "f", args: { a: 1 } } }, { functionCall: { id: "c-2", name: "g", args: {} } }] },
        finishReason: "STOP",
      },
    ],
    modelVersion: "gemini-x-001",
    responseId: "r1",
  };

  it("joins the first candidate's text parts, leaving thoughts out", () => {
    expect(outputText(response)).toBe("Hi there");
  });

  it("turns functionCall parts into tool calls, giving id-less calls a span-scoped id", () => {
    expect(toolCalls(response, "S")).toEqual([
      { id: "S:0", type: "function_call", name: "f", input: { a: 1 } },
      { id: "c-2", type: "function_call", name: "g", input: {} },
    ]);
  });

  it("records model, id, finish reasons and a blocked prompt", () => {
    expect(responseMetadata(response)).toEqual({ response_model: "gemini-x-001", response_id: "r1", finish_reasons: ["STOP"] });
    expect(responseMetadata({ promptFeedback: { blockReason: "SAFETY" } })).toEqual({ blocked: true, block_reason: "SAFETY" });
  });
});

describe("ResponseAccumulator", () => {
  it("concatenates text, keeps function calls, and takes usage from the last chunk that has it", () => {
    const acc = new ResponseAccumulator();
    acc.add({ candidates: [{ content: { parts: [{ text: "Hel" }] } }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 1 } });
    acc.add({ candidates: [{ content: { parts: [{ text: "lo" }] } }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2 } });
    acc.add({ candidates: [{ content: { parts: [{ functionCall: { name: "f", args: {} } }] }, finishReason: "STOP" }], modelVersion: "m" });
    const r = acc.response();
    expect(outputText(r)).toBe("Hello");
    expect(tokenUsage(r.usageMetadata)).toEqual({ inputTokens: 5, outputTokens: 2 });
    expect(toolCalls(r, "S")).toHaveLength(1);
    expect(responseMetadata(r)).toMatchObject({ response_model: "m", finish_reasons: ["STOP"] });
  });

  it("tells token chunks from empty ones", () => {
    expect(isTokenChunk({ candidates: [{ content: { parts: [{ text: "a" }] } }] })).toBe(true);
    expect(isTokenChunk({ candidates: [{ content: { parts: [{ text: "" }] } }] })).toBe(false);
    expect(isTokenChunk({ usageMetadata: {} })).toBe(false);
  });
});

describe("request extractors", () => {
  it("reads model, system instruction, contents, function declarations and config params", () => {
    const params = {
      model: "models/gemini-2.5-pro",
      contents: "Hi",
      config: { systemInstruction: { parts: [{ text: "Be brief." }] }, temperature: 0, tools: [{ functionDeclarations: [{ name: "f", description: "d", parameters: { type: "OBJECT" } }] }, { googleSearch: {} }] },
    };
    expect(requestModel(params)).toBe("gemini-2.5-pro");
    expect(requestInput(params)).toEqual({ system: "Be brief.", messages: ["Hi"] });
    expect(requestTools(params)).toEqual([{ type: "function", name: "f", description: "d", parameters: { type: "OBJECT" } }, { type: "googleSearch" }]);
    expect(requestParams(params)).toEqual({ temperature: 0 });
  });
});

describe("plain data only", () => {
  it("no getter or Proxy trap of the parameters or the response runs; what is plain is still read", async () => {
    const { outputText, responseMetadata, tokenUsage } = await import("../src/response.js");
    const { requestInput, requestParams, requestTools } = await import("../src/request.js");
    const { hostile, withGetter: getter, runs } = hostileValues();
    const response = getter({ candidates: [{ content: { role: "model", parts: [{ text: "ok" }] }, finishReason: "STOP" }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2 } }, "promptFeedback");
    const params = getter({ model: "gemini-2.5-flash", contents: "hi", config: getter({ temperature: 0.2 }, "maxOutputTokens") }, "tools");
    expect(outputText(response)).toBe("ok");
    expect(tokenUsage(response.usageMetadata)).toMatchObject({ inputTokens: 3, outputTokens: 2 });
    expect(requestParams(params)).toEqual({ temperature: 0.2 });
    requestInput(params);
    requestTools(params);
    responseMetadata(response);
    outputText({ candidates: hostile() });
    responseMetadata(hostile());
    requestInput({ contents: [hostile()], config: hostile() });
    expect(runs()).toBe(0);
  });
});
