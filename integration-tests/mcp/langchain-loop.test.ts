/**
 * A LangChain v1 agent (`createAgent`, LangGraph) traced by `TraciumCallbackHandler`: the handler's
 * tool span carries LangChain's `toolCallId` as `tool_call_id`, and the link table adds the
 * `llm_span_id` of the model run that asked for it; the next model run lists the results it reads.
 * Also an MCP tool inside a LangChain tool: nested under the handler's tool span, not linked twice.
 */
import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { TraciumCallbackHandler } from "@tracium/langchain";
import { agentTrace, type SpanData } from "@tracium/core";
import { createAgent, tool } from "langchain";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { connect, memory, useMcpTracing } from "./harness.js";

useMcpTracing();

const byType = (type: string): SpanData[] => memory.spans().filter((s) => s.spanType === type).sort((a, b) => a.startedAt - b.startedAt);

describe("LangChain createAgent with the Tracium callback handler", () => {
  it("model run (tool calls) → tool span (tool_call_id, llm_span_id) → model run (tool_results_for)", async () => {
    const mcp = await connect("in-memory");
    const getWeather = tool(
      async ({ city }: { city: string }) => ((await mcp.callTool({ name: "get_weather", arguments: { city } })).content as Array<{ text: string }>)[0]!.text,
      { name: "get_weather", description: "Weather of a city", schema: z.object({ city: z.string() }) },
    );
    const model = fakeModel()
      .respondWithTools([{ name: "get_weather", args: { city: "Paris" }, id: "call_lc_paris" }])
      .respond(new AIMessage("Paris is 21°C"));
    const agent = createAgent({ model, tools: [getWeather] });
    await agentTrace({ agentName: "lc-agent" }, () =>
      agent.invoke({ messages: [{ role: "user", content: "Weather in Paris?" }] }, { callbacks: [new TraciumCallbackHandler()] }),
    );
    const [ask, answer] = byType("llm") as [SpanData, SpanData];
    const tools = byType("tool");
    const handlerTool = tools.find((s) => s.metadata.provider !== "mcp")!;
    const mcpTool = tools.find((s) => s.metadata.provider === "mcp")!;
    expect(handlerTool).toMatchObject({ name: "get_weather", metadata: { tool_call_id: "call_lc_paris", llm_span_id: ask.id } });
    expect(mcpTool.parentSpanId).toBe(handlerTool.id);
    expect(mcpTool.metadata.tool_call_id).toBeUndefined();
    expect(mcpTool.output).toEqual([{ type: "text", text: "Paris: 21°C" }]);
    expect(answer.metadata).toMatchObject({ tool_results_for: ["call_lc_paris"], tool_span_ids: [handlerTool.id] });
  });
});
