/**
 * Agent runs on `ai` 5, 6 and 7: 20 concurrent runs stay in 20 traces; what the provider receives
 * and what the caller gets are the same with and without tracing; a model backed by the patched
 * `openai` client gives one `llm` span, its usage counted once.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { agentTrace, type MemoryExporter } from "@tracium/core";
import { instrumentOpenAI, uninstrumentOpenAI } from "@tracium/openai";
import { subscribeAiTelemetry, unsubscribeAiTelemetry } from "@tracium/ai-sdk";
import type { FakeProvider } from "../../examples/fake-provider/index.mjs";
import { setupTracing } from "../helpers/tracing.js";
import { VERSIONS, fakeProvider, steps, weatherTools } from "./harness.js";

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

const CITIES = ["Paris", "Oslo", "Rome", "Lima", "Kyiv", "Doha", "Riga", "Baku", "Bern", "Cork", "Graz", "Kobe", "Lyon", "Nice", "Pune", "Sofia", "Turin", "Utrecht", "Vaduz", "Zagreb"];

/** A language model whose calls go through the `openai` client (a user-built model). */
function clientModel(client: OpenAI, spec: "v2" | "v3"): Record<string, unknown> {
  return {
    specificationVersion: spec,
    provider: "custom.openai-client",
    modelId: "gpt-4o-mini",
    supportedUrls: {},
    async doGenerate(options: { prompt: Array<{ role: string; content: unknown }> }) {
      const messages = options.prompt.map((m) => ({
        role: m.role,
        content: typeof m.content === "string" ? m.content : (m.content as Array<{ text?: string }>).map((p) => p.text ?? "").join(""),
      }));
      const r = await client.chat.completions.create({ model: "gpt-4o-mini", messages: messages as never });
      const u = r.usage!;
      const usage =
        spec === "v2"
          ? { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens, totalTokens: u.total_tokens }
          : { inputTokens: { total: u.prompt_tokens, noCache: u.prompt_tokens, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: u.completion_tokens, text: u.completion_tokens, reasoning: 0 } };
      return { content: [{ type: "text", text: r.choices[0]!.message.content }], finishReason: spec === "v2" ? "stop" : { unified: "stop", raw: "stop" }, usage, warnings: [] };
    },
    async doStream() {
      throw new Error("not used");
    },
  };
}

