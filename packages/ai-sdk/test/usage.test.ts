import { describe, expect, it } from "vitest";
import { callUsage, embeddingUsage } from "../src/usage.js";

describe("callUsage: the Tracium token rule for every AI SDK usage shape", () => {
  it("specification v3/v4 (ai 6/7 providers): uncached input, cache reads and writes, output with reasoning", () => {
    const usage = { inputTokens: { total: 100, noCache: 60, cacheRead: 30, cacheWrite: 10 }, outputTokens: { total: 50, text: 20, reasoning: 30 } };
    expect(callUsage(usage, "openai.responses")).toEqual({ inputTokens: 60, cachedInputTokens: 30, cacheCreationInputTokens: 10, outputTokens: 50, reasoningTokens: 30 });
  });

  it("v3 without noCache: total minus both cache counts", () => {
    expect(callUsage({ inputTokens: { total: 100, cacheRead: 30, cacheWrite: 10 }, outputTokens: { total: 5 } }, "google.generative-ai")).toMatchObject({ inputTokens: 60 });
  });

  it("v2 (ai 5) OpenAI: inputTokens include the cached tokens, which are subtracted", () => {
    expect(callUsage({ inputTokens: 100, outputTokens: 40, totalTokens: 140, cachedInputTokens: 32, reasoningTokens: 8 }, "openai.chat")).toEqual({
      inputTokens: 68,
      cachedInputTokens: 32,
      outputTokens: 40,
      reasoningTokens: 8,
    });
  });

  it("v2 (ai 5) Anthropic: inputTokens exclude both cache counts (kept); cache writes from provider metadata", () => {
    const metadata = { anthropic: { cacheCreationInputTokens: 12 } };
    expect(callUsage({ inputTokens: 100, outputTokens: 40, cachedInputTokens: 32 }, "anthropic.messages", metadata)).toEqual({
      inputTokens: 100,
      cachedInputTokens: 32,
      cacheCreationInputTokens: 12,
      outputTokens: 40,
    });
  });

  it("the SDK's LanguageModelUsage (inputTokenDetails)", () => {
    const usage = { inputTokens: 90, inputTokenDetails: { noCacheTokens: 50, cacheReadTokens: 40 }, outputTokens: 9, outputTokenDetails: { reasoningTokens: 3 } };
    expect(callUsage(usage, "openai.chat")).toEqual({ inputTokens: 50, cachedInputTokens: 40, outputTokens: 9, reasoningTokens: 3 });
  });

  it("garbage gives nothing, never throws, runs no getter", () => {
    let called = false;
    const hostile = {
      get inputTokens() {
        called = true;
        return 5;
      },
    };
    for (const bad of [undefined, null, 3, "x", [], { inputTokens: -1 }, { inputTokens: Number.NaN }, hostile]) expect(callUsage(bad, "openai.chat")).toBeUndefined();
    expect(called).toBe(false);
    expect(embeddingUsage({ tokens: 7 })).toEqual({ inputTokens: 7 });
    expect(embeddingUsage({})).toBeUndefined();
  });
});
