/**
 * A `createAgent` tool-calling loop (LangGraph under the hood) driven by the fake model builder of
 * `@langchain/core/testing`: the expected tree, tool names / call ids / arguments, tool bodies
 * running under their tool span, and failing tools and models.
 */
import { describe, expect, it } from "vitest";
import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { agentTrace, currentSpan, currentTrace, span as traciumSpan } from "@tracium/core";
import { TraciumCallbackHandler } from "@tracium/langchain";
import { createAgent, tool } from "langchain";
import { z } from "zod";
import { onlySpan, onlyTrace, spansOf, tree, useTracium } from "./support.js";

useTracium();

const EXPECTED_TREE = [
  "chain:LangGraph",
  "  chain:model_request",
  "    llm:FakeBuiltModel",
  "    chain:RunnableLambda",
  "  chain:tools",
  "    tool:get_weather",
  "  chain:model_request",
  "    llm:FakeBuiltModel",
  "    chain:RunnableLambda",
];

function weatherTool(body: (city: string) => Promise<string> | string = (city) => `sunny in ${city}`) {
  return tool(async ({ city }: { city: string }) => body(city), {
    name: "get_weather",
    description: "Weather for a city",
    schema: z.object({ city: z.string() }),
  });
}

function weatherModel() {
  return fakeModel()
    .respondWithTools([{ name: "get_weather", args: { city: "Paris" }, id: "call_1" }])
    .respond(new AIMessage("It is sunny in Paris."));
}