for (const v of VERSIONS) {
  describe.skipIf(v.skip)(`${v.label}${v.skip ? ` (skipped: ${v.skip})` : ""}`, () => {
    it("20 concurrent agent runs (generateText and streamText) stay in 20 traces, not mixed", async () => {
      const { ai, openai } = await v.load();
      const provider = openai({ apiKey: "sk-fake", baseURL: fake.openaiBaseURL });
      const answers = await Promise.all(
        CITIES.map((city, i) =>
          agentTrace({ agentName: `agent-${i}` }, async () => {
            const options = { model: provider.chat("gpt-4o-mini"), prompt: `What is the weather in ${city}?`, tools: weatherTools(ai), stopWhen: steps(ai, 3) };
            if (i % 2 === 0) return (await ai.generateText(options)).text as string;
            let text = "";
            for await (const delta of ai.streamText(options).textStream) text += delta;
            return text;
          }),
        ),
      );
      answers.forEach((text, i) => expect(text).toContain(`Sunny in ${CITIES[i]}`));
      const traces = memory.traces();
      expect(traces).toHaveLength(20);
      for (const trace of traces) {
        const i = Number(trace.agentName.split("-")[1]);
        const spans = memory.spans(trace.id);
        const chain = spans.find((s) => s.spanType === "chain")!;
        const llms = spans.filter((s) => s.spanType === "llm");
        const tools = spans.filter((s) => s.spanType === "tool");
        expect(chain.name).toBe(i % 2 === 0 ? "ai.generateText" : "ai.streamText");
        expect(llms).toHaveLength(2);
        expect(tools).toHaveLength(1);
        expect(tools[0]!.input).toEqual({ city: CITIES[i] });
        expect(tools[0]!.metadata.llm_span_id).toBe(llms[0]!.id);
        for (const s of [...llms, ...tools]) expect(s.parentSpanId).toBe(chain.id);
        expect((llms[1]!.output as { content: string }).content).toContain(`Sunny in ${CITIES[i]}`);
      }
    });

    it("an agent class run (generate, then stream): one parent span per run, its steps and tool beneath", async () => {
      const { ai, openai } = await v.load();
      const provider = openai({ apiKey: "sk-fake", baseURL: fake.openaiBaseURL });
      const AgentClass = ai.ToolLoopAgent ?? ai.Experimental_Agent;
      const agent = new AgentClass({ id: "weather-agent", model: provider.chat("gpt-4o-mini"), tools: weatherTools(ai), stopWhen: steps(ai, 3) });
      const generated = await agentTrace({ agentName: "agent-class" }, () => agent.generate({ prompt: "What is the weather in Graz?" }));
      expect(generated.text).toContain("Sunny in Graz");
      const streamedText = await agentTrace({ agentName: "agent-class" }, async () => {
        const result = await agent.stream({ prompt: "What is the weather in Kobe?" });
        let text = "";
        for await (const delta of result.textStream) text += delta;
        return text;
      });
      expect(streamedText).toContain("Sunny in Kobe");
      const [first, second] = memory.traces();
      for (const [trace, name] of [
        [first!, "generate"],
        [second!, "stream"],
      ] as const) {
        const spans = memory.spans(trace.id);
        const roots = spans.filter((s) => s.parentSpanId === undefined);
        expect(roots).toHaveLength(1);
        // ai 5/6: the agent's own span; ai 7: the generateText/streamText its run is made of.
        if (v.major === 7) expect(roots[0]!.name).toBe(name === "generate" ? "ai.generateText" : "ai.streamText");
        else expect(roots[0]).toMatchObject({ spanType: "agent", name: `ai.agent.${name}`, metadata: expect.objectContaining({ agent_id: "weather-agent" }) });
        const llms = spans.filter((s) => s.spanType === "llm");
        const tools = spans.filter((s) => s.spanType === "tool");
        expect(llms).toHaveLength(2);
        expect(tools).toHaveLength(1);
        for (const s of [...llms, ...tools]) expect(s.parentSpanId).toBe(roots[0]!.id);
        expect(tools[0]!.metadata.llm_span_id).toBe(llms[0]!.id);
        expect(roots[0]!.endedAt).toBeDefined();
      }
    });

    it("output and provider requests are the same with and without tracing", async () => {
      const { ai, raw, openai } = await v.load();
      const provider = openai({ apiKey: "sk-fake", baseURL: fake.openaiBaseURL });
      const once = async (lib: any): Promise<{ result: string; requests: string }> => {
        const from = fake.requests.length;
        const r = await lib.generateText({ model: provider.chat("gpt-4o-mini"), prompt: "What is the weather in Bern?", tools: weatherTools(lib), stopWhen: steps(lib, 3) });
        const result = JSON.stringify({
          text: r.text,
          finishReason: r.finishReason,
          totalUsage: r.totalUsage,
          steps: r.steps.map((s: any) => ({ content: s.content, finishReason: s.finishReason, usage: s.usage })),
          messages: r.response.messages,
        });
        // The fake numbers its call ids across requests: the only difference between two runs.
        const same = (text: string): string => text.replace(/call_fake\d+/g, "call_fake#");
        return { result: same(result), requests: same(JSON.stringify(fake.requests.slice(from).map((q) => q.body))) };
      };
      // ai 7 is traced through its channel, whoever calls it: untraced means nobody subscribed.
      if (v.major === 7) unsubscribeAiTelemetry();
      const untraced = await once(raw).finally(() => v.major === 7 && subscribeAiTelemetry());
      expect(memory.spans()).toEqual([]);
      const traced = await agentTrace({ agentName: "same" }, () => once(ai));
      expect(traced.result).toBe(untraced.result);
      expect(traced.requests).toBe(untraced.requests);
      expect(memory.spans().filter((s) => s.spanType === "llm")).toHaveLength(2);
    });

    it("a model backed by the patched openai client: one llm span, usage counted once", async () => {
      const { ai } = await v.load();
      const OpenAIClass = OpenAI;
      instrumentOpenAI(OpenAIClass);
      try {
        const client = new OpenAIClass({ apiKey: "sk-fake", baseURL: fake.openaiBaseURL });
        // Without the model span, the client call is traced by the openai plugin.
        await agentTrace({ agentName: "direct" }, () => client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }));
        expect(memory.spans().map((s) => s.name)).toEqual(["openai.chat.completions"]);
        memory.reset();
        const result = await agentTrace({ agentName: "custom-model" }, () => ai.generateText({ model: clientModel(client, v.major === 5 ? "v2" : "v3"), prompt: "Hello there" }));
        const llms = memory.spans().filter((s) => s.spanType === "llm");
        expect(llms.map((s) => s.name)).toEqual(["ai.generateText.doGenerate"]);
        const summary = memory.traces()[0]!.summary as Record<string, number>;
        expect(summary.llm_calls).toBe(1);
        expect(summary.input_tokens).toBe(result.usage.inputTokens);
        expect(summary.output_tokens).toBe(result.usage.outputTokens);
      } finally {
        uninstrumentOpenAI(OpenAIClass);
      }
    });
  });
}
