/**
 * generateText with a two-step tool loop, generateObject, embed/embedMany and provider errors, on
 * `ai` 5, 6 and 7 against the local fake provider: the span tree, the tool links, per-step usage
 * and the trace summary (usage counted once, never the operation's total on top).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { agentTrace, type MemoryExporter, type SpanData } from "@tracium/core";
import { z } from "zod";
import type { FakeProvider } from "../../examples/fake-provider/index.mjs";
import { setupTracing } from "../helpers/tracing.js";
import { VERSIONS, fakeProvider, steps, weatherTools } from "./harness.js";

const LONG = "Please tell me, in plain words and with care for detail, what the weather is like today in Paris, and whether I should take an umbrella with me when I go out for a long walk along the river this afternoon with my family and our dog";

let fake: FakeProvider;
let memory: MemoryExporter;
beforeAll(async () => {
  fake = await fakeProvider();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  memory = setupTracing();
});

const byType = (spans: SpanData[], type: string): SpanData[] => spans.filter((s) => s.spanType === type);

for (const v of VERSIONS) {
  describe.skipIf(v.skip)(`${v.label}${v.skip ? ` (skipped: ${v.skip})` : ""}`, () => {
    it("generateText with a two-step tool loop: chain → llm, tool, llm; links; per-step usage; summary", async () => {
      const { ai, openai } = await v.load();
      const provider = openai({ apiKey: "sk-fake", baseURL: fake.openaiBaseURL });
      const runs: string[] = [];
      const result = await agentTrace({ agentName: "weather-bot" }, () =>
        ai.generateText({ model: provider.chat("gpt-4o-mini"), prompt: LONG, tools: weatherTools(ai, runs), stopWhen: steps(ai, 3) }),
      );
      expect(result.text).toContain("Sunny in Paris");
      expect(runs).toEqual(["Paris"]);

      const spans = memory.spans();
      const [chain] = byType(spans, "chain");
      expect(chain).toBeDefined();
      expect(chain!.name).toBe("ai.generateText");
      expect(chain!.output).toBe(result.text);
      const llms = byType(spans, "llm");
      const tools = byType(spans, "tool");
      expect(llms).toHaveLength(2);
      expect(tools).toHaveLength(1);
      for (const s of [...llms, ...tools]) expect(s.parentSpanId).toBe(chain!.id);
      const [first, second] = llms;
      expect(first!.metadata.provider).toBe("openai");
      expect(first!.modelId).toBe("gpt-4o-mini");
      expect(first!.metadata.finish_reason).toBe("tool-calls");
      expect(second!.metadata.finish_reason).toBe("stop");
      expect(first!.tools).toEqual([expect.objectContaining({ type: "function", function: expect.objectContaining({ name: "get_weather" }) })]);
      const callId = (first!.toolCalls as Array<{ id: string }>)[0]!.id;
      expect(callId).toMatch(/^call_/);
      expect(tools[0]!.name).toBe("get_weather");
      expect(tools[0]!.metadata.tool_call_id).toBe(callId);
      expect(tools[0]!.metadata.llm_span_id).toBe(first!.id);
      expect(second!.metadata.tool_results_for).toEqual([callId]);
      expect(second!.metadata.tool_span_ids).toEqual([tools[0]!.id]);

      // Per-step usage as the provider reported it (prompt_tokens include the 32 cached ones).
      const usage = result.steps.map((s: any) => s.usage);
      for (const [i, llm] of llms.entries()) {
        const reported = usage[i].inputTokens as number;
        expect(llm.usage.cachedInputTokens).toBe(32);
        expect(llm.usage.inputTokens).toBe(reported - 32);
        expect(llm.usage.outputTokens).toBe(usage[i].outputTokens);
      }
      expect(chain!.usage.inputTokens ?? 0).toBe(0);
      const [trace] = memory.traces();
      const summary = trace!.summary as Record<string, number>;
      expect(summary.llm_calls).toBe(2);
      expect(summary.input_tokens).toBe(llms[0]!.usage.inputTokens! + llms[1]!.usage.inputTokens!);
      expect(summary.cached_input_tokens).toBe(64);
      expect(summary.input_tokens + summary.cached_input_tokens).toBe(result.totalUsage.inputTokens);
      expect(summary.output_tokens).toBe(result.totalUsage.outputTokens);
    });

    it("@ai-sdk/anthropic: the Anthropic usage rule (input excludes cache reads, kept as is), provider anthropic", async () => {
      const { ai, anthropic } = await v.load();
      const provider = anthropic({ apiKey: "sk-ant-fake", baseURL: `${fake.anthropicBaseURL}/v1` });
      const system = "You are a weather assistant. Answer briefly and use the tool. ".repeat(6);
      const result = await agentTrace({ agentName: "claude-bot" }, () =>
        ai.generateText({ model: provider("claude-sonnet-4-6"), system, prompt: "What is the weather in Lyon?", tools: weatherTools(ai), stopWhen: steps(ai, 3) }),
      );
      expect(result.text).toContain("Sunny in Lyon");
      const llms = byType(memory.spans(), "llm");
      expect(llms).toHaveLength(2);
      for (const [i, llm] of llms.entries()) {
        const usage = result.steps[i].usage;
        // ai 5 reports Anthropic's input_tokens as is; ai 6/7 as inputTokenDetails.noCacheTokens.
        const uncached = v.major === 5 ? usage.inputTokens : usage.inputTokenDetails.noCacheTokens;
        expect(llm.metadata.provider).toBe("anthropic");
        expect(llm.usage.inputTokens).toBe(uncached);
        expect(llm.usage.cachedInputTokens).toBe(48);
        expect(llm.usage.outputTokens).toBe(usage.outputTokens);
      }
      expect(byType(memory.spans(), "tool")[0]!.metadata.tool_call_id).toMatch(/^toolu_/);
      expect((llms[0]!.input as { messages: Array<{ role: string }> }).messages[0]!.role).toBe("system");
    });

    it("generateObject → chain span with the object, one llm span", async () => {
      const { ai, openai } = await v.load();
      if (typeof ai.generateObject !== "function") return;
      const provider = openai({ apiKey: "sk-fake", baseURL: fake.openaiBaseURL });
      const result = await agentTrace({ agentName: "object-bot" }, () =>
        ai
          .generateObject({ model: provider.chat("gpt-4o-mini"), schema: z.object({ answer: z.string() }), prompt: "Reply as JSON" })
          .then((r: any) => r, (err: any) => ({ error: err })),
      );
      const spans = memory.spans();
      if (v.major === 7) {
        // ai 7 deprecates generateObject and publishes nothing for it on its channel.
        expect(byType(spans, "chain")).toHaveLength(0);
        return;
      }
      const [chain] = byType(spans, "chain");
      expect(chain!.name).toBe("ai.generateObject");
      expect(byType(spans, "llm")).toHaveLength(1);
      expect(byType(spans, "llm")[0]!.parentSpanId).toBe(chain!.id);
      if (!("error" in result)) expect(chain!.output).toEqual(result.object);
      else expect(chain!.status).toBe("failed");
    });

    it("embed and embedMany → embedding spans with usage", async () => {
      const { ai, openai } = await v.load();
      const provider = openai({ apiKey: "sk-fake", baseURL: fake.openaiBaseURL });
      const model = provider.embedding ? provider.embedding("text-embedding-3-small") : provider.textEmbeddingModel("text-embedding-3-small");
      const one = await agentTrace({ agentName: "embedder" }, () => ai.embed({ model, value: "hello world" }));
      const many = await agentTrace({ agentName: "embedder" }, () => ai.embedMany({ model, values: ["a b", "c d e"] }));
      const spans = byType(memory.spans(), "embedding");
      expect(spans.map((s) => s.name)).toEqual(["ai.embed", "ai.embedMany"]);
      expect(spans[0]!.usage.inputTokens).toBe(one.usage.tokens);
      expect(spans[1]!.usage.inputTokens).toBe(many.usage.tokens);
      expect(spans[1]!.output).toEqual({ count: 2, dimensions: many.embeddings[0].length });
      expect(spans[0]!.modelId).toBe("text-embedding-3-small");
    });

    it("a provider error: the same error reaches the caller, the spans are failed", async () => {
      const { ai, raw, openai } = await v.load();
      const provider = openai({ apiKey: "sk-fake", baseURL: fake.openaiBaseURL });
      const untraced = await raw.generateText({ model: provider.chat("model-error"), prompt: "hi", maxRetries: 0 }).catch((e: unknown) => e);
      memory.reset();
      const traced = await agentTrace({ agentName: "err" }, () => ai.generateText({ model: provider.chat("model-error"), prompt: "hi", maxRetries: 0 })).catch((e: unknown) => e);
      expect(traced).toBeInstanceOf(Error);
      expect((traced as Error).constructor).toBe((untraced as Error).constructor);
      expect((traced as Error).message).toBe((untraced as Error).message);
      const spans = memory.spans();
      const [chain] = byType(spans, "chain");
      const [llm] = byType(spans, "llm");
      expect(chain!.status).toBe("failed");
      expect(llm!.status).toBe("failed");
      expect(llm!.error).toContain("does not exist");
    });
  });
}