describe("createAgent", () => {
  it("gives the expected tree: graph → model_request/llm → tools/tool → model_request/llm", async () => {
    const handler = new TraciumCallbackHandler({ agentName: "weather-agent" });
    const agent = createAgent({ model: weatherModel(), tools: [weatherTool()] });
    const result = await agent.invoke({ messages: [{ role: "user", content: "Weather in Paris?" }] }, { callbacks: [handler] });
    expect(result.messages.at(-1)?.content).toBe("It is sunny in Paris.");

    const trace = onlyTrace();
    expect(trace.agentName).toBe("weather-agent");
    expect(trace.status).toBe("completed");
    expect(tree(trace.id)).toEqual(EXPECTED_TREE);
    expect(trace.summary).toMatchObject({ llm_calls: 2 });

    const [first, second] = spansOf(trace.id, "llm");
    expect(first!.toolCalls).toEqual([{ id: "call_1", type: "tool_call", name: "get_weather", args: { city: "Paris" } }]);
    expect(first!.input).toEqual({ messages: [{ role: "user", content: "Weather in Paris?" }] });
    expect(second!.output).toEqual({ role: "assistant", content: "It is sunny in Paris." });
    expect((second!.input as { messages: unknown[] }).messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      expect.objectContaining({ role: "assistant", tool_calls: [{ id: "call_1", type: "tool_call", name: "get_weather", args: { city: "Paris" } }] }),
      { role: "tool", content: "sunny in Paris", tool_call_id: "call_1", name: "get_weather" },
    ]);

    const toolSpan = onlySpan(trace.id, "tool", "get_weather");
    expect(toolSpan.input).toEqual({ city: "Paris" });
    expect(toolSpan.output).toBe("sunny in Paris");
    // LangChain's toolCallId links the tool span to the llm span that asked for it (core tool links),
    // and the next request is linked to the tool whose result it carries.
    expect(toolSpan.metadata).toEqual({ tool_call_id: "call_1", llm_span_id: first!.id });
    expect(second!.metadata).toMatchObject({ tool_results_for: ["call_1"], tool_span_ids: [toolSpan.id] });
    expect(handler.openRuns).toBe(0);
  });

  it("a tool body runs with its tool span active: spans and SDK calls inside it nest under the tool", async () => {
    const handler = new TraciumCallbackHandler();
    let seen: { trace?: string; span?: string } = {};
    const body = async (city: string): Promise<string> => {
      seen = { trace: currentTrace()?.id, span: currentSpan()?.name };
      return traciumSpan({ spanType: "retrieval", name: "lookup" }, async () => `sunny in ${city}`);
    };
    const agent = createAgent({ model: weatherModel(), tools: [weatherTool(body)] });
    await agent.invoke({ messages: [{ role: "user", content: "Weather in Paris?" }] }, { callbacks: [handler] });

    const trace = onlyTrace();
    expect(seen).toEqual({ trace: trace.id, span: "get_weather" });
    const toolSpan = onlySpan(trace.id, "tool", "get_weather");
    expect(onlySpan(trace.id, "retrieval", "lookup").parentSpanId).toBe(toolSpan.id);
  });

  it("a failing tool: its span fails with the tool's error; the agent turns it into a tool message and completes", async () => {
    const handler = new TraciumCallbackHandler();
    const boom = new Error("weather service down");
    const agent = createAgent({
      model: weatherModel(),
      tools: [
        weatherTool(() => {
          throw boom;
        }),
      ],
    });
    const result = await agent.invoke({ messages: [{ role: "user", content: "Weather in Paris?" }] }, { callbacks: [handler] });
    expect(String(result.messages[2]?.content)).toContain("weather service down");

    const trace = onlyTrace();
    expect(trace.status).toBe("completed");
    const toolSpan = onlySpan(trace.id, "tool", "get_weather");
    expect(toolSpan.status).toBe("failed");
    expect(toolSpan.error).toBe("weather service down");
    expect(toolSpan.metadata).toMatchObject({ tool_call_id: "call_1", error_type: "Error" });
    expect(tree(trace.id)).toContain("    tool:get_weather [failed]");
    expect(handler.openRuns).toBe(0);
  });

  it("a failing tool invoked directly: the same error object reaches the caller, span and trace fail", async () => {
    const handler = new TraciumCallbackHandler();
    const boom = new Error("weather service down");
    const weather = weatherTool(() => {
      throw boom;
    });
    await expect(weather.invoke({ city: "Paris" }, { callbacks: [handler] })).rejects.toBe(boom);
    const trace = onlyTrace();
    expect(trace.status).toBe("failed");
    expect(trace.error).toContain("weather service down");
    expect(tree(trace.id)).toEqual(["tool:get_weather [failed]"]);
    expect(boom.message).toBe("weather service down"); // untouched
    expect(Object.keys(boom)).toEqual([]);
  });

  it("a failing model: the llm span fails, the agent run fails, the same error object reaches the caller", async () => {
    const handler = new TraciumCallbackHandler();
    const boom = new Error("model overloaded");
    const agent = createAgent({ model: fakeModel().alwaysThrow(boom), tools: [weatherTool()] });
    await expect(agent.invoke({ messages: [{ role: "user", content: "hi" }] }, { callbacks: [handler] })).rejects.toBe(boom);

    const trace = onlyTrace();
    expect(trace.status).toBe("failed");
    expect(trace.error).toContain("model overloaded");
    const llm = onlySpan(trace.id, "llm");
    expect(llm.status).toBe("failed");
    expect(llm.error).toBe("model overloaded");
    expect(tree(trace.id)).toEqual(["chain:LangGraph [failed]", "  chain:model_request [failed]", "    llm:FakeBuiltModel [failed]"]);
    expect(handler.openRuns).toBe(0);
  });

  it("inside agentTrace, the agent joins the user's trace and leaves its summary to the trace", async () => {
    const handler = new TraciumCallbackHandler();
    const agent = createAgent({ model: weatherModel(), tools: [weatherTool()] });
    await agentTrace({ agentName: "support" }, async (t) => {
      t.setSummary({ outcome: "answered" });
      await agent.invoke({ messages: [{ role: "user", content: "Weather in Paris?" }] }, { callbacks: [handler] });
    });
    const trace = onlyTrace();
    expect(trace.agentName).toBe("support");
    expect(trace.summary).toMatchObject({ outcome: "answered", llm_calls: 2 });
    expect(tree(trace.id)).toEqual(EXPECTED_TREE);
  });
});
