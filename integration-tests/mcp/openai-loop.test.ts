/**
 * An OpenAI agent loop whose tools are MCP tools, against nock: the trace must read as
 * `llm` (asks for two tools) → `tool` spans (tool_call_id + llm_span_id) → `llm` (tool_results_for).
 * Covered: `runTools()` with `tracium.tool()` functions (the call id comes from the runner), a
 * `runTools()` whose functions call MCP directly (linked by name and arguments), and a raw
 * `chat.completions.create` loop.
 */
import OpenAI from "openai-v6";
import { agentTrace, instrument, registerPlugin, tool, toolLinkStats, type SpanData } from "@tracium/core";
import { openaiPlugin } from "@tracium/openai";
import { beforeAll, describe, expect, it } from "vitest";
import { nock, useNock } from "../helpers/nock.js";
import { connect, memory, useMcpTracing, type Transport } from "./harness.js";

useMcpTracing();
useNock();
beforeAll(() => {
  registerPlugin(openaiPlugin);
  expect(instrument(OpenAI)).toBe(true);
});

const API = "https://api.openai.com";
const MODEL = "gpt-4o-mini";
const CALLS = [
  { id: "call_paris", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
  { id: "call_oslo", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
];
const PARAMETERS = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
const USAGE = { prompt_tokens: 30, completion_tokens: 10, total_tokens: 40 };

function completion(message: Record<string, unknown>, finish: string): Record<string, unknown> {
  return { id: "chatcmpl-x", object: "chat.completion", created: 1, model: `${MODEL}-2024-07-18`, choices: [{ index: 0, message: { role: "assistant", refusal: null, ...message }, logprobs: null, finish_reason: finish }], usage: USAGE };
}

type Body = { messages: Array<Record<string, unknown>> };

/** Round 1 asks for both cities; round 2 (which must carry both tool results) answers. */
function mockTwoRounds(seen: Body[]): void {
  nock(API)
    .post("/v1/chat/completions", (b: Body) => (seen.push(b), true))
    .reply(200, completion({ content: null, tool_calls: CALLS }, "tool_calls"))
    .post("/v1/chat/completions", (b: Body) => (seen.push(b), b.messages.filter((m) => m.role === "tool").length === 2))
    .reply(200, completion({ content: "Paris 21°C, Oslo 4°C" }, "stop"));
}

const client = (): OpenAI => new OpenAI({ apiKey: "sk-test", maxRetries: 0 });

/** The loop's spans: [llm1, llm2] and the tool spans by kind. */
function loopSpans(): { llm: SpanData[]; fnTools: SpanData[]; mcpTools: SpanData[] } {
  const spans = memory.spans();
  return {
    llm: spans.filter((s) => s.spanType === "llm").sort((a, b) => a.startedAt - b.startedAt),
    fnTools: spans.filter((s) => s.spanType === "tool" && s.metadata.tool_type === "function"),
    mcpTools: spans.filter((s) => s.spanType === "tool" && s.metadata.provider === "mcp"),
  };
}

const byCall = (spans: SpanData[], id: string): SpanData => {
  const found = spans.filter((s) => s.metadata.tool_call_id === id);
  expect(found, `tool span for ${id}`).toHaveLength(1);
  return found[0]!;
};

describe.each<Transport>(["in-memory", "stdio"])("OpenAI runTools() with MCP tools over %s", (transport) => {
  it("tracium.tool() functions: linked by the runner's tool call ids; MCP spans nest under them", async () => {
    const mcp = await connect(transport);
    const getWeather = tool("get_weather", async (args: { city: string }) => {
      const result = await mcp.callTool({ name: "get_weather", arguments: args });
      return (result.content as Array<{ text: string }>)[0]!.text;
    });
    const seen: Body[] = [];
    mockTwoRounds(seen);
    const answer = await agentTrace({ agentName: "weather-agent" }, () =>
      client()
        .chat.completions.runTools({
          model: MODEL,
          messages: [{ role: "user", content: "Weather in Paris and Oslo?" }],
          tools: [{ type: "function", function: { name: "get_weather", function: getWeather, parse: JSON.parse, parameters: PARAMETERS } }],
        })
        .finalContent(),
    );
    expect(answer).toBe("Paris 21°C, Oslo 4°C");
    expect(seen[1]!.messages.filter((m) => m.role === "tool").map((m) => m.content)).toEqual(["Paris: 21°C", "Oslo: 4°C"]);

    const { llm, fnTools, mcpTools } = loopSpans();
    expect(llm).toHaveLength(2);
    const [llm1, llm2] = llm as [SpanData, SpanData];
    expect(llm1.toolCalls?.map((c) => (c as { id: string }).id)).toEqual(["call_paris", "call_oslo"]);
    const paris = byCall(fnTools, "call_paris");
    const oslo = byCall(fnTools, "call_oslo");
    for (const [span, city] of [[paris, "Paris"], [oslo, "Oslo"]] as const) {
      expect(span).toMatchObject({ name: "get_weather", status: "completed", input: { city }, metadata: { llm_span_id: llm1.id } });
      expect(span.metadata.tool_call_inferred).toBeUndefined();
      // The MCP call made inside is its child, not linked a second time.
      const child = mcpTools.find((m) => m.parentSpanId === span.id)!;
      expect(child).toMatchObject({ name: "get_weather", input: { city }, metadata: { mcp_server_name: "weather-server" } });
      expect(child.metadata.tool_call_id).toBeUndefined();
    }
    expect(mcpTools).toHaveLength(2);
    expect(llm2.metadata).toMatchObject({ tool_results_for: ["call_paris", "call_oslo"], tool_span_ids: [paris.id, oslo.id] });
    // In record order: both tools ended before the second request started.
    const at = (kind: string, id: string): number => memory.records.findIndex((r) => r.kind === kind && "span" in r && r.span.id === id);
    expect(at("span_start", llm2.id)).toBeGreaterThan(Math.max(at("span_end", paris.id), at("span_end", oslo.id)));
    expect(toolLinkStats().pending).toBe(0);
  });
});

describe("OpenAI loops with MCP tools called directly", () => {
  it("runTools() functions that call MCP: the MCP spans are linked by tool name and arguments", async () => {
    const mcp = await connect("in-memory");
    const seen: Body[] = [];
    mockTwoRounds(seen);
    await agentTrace({ agentName: "weather-agent" }, () =>
      client()
        .chat.completions.runTools({
          model: MODEL,
          messages: [{ role: "user", content: "Weather in Paris and Oslo?" }],
          tools: [
            {
              type: "function",
              function: {
                name: "get_weather",
                parse: JSON.parse,
                parameters: PARAMETERS,
                function: async (args: { city: string }) => ((await mcp.callTool({ name: "get_weather", arguments: args })).content as Array<{ text: string }>)[0]!.text,
              },
            },
          ],
        })
        .finalContent(),
    );
    const { llm, mcpTools } = loopSpans();
    const [llm1, llm2] = llm as [SpanData, SpanData];
    const paris = byCall(mcpTools, "call_paris");
    const oslo = byCall(mcpTools, "call_oslo");
    expect(paris).toMatchObject({ input: { city: "Paris" }, metadata: { llm_span_id: llm1.id, tool_call_inferred: true } });
    expect(oslo).toMatchObject({ input: { city: "Oslo" }, metadata: { llm_span_id: llm1.id, tool_call_inferred: true } });
    expect(llm2.metadata).toMatchObject({ tool_results_for: ["call_paris", "call_oslo"], tool_span_ids: [paris.id, oslo.id] });
  });

  it("a raw create() loop, results sent in the opposite order: each tool span keeps its own call", async () => {
    const mcp = await connect("in-memory");
    const seen: Body[] = [];
    mockTwoRounds(seen);
    const oai = client();
    await agentTrace({ agentName: "raw-loop" }, async () => {
      const messages: Array<Record<string, unknown>> = [{ role: "user", content: "Weather in Paris and Oslo?" }];
      const first = await oai.chat.completions.create({ model: MODEL, messages: messages as never, tools: [{ type: "function", function: { name: "get_weather", parameters: PARAMETERS } }] });
      const message = first.choices[0]!.message;
      messages.push(message as never);
      const calls = [...(message.tool_calls ?? [])].reverse() as Array<{ id: string; function: { name: string; arguments: string } }>;
      for (const call of calls) {
        const result = await mcp.callTool({ name: call.function.name, arguments: JSON.parse(call.function.arguments) });
        messages.push({ role: "tool", tool_call_id: call.id, content: (result.content as Array<{ text: string }>)[0]!.text });
      }
      await oai.chat.completions.create({ model: MODEL, messages: messages as never });
    });
    const { llm, mcpTools } = loopSpans();
    const [llm1, llm2] = llm as [SpanData, SpanData];
    const oslo = byCall(mcpTools, "call_oslo");
    const paris = byCall(mcpTools, "call_paris");
    expect(oslo.input).toEqual({ city: "Oslo" });
    expect(paris.input).toEqual({ city: "Paris" });
    expect(oslo.metadata.llm_span_id).toBe(llm1.id);
    expect(llm2.metadata).toMatchObject({ tool_results_for: ["call_oslo", "call_paris"], tool_span_ids: [oslo.id, paris.id] });
  });
});
