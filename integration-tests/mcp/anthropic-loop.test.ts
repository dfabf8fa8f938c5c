/**
 * An Anthropic tool-use loop whose tools are MCP tools, against nock (@anthropic-ai/sdk 1.x): the
 * trace must read as `llm` (tool_use blocks) → `tool` spans (tool_call_id + llm_span_id) → `llm`
 * (tool_result blocks: tool_results_for). Covered: MCP called directly (linked by name and
 * arguments) and `tracium.tool()` given the `tool_use` id explicitly.
 */
import Anthropic from "anthropic-v1";
import { agentTrace, instrument, registerPlugin, tool, type SpanData } from "@tracium/core";
import { anthropicPlugin } from "@tracium/anthropic";
import { beforeAll, describe, expect, it } from "vitest";
import { nock, useNock } from "../helpers/nock.js";
import { connect, memory, useMcpTracing, type Transport } from "./harness.js";

useMcpTracing();
useNock();
beforeAll(() => {
  registerPlugin(anthropicPlugin);
  expect(instrument(Anthropic)).toBe(true);
});

const API = "https://api.anthropic.com";
const MODEL = "claude-haiku-4-5";
const TOOL_USES = [
  { type: "tool_use", id: "toolu_paris", name: "get_weather", input: { city: "Paris" } },
  { type: "tool_use", id: "toolu_oslo", name: "get_weather", input: { city: "Oslo" } },
];
const TOOLS = [{ name: "get_weather", description: "Weather of a city", input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] } }];

function message(content: unknown[], stopReason: string): Record<string, unknown> {
  return { id: "msg_1", type: "message", role: "assistant", model: `${MODEL}-20251001`, content, stop_reason: stopReason, stop_sequence: null, usage: { input_tokens: 25, output_tokens: 12 } };
}

type Body = { messages: Array<{ role: string; content: unknown }> };

function mockTwoRounds(seen: Body[]): void {
  nock(API)
    .post("/v1/messages", (b: Body) => (seen.push(b), true))
    .reply(200, message([{ type: "text", text: "Let me check." }, ...TOOL_USES], "tool_use"))
    .post("/v1/messages", (b: Body) => (seen.push(b), JSON.stringify(b.messages.at(-1)).includes("tool_result")))
    .reply(200, message([{ type: "text", text: "Paris 21°C, Oslo 4°C" }], "end_turn"));
}

type ToolUse = { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };
type Runner = (use: ToolUse) => Promise<string>;

/** The agent loop: ask, run every tool_use, send the tool_result blocks, get the answer. */
async function loop(run: Runner): Promise<string> {
  const client = new Anthropic({ apiKey: "sk-ant-test", maxRetries: 0 });
  const messages: Array<{ role: "user" | "assistant"; content: unknown }> = [{ role: "user", content: "Weather in Paris and Oslo?" }];
  for (let round = 0; round < 3; round++) {
    const reply = await client.messages.create({ model: MODEL, max_tokens: 200, tools: TOOLS, messages: messages as never });
    messages.push({ role: "assistant", content: reply.content });
    const uses = reply.content.filter((b): b is never => b.type === "tool_use") as ToolUse[];
    if (uses.length === 0) return reply.content.map((b) => (b.type === "text" ? b.text : "")).join("");
    const results = await Promise.all(uses.map(async (use) => ({ type: "tool_result", tool_use_id: use.id, content: await run(use) })));
    messages.push({ role: "user", content: results });
  }
  throw new Error("too many rounds");
}

function check(toolSpans: SpanData[], opts: { inferred: boolean }): void {
  const spans = memory.spans();
  const llm = spans.filter((s) => s.spanType === "llm").sort((a, b) => a.startedAt - b.startedAt) as [SpanData, SpanData];
  expect(llm).toHaveLength(2);
  const [llm1, llm2] = llm;
  expect(llm1.toolCalls).toEqual(TOOL_USES);
  const paris = toolSpans.find((s) => s.metadata.tool_call_id === "toolu_paris")!;
  const oslo = toolSpans.find((s) => s.metadata.tool_call_id === "toolu_oslo")!;
  expect(paris).toMatchObject({ spanType: "tool", name: "get_weather", input: { city: "Paris" }, status: "completed", metadata: { llm_span_id: llm1.id } });
  expect(oslo).toMatchObject({ spanType: "tool", name: "get_weather", input: { city: "Oslo" }, status: "completed", metadata: { llm_span_id: llm1.id } });
  expect(paris.metadata.tool_call_inferred).toBe(opts.inferred ? true : undefined);
  expect(llm2.metadata).toMatchObject({ tool_results_for: ["toolu_paris", "toolu_oslo"], tool_span_ids: [paris.id, oslo.id] });
  // One trace holds the whole loop: llm → tools → llm.
  expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
  expect(memory.traces()[0]!.summary).toMatchObject({ llm_calls: 2 });
}

describe.each<Transport>(["in-memory", "stdio"])("Anthropic tool-use loop with MCP tools over %s", (transport) => {
  it("MCP called directly: each MCP span is linked to its tool_use by name and arguments", async () => {
    const mcp = await connect(transport);
    const seen: Body[] = [];
    mockTwoRounds(seen);
    const answer = await agentTrace({ agentName: "claude-weather" }, () =>
      loop(async (use) => ((await mcp.callTool({ name: use.name, arguments: use.input })).content as Array<{ text: string }>)[0]!.text),
    );
    expect(answer).toBe("Paris 21°C, Oslo 4°C");
    expect(JSON.stringify(seen[1]!.messages.at(-1))).toContain("Oslo: 4°C");
    check(memory.spans().filter((s) => s.metadata.provider === "mcp"), { inferred: true });
  });
});

describe("Anthropic tool-use loop with tracium.tool()", () => {
  it("the tool_use id given explicitly: tool spans linked, MCP spans nested and not linked again", async () => {
    const mcp = await connect("in-memory");
    mockTwoRounds([]);
    const getWeather = tool(
      "get_weather",
      async (input: Record<string, unknown>, _id: string) => ((await mcp.callTool({ name: "get_weather", arguments: input })).content as Array<{ text: string }>)[0]!.text,
      { toolCallId: (_input, id) => id, input: (input) => input },
    );
    await agentTrace({ agentName: "claude-weather" }, () => loop((use) => getWeather(use.input, use.id)));
    const fnTools = memory.spans().filter((s) => s.metadata.tool_type === "function");
    check(fnTools, { inferred: false });
    const mcpTools = memory.spans().filter((s) => s.metadata.provider === "mcp");
    expect(mcpTools.map((s) => s.parentSpanId).sort()).toEqual(fnTools.map((s) => s.id).sort());
    expect(mcpTools.every((s) => s.metadata.tool_call_id === undefined)).toBe(true);
  });
});
