/**
 * More Agents SDK runs against the real SDK: a streamed run, guardrails (passing and tripped),
 * runs side by side, work traced inside a tool body, and the `openaiExporter` option.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { instrument, span, uninstrument, type SpanData } from "@tracium/core";
import { instrumentOpenAIAgents, uninstrumentOpenAIAgents } from "../src/index.js";
import { agentsOpenAI, byType, setup, SKIP_REASON, tooOld, weatherAgents, type Harness } from "./harness.js";

describe.skipIf(tooOld)(`Agents SDK scenarios (${tooOld ? SKIP_REASON : "real @openai/agents"})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await setup();
    instrumentOpenAIAgents(h.agents, { openaiExporter: "off" });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.memory.reset();
  });

  const onlyTrace = () => {
    const traces = h.memory.traces();
    expect(traces).toHaveLength(1);
    return { trace: traces[0]!, spans: h.memory.spans(traces[0]!.id) };
  };
  const isUnder = (spans: SpanData[], child: SpanData, ancestor: SpanData): boolean => {
    for (let p = spans.find((s) => s.id === child.parentSpanId); p; p = spans.find((s) => s.id === p!.parentSpanId)) if (p.id === ancestor.id) return true;
    return false;
  };

  it("a streamed run: the same spans, each llm span with the streamed response's usage", async () => {
    const { triage } = weatherAgents(h.agents);
    const result = await h.agents.run(triage, "What is the weather in Paris?", { stream: true });
    let text = "";
    for await (const chunk of result.toTextStream()) text += chunk;
    await result.completed;
    expect(text).toContain("sunny in Paris");
    const { trace, spans } = onlyTrace();
    expect(trace.status).toBe("completed");
    const llm = byType(spans, "llm");
    expect(llm).toHaveLength(3);
    for (const s of llm) expect(s.usage.outputTokens).toBeGreaterThan(0);
    expect(byType(spans, "tool").map((s) => s.name)).toEqual(["get_weather"]);
    expect(byType(spans, "handoff")).toHaveLength(1);
  });

  it("with the Chat Completions model (generation spans) each model call is one llm span with model, messages and usage", async () => {
    const openai = await agentsOpenAI();
    expect(instrument(openai)).toBe(true);
    h.agents.setOpenAIAPI("chat_completions");
    try {
      const { triage } = weatherAgents(h.agents);
      const result = await h.agents.run(triage, "What is the weather in Paris?");
      expect(String(result.finalOutput)).toContain("sunny in Paris");
      const { trace, spans } = onlyTrace();
      const llm = byType(spans, "llm");
      expect(llm).toHaveLength(3);
      expect(llm.map((s) => s.name)).toEqual(["generation", "generation", "generation"]);
      for (const s of llm) {
        expect(s.modelId).toBe("gpt-4o-mini");
        expect(s.usage.inputTokens).toBeGreaterThan(0);
        expect(s.usage.outputTokens).toBeGreaterThan(0);
        expect((s.input as { messages: unknown[] }).messages.length).toBeGreaterThan(0);
      }
      expect(trace.summary.llm_calls).toBe(3);
      expect(byType(spans, "tool").map((s) => s.name)).toEqual(["get_weather"]);
    } finally {
      h.agents.setOpenAIAPI("responses");
      uninstrument(openai);
    }
  });

  it("with the SDK's sensitive-data tracing off, no prompt, output or tool argument is recorded; still one llm span per model call", async () => {
    const openai = await agentsOpenAI();
    expect(instrument(openai)).toBe(true);
    try {
      const { triage } = weatherAgents(h.agents);
      const runner = new h.agents.Runner({ traceIncludeSensitiveData: false });
      await runner.run(triage, "What is the weather in Paris?");
      const { spans } = onlyTrace();
      const llm = byType(spans, "llm");
      expect(llm).toHaveLength(3);
      for (const s of llm) {
        expect(s.input).toBeUndefined();
        expect(s.output).toBeUndefined();
      }
      const tool = byType(spans, "tool")[0]!;
      expect(JSON.stringify([tool.input, tool.output])).not.toContain("Paris");
      // The SDK's per-turn totals stay on the turn spans.
      const turns = spans.filter((s) => s.name.startsWith("turn "));
      expect(turns.some((t) => ((t.metadata.usage as { input_tokens?: number } | undefined)?.input_tokens ?? 0) > 0)).toBe(true);
    } finally {
      uninstrument(openai);
    }
  });

  it("an agent used as a tool runs inside that tool's span, in the same trace", async () => {
    const { weather } = weatherAgents(h.agents);
    const manager = new h.agents.Agent({
      name: "Manager",
      instructions: "Use the weather expert.",
      model: "gpt-4o-mini",
      tools: [weather.asTool({ toolName: "ask_weather_expert", toolDescription: "Ask the weather expert" })],
    });
    const result = await h.agents.run(manager, "What is the weather in Paris?");
    expect(String(result.finalOutput)).toContain("sunny in Paris");
    const { trace, spans } = onlyTrace();
    expect(trace.agentName).toBe("Manager");
    const expert = byType(spans, "tool").find((s) => s.name === "ask_weather_expert")!;
    const inner = byType(spans, "agent").find((s) => s.name === "Weather agent")!;
    expect(isUnder(spans, inner, expert)).toBe(true);
    const innerTool = byType(spans, "tool").find((s) => s.name === "get_weather")!;
    expect(isUnder(spans, innerTool, inner)).toBe(true);
    // Manager: call the expert, answer; expert: call get_weather, answer.
    expect(byType(spans, "llm")).toHaveLength(4);
  });

  it("tracium.instrument(agents) takes the SDK; after uninstrument nothing is recorded, and instrument turns it back on", async () => {
    const agent = new h.agents.Agent({ name: "Plain", instructions: "x", model: "gpt-4o-mini" });
    expect(uninstrumentOpenAIAgents(h.agents)).toBe(true);
    await h.agents.run(agent, "hi");
    expect(h.memory.traces()).toHaveLength(0);
    expect(instrument(h.agents)).toBe(true);
    await h.agents.run(agent, "hi");
    expect(h.memory.traces()).toHaveLength(1);
    expect(instrument({ Agent: class {}, run: () => undefined })).toBe(false);
  });

  it("guardrails: a span per guardrail with its verdict; a tripped one fails the run", async () => {
    const guardrail = (name: string, trip: boolean) => ({ name, execute: async () => ({ tripwireTriggered: trip, outputInfo: { checked: true } }) });
    const passing = new h.agents.Agent({ name: "Guarded", instructions: "x", model: "gpt-4o-mini", inputGuardrails: [guardrail("no_secrets", false)] });
    await h.agents.run(passing, "Tell me about refunds");
    let { spans } = onlyTrace();
    const ok = byType(spans, "guardrail");
    expect(ok.map((s) => [s.name, s.metadata.triggered, s.output])).toEqual([["no_secrets", false, { triggered: false }]]);

    h.memory.reset();
    const tripped = new h.agents.Agent({ name: "Guarded", instructions: "x", model: "gpt-4o-mini", inputGuardrails: [guardrail("no_refunds", true)] });
    const err = await h.agents.run(tripped, "Tell me about refunds").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(h.agents.InputGuardrailTripwireTriggered);
    const t = onlyTrace();
    spans = t.spans;
    const g = byType(spans, "guardrail")[0]!;
    expect(g.metadata.triggered).toBe(true);
    expect(t.trace.status).toBe("failed");
  });

  it("runs side by side stay in their own traces", async () => {
    const { weather } = weatherAgents(h.agents);
    const cities = ["Paris", "Oslo", "Rome", "Lima"];
    await Promise.all(cities.map((c) => h.agents.run(weather, `What is the weather in ${c}?`)));
    const traces = h.memory.traces();
    expect(traces).toHaveLength(cities.length);
    const seen = new Set<string>();
    for (const t of traces) {
      const spans = h.memory.spans(t.id);
      expect(byType(spans, "llm")).toHaveLength(2);
      const tool = byType(spans, "tool")[0]!;
      const city = (tool.input as { city: string }).city;
      seen.add(city);
      // The second model call saw this trace's own tool result.
      expect(byType(spans, "llm").some((s) => JSON.stringify(s.output ?? "").includes(`sunny in ${city}`))).toBe(true);
    }
    expect([...seen].sort()).toEqual([...cities].sort());
  });

  it("work inside a tool body nests under the tool's span; a model call made there is traced (not suppressed)", async () => {
    const openaiModule = (await agentsOpenAI()) as { default: new (o: object) => { chat: { completions: { create(b: object): Promise<unknown> } } } };
    expect(instrument(openaiModule)).toBe(true);
    try {
      const lookup = h.agents.tool({
        name: "lookup_docs",
        description: "Search the docs",
        parameters: { type: "object", properties: { query: { type: "string" } }, required: ["query"], additionalProperties: false },
        strict: true,
        execute: async () => {
          await span({ spanType: "retrieval", name: "vector search" }, async () => undefined);
          const client = new openaiModule.default({ apiKey: "sk-fake-local", baseURL: h.fake.openaiBaseURL });
          await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "summarise the docs" }] });
          return "docs say: refunds within 30 days";
        },
      });
      const agent = new h.agents.Agent({ name: "Docs", instructions: "x", tools: [lookup], model: "gpt-4o-mini" });
      await h.agents.run(agent, "How do refunds work? search the docs");
      const { trace, spans } = onlyTrace();
      const tool = byType(spans, "tool").find((s) => s.name === "lookup_docs")!;
      const search = spans.find((s) => s.name === "vector search")!;
      expect(search.parentSpanId).toBe(tool.id);
      const chat = spans.find((s) => s.name === "openai.chat.completions")!;
      expect(chat.spanType).toBe("llm");
      expect(chat.parentSpanId).toBe(tool.id);
      // Two agent model calls and the one inside the tool.
      expect(byType(spans, "llm")).toHaveLength(3);
      expect(trace.summary.llm_calls).toBe(3);
    } finally {
      uninstrument(openaiModule);
    }
  });

  it("openaiExporter: by default other processors are left in place; \"off\" makes Tracium's the only one", async () => {
    const seen: string[] = [];
    const mine = {
      onTraceStart: async () => undefined,
      onTraceEnd: async () => undefined,
      onSpanStart: async () => undefined,
      onSpanEnd: async (s: { spanData: { type: string } }) => void seen.push(s.spanData.type),
      shutdown: async () => undefined,
      forceFlush: async () => undefined,
    };
    const agent = new h.agents.Agent({ name: "Plain", instructions: "x", model: "gpt-4o-mini" });
    h.agents.setTraceProcessors([mine]); // drops Tracium's processor too
    expect(instrumentOpenAIAgents(h.agents)).toBe(true); // default: added next to mine
    await h.agents.run(agent, "hi");
    expect(seen).toContain("agent");
    expect(h.memory.traces()).toHaveLength(1);

    seen.length = 0;
    h.memory.reset();
    instrumentOpenAIAgents(h.agents, { openaiExporter: "off" });
    await h.agents.run(agent, "hi");
    expect(seen).toEqual([]);
    expect(h.memory.traces()).toHaveLength(1);
  });
});
