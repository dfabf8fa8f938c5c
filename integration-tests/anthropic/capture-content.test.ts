/**
 * `captureContent: false`: prompts, outputs, tool arguments and text-bearing request parameters
 * are dropped; model, tokens, timings, tool names and the rest of the metadata are kept.
 */
import { describe, expect, it } from "vitest";
import { agentTrace } from "@tracium/core";
import { MODEL, RESPONSE_MODEL, VERSIONS, client, message, replyJson, replyStream, sseBody, streamEvents } from "./fixtures.js";
import { endedTrace, llmSpans, useTracium } from "./harness.js";

useTracium({ captureContent: false });

const SECRET = "my secret prompt";

describe.each(VERSIONS)("$label with captureContent: false", (v) => {
  it("drops text (non-stream and stream) and keeps usage, model and metadata", async () => {
    const usage = { input_tokens: 10, output_tokens: 3, cache_creation_input_tokens: 4, cache_read_input_tokens: 6 };
    replyJson(v, message({ text: "secret answer", toolUse: [{ id: "toolu_1", name: "lookup", input: { q: SECRET } }], usage }));
    replyStream(v, sseBody(streamEvents({ text: ["secret ", "stream"], toolUse: { id: "toolu_2", name: "lookup", jsonParts: ['{"q": "secret"}'] } })));
    const anthropic = client(v);
    let traceId = "";
    await agentTrace({ agentName: "no-content" }, async (t) => {
      traceId = t.id;
      await anthropic.messages.create({ model: MODEL, max_tokens: 32, system: SECRET, stop_sequences: ["SECRET-STOP"], messages: [{ role: "user", content: SECRET }] });
      await anthropic.messages.stream({ model: MODEL, max_tokens: 32, system: SECRET, messages: [{ role: "user", content: SECRET }] }).finalMessage();
    });
    const spans = llmSpans(traceId);
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.input).toBeUndefined();
      expect(span.output).toBeUndefined();
      expect(JSON.stringify(span)).not.toMatch(/secret/i);
      expect(span.modelId).toBe(RESPONSE_MODEL);
      expect(span.metadata).toMatchObject({ provider: "anthropic", operation: "chat", request_model: MODEL, response_model: RESPONSE_MODEL, request_params: { max_tokens: 32 } });
      expect(span.toolCalls).toHaveLength(1);
      expect(span.toolCalls![0]).toMatchObject({ type: "tool_use", name: "lookup" });
      expect(span.toolCalls![0]).not.toHaveProperty("input");
    }
    expect(spans[0]!.usage).toEqual({ inputTokens: 10, outputTokens: 3, cachedInputTokens: 6, cacheCreationInputTokens: 4 });
    expect(spans[0]!.metadata.request_params).toEqual({ max_tokens: 32 });
    expect(typeof spans[1]!.metadata.time_to_first_token_ms).toBe("number");
    expect(endedTrace(traceId)!.systemPrompt).toBeUndefined();
  });
});
