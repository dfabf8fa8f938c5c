/**
 * Errors in an Agents SDK run, against the real SDK: a model call the provider rejects fails its
 * llm span and the trace, and the caller gets the SDK's own error; a tool that throws fails its
 * tool span while the run carries on (the SDK hands the error to the model); a processor fed
 * hostile span data never disturbs the run.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { instrumentOpenAIAgents, TraciumTracingProcessor } from "../src/index.js";
import { byType, setup, SKIP_REASON, tooOld, weatherAgents, type Harness } from "./harness.js";

describe.skipIf(tooOld)(`errors in an Agents SDK run (${tooOld ? SKIP_REASON : "real @openai/agents"})`, () => {
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

  it("a rejected model call fails the llm span and the trace; the caller gets the SDK's error", async () => {
    const agent = new h.agents.Agent({ name: "Broken", instructions: "x", model: "gpt-error-model" });
    const err = await h.agents.run(agent, "hello").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as { status?: number }).status).toBe(400);
    const trace = h.memory.traces()[0]!;
    expect(trace.agentName).toBe("Broken");
    expect(trace.status).toBe("failed");
    const spans = h.memory.spans(trace.id);
    const llm = byType(spans, "llm");
    expect(llm).toHaveLength(1);
    expect(llm[0]!.status).toBe("failed");
    expect(byType(spans, "agent")[0]!.status).toBe("failed");
  });

  it("a tool that throws fails its tool span; the run goes on with the error handed to the model", async () => {
    const { weather } = weatherAgents(h.agents, { failTool: true });
    const result = await h.agents.run(weather, "What is the weather in Paris?");
    // The SDK hands the model a generic message (the fake provider quotes it back).
    expect(String(result.finalOutput)).toContain("An error occurred while running the tool");
    const trace = h.memory.traces()[0]!;
    const tool = byType(h.memory.spans(trace.id), "tool").find((s) => s.name === "get_weather")!;
    expect(tool.status).toBe("failed");
    expect(tool.error).toBeTruthy();
    expect(trace.status).toBe("completed");
  });

  it("span data whose fields throw never reaches the run: same output as untraced", async () => {
    const untracedAgent = new h.agents.Agent({ name: "Plain", instructions: "x", model: "gpt-4o-mini" });
    h.agents.setTracingDisabled(true);
    const untraced = await h.agents.run(untracedAgent, "Tell me about refunds");
    h.agents.setTracingDisabled(false);
    // A processor of its own whose reads of the SDK's spans all throw: it must swallow that.
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("hostile read");
        },
      },
    );
    const p = new TraciumTracingProcessor();
    await expect(p.onTraceStart(hostile)).resolves.toBeUndefined();
    await expect(p.onSpanStart(hostile)).resolves.toBeUndefined();
    await expect(p.onSpanEnd(hostile)).resolves.toBeUndefined();
    await expect(p.onTraceEnd(hostile)).resolves.toBeUndefined();
    const traced = await h.agents.run(untracedAgent, "Tell me about refunds");
    expect(traced.finalOutput).toEqual(untraced.finalOutput);
  });
});
