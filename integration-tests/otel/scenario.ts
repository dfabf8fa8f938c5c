/** One agent run with every kind of span, through the public API of the built package. */
import * as tracium from "@tracium/core";

class RateLimitError extends Error {}

export const CHAT_INPUT = {
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Weather in Paris?" },
    { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
    { role: "tool", tool_call_id: "call_1", content: "rainy" },
  ],
};

export const ANTHROPIC_INPUT = {
  system: "You are a travel agent.",
  messages: [
    { role: "user", content: [{ type: "text", text: "Book Paris" }] },
    { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "book", input: { city: "Paris" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "booked" }] },
  ],
};

/** Runs the scenario; returns the Tracium trace id. */
export async function runScenario(): Promise<string> {
  return tracium.agentTrace(
    { agentName: "support-bot", tags: ["vip"], metadata: { tenant: "acme" }, version: "1.2.3" },
    async (trace) => {
      await trace.span(
        {
          spanType: "llm",
          name: "openai.chat",
          metadata: {
            provider: "openai",
            operation: "chat",
            request_model: "gpt-4o",
            stream: true,
            request_params: { temperature: 0.2, max_tokens: 256, top_p: 1, stop: ["END"], seed: 7, n: 2, frequency_penalty: 0.5, presence_penalty: 0 },
          },
          input: CHAT_INPUT,
        },
        (span) => {
          span.setTools([{ type: "function", function: { name: "get_weather", description: "Weather now", parameters: { type: "object" } } }]);
          span.setModelId("gpt-4o-2024-08-06");
          span.setMetadata({
            response_model: "gpt-4o-2024-08-06",
            response_id: "chatcmpl-1",
            finish_reasons: ["stop", "length"],
            time_to_first_token_ms: 123.5,
            system_fingerprint: "fp_1",
          });
          span.setTokenUsage({ inputTokens: 100, cachedInputTokens: 20, cacheCreationInputTokens: 5, outputTokens: 50, reasoningTokens: 10 });
          span.recordOutput(["It is rainy.", "Rainy."]);
        },
      );
      await trace.span(
        { spanType: "llm", name: "anthropic.messages", metadata: { provider: "anthropic", operation: "chat", request_model: "claude-sonnet-4-5", request_params: { max_tokens: 1024, top_k: 5 } }, input: ANTHROPIC_INPUT },
        (span) => {
          span.setMetadata({ response_model: "claude-sonnet-4-5-20250929", response_id: "msg_1", finish_reasons: ["tool_use"] });
          span.setTokenUsage({ inputTokens: 10, cacheCreationInputTokens: 1000, outputTokens: 30 });
          span.setToolCalls([{ id: "toolu_2", type: "tool_use", name: "pay", input: { amount: 10 } }]);
        },
      );
      await trace.span(
        {
          spanType: "embedding",
          name: "openai.embeddings",
          metadata: { provider: "openai", operation: "embeddings", request_model: "text-embedding-3-small", request_params: { dimensions: 256, encoding_format: "float" } },
          input: { input: ["a", "b"] },
        },
        (span) => {
          span.setTokenUsage({ inputTokens: 8 });
          span.recordOutput({ embeddings_count: 2, dimensions: 256 });
        },
      );
      await trace.span({ spanType: "tool", name: "get_weather", metadata: { tool_call_id: "call_1" }, input: { city: "Paris" } }, (span) => {
        span.recordOutput("rainy");
      });
      await trace.span({ spanType: "agent", name: "researcher" }, async (agent) => {
        await agent.span({ spanType: "plan", name: "make-plan", input: { goal: "x" } }, (plan) => {
          plan.recordOutput(["step 1"]);
          plan.setMetadata({ attempt: 2, ratio: 0.5, flag: true, nested: { a: 1 } });
          plan.addTags(["planning"]);
        });
      });
      await trace
        .span({ spanType: "llm", name: "openai.chat", metadata: { provider: "openai", operation: "chat", request_model: "gpt-4o-mini" } }, async (span) => {
          span.setMetadata({ http_status: 429 });
          throw new RateLimitError("slow down");
        })
        .catch(() => undefined);
      return trace.id;
    },
  );
}
