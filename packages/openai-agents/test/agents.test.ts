/**
 * The Tracium processor against the real `@openai/agents` and a local Responses API: a two-agent
 * handoff with a tool loop becomes one Tracium trace with agent, llm, tool and handoff spans, one
 * llm span per model call (the `openai` copy the SDK uses patched or not), nested under an
 * enclosing Tracium trace when there is one.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { agentTrace, instrument, uninstrument, type SpanData } from "@tracium/core";
import { instrumentOpenAIAgents } from "../src/index.js";
import { agentsOpenAI, byType, setup, SKIP_REASON, tooOld, weatherAgents, type Harness } from "./harness.js";

describe.skipIf(tooOld)(`OpenAI Agents SDK processor (${tooOld ? SKIP_REASON : "real @openai/agents"})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await setup();
    expect(instrumentOpenAIAgents(h.agents, { openaiExporter: "off" })).toBe(true);
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.memory.reset();
    h.fake.requests.length = 0;
  });

  function parentOf(spans: SpanData[], span: SpanData): SpanData | undefined {
    return spans.find((s) => s.id === span.parentSpanId);
  }

  async function handoffRun(): Promise<{ spans: SpanData[]; output: unknown }> {
    const { triage } = weatherAgents(h.agents);
    const result = await h.agents.run(triage, "What is the weather in Paris?");
    const traces = h.memory.traces();
    expect(traces).toHaveLength(1);
    return { spans: h.memory.spans(traces[0]!.id), output: result.finalOutput };
  }

  it("a handoff with a tool loop is one trace named after the first agent: agents, llm calls, the tool and the handoff", async () => {
    const { spans, output } = await handoffRun();
    expect(output).toContain("sunny in Paris");
    const trace = h.memory.traces()[0]!;
    expect(trace.agentName).toBe("Triage");
    expect(trace.status).toBe("completed");
    // The workflow span (started by the SDK before the first agent named the trace) starts with the trace, not before it.
    const workflow = spans.find((s) => s.name === "Agent workflow")!;
    expect(workflow.parentSpanId).toBeUndefined();
    expect(workflow.startedAt).toBeGreaterThanOrEqual(trace.startedAt);
    expect(byType(spans, "agent").map((s) => s.name)).toEqual(["Triage", "Weather agent"]);
    // The SDK fills an agent span's lists in after starting it: they are read again at its end.
    const [triageSpan, weatherSpan] = byType(spans, "agent");
    expect(triageSpan!.metadata.handoffs).toEqual(["Weather agent"]);
    expect(weatherSpan!.metadata.tools).toEqual(["get_weather"]);
    // Three model calls: triage (hands off), weather (calls the tool), weather (answers).
    const llm = byType(spans, "llm");
    expect(h.fake.requests.filter((r) => r.path.endsWith("/responses"))).toHaveLength(3);
    expect(llm).toHaveLength(3);
    for (const s of llm) {
      expect(s.modelId).toBe("gpt-4o-mini");
      expect(s.usage.inputTokens).toBeGreaterThan(0);
      expect(s.usage.outputTokens).toBeGreaterThan(0);
      expect(s.input).toBeDefined();
    }
    expect(trace.summary.llm_calls).toBe(3);
    expect(trace.summary.output_tokens).toBe(llm.reduce((n, s) => n + (s.usage.outputTokens ?? 0), 0));

    const handoff = byType(spans, "handoff");
    expect(handoff).toHaveLength(1);
    expect(handoff[0]!.metadata).toMatchObject({ from_agent: "Triage", to_agent: "Weather agent" });

    const tools = byType(spans, "tool");
    expect(tools.map((t) => t.name)).toContain("get_weather");
    const weatherTool = tools.find((t) => t.name === "get_weather")!;
    expect(weatherTool.input).toEqual({ city: "Paris" });
    expect(weatherTool.output).toBe("sunny in Paris");
    // Linked to the model's tool call: the id the fake provider gave it, and the llm span that made it.
    const callOf = (s: SpanData) => (s.toolCalls ?? []).map((c) => c as { id: string; function: { name: string } });
    const callingLlm = llm.find((s) => callOf(s).some((c) => c.function.name === "get_weather"))!;
    expect(callingLlm).toBeDefined();
    expect(weatherTool.metadata.tool_call_id).toBe(callOf(callingLlm)[0]!.id);
    expect(weatherTool.metadata.llm_span_id).toBe(callingLlm.id);

    // Each llm span sits under its agent's turn, inside that agent.
    for (const s of llm) {
      const agent = spans.filter((a) => a.spanType === "agent").find((a) => {
        for (let p = parentOf(spans, s); p; p = parentOf(spans, p)) if (p.id === a.id) return true;
        return false;
      });
      expect(agent).toBeDefined();
    }
  });

  it("with the openai copy the SDK uses patched too, each model call is still one llm span", async () => {
    const openai = await agentsOpenAI();
    expect(instrument(openai)).toBe(true);
    try {
      const { spans } = await handoffRun();
      expect(byType(spans, "llm")).toHaveLength(3);
      expect(spans.filter((s) => s.name === "openai.responses")).toHaveLength(3);
    } finally {
      uninstrument(openai);
    }
  });

  it("a run inside agentTrace nests under it instead of starting a second trace", async () => {
    const { triage } = weatherAgents(h.agents);
    let outerId = "";
    await agentTrace({ agentName: "support-bot" }, async (trace) => {
      outerId = trace.id;
      await trace.span({ spanType: "chain", name: "handle request" }, async () => {
        await h.agents.run(triage, "What is the weather in Paris?");
      });
    });
    const traces = h.memory.traces();
    expect(traces.map((t) => t.agentName)).toEqual(["support-bot"]);
    const spans = h.memory.spans(outerId);
    const outer = spans.find((s) => s.name === "handle request")!;
    const workflow = spans.find((s) => s.name === "Agent workflow")!;
    expect(workflow.parentSpanId).toBe(outer.id);
    expect(byType(spans, "llm")).toHaveLength(3);
    expect(traces[0]!.summary.llm_calls).toBe(3);
  });

  it("the SDK's withTrace names the Tracium trace", async () => {
    const { weather } = weatherAgents(h.agents);
    await h.agents.withTrace("Weather desk", async () => {
      await h.agents.run(weather, "What is the weather in Oslo?");
      await h.agents.run(weather, "What is the weather in Rome?");
    });
    const traces = h.memory.traces();
    expect(traces.map((t) => t.agentName)).toEqual(["Weather desk"]);
    expect(byType(h.memory.spans(traces[0]!.id), "llm")).toHaveLength(4);
  });
});
