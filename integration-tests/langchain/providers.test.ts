/**
 * ChatOpenAI and ChatAnthropic against nock with our openai and anthropic plugins on: exactly one
 * `llm` span per model call (the LangChain one), usage counted once in the trace summary — for
 * invoke, streaming and an agent loop — while the provider plugins keep tracing what LangChain
 * does not record: a direct SDK call made at the same time, a model call with no Tracium handler,
 * and an SDK call made inside a tool body (nested under the tool span).
 *
 * @langchain/openai and @langchain/anthropic use their own copies of the provider SDKs (ESM
 * builds, from an ES module app): those copies are the ones instrumented here.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ChatOpenAI } from "@langchain/openai";
import { ChatAnthropic } from "@langchain/anthropic";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { agentTrace, instrument, registerPlugin } from "@tracium/core";
import { openaiPlugin } from "@tracium/openai";
import { anthropicPlugin } from "@tracium/anthropic";
import { TraciumCallbackHandler, registerGlobalHandler, unregisterGlobalHandler } from "@tracium/langchain";
import { createAgent, tool } from "langchain";
import { z } from "zod";
import { nock, useNock } from "../helpers/nock.js";
import { SSE_HEADERS, sseBody, typedEvents } from "../helpers/sse.js";
import { memory, onlySpan, onlyTrace, tree, useTracium } from "./support.js";

useTracium();
useNock();

const require = createRequire(import.meta.url);

/** The ESM build of `dep` as `host` resolves it (its own nested copy). */
async function dependencyOf(host: string, dep: string): Promise<Record<string, unknown>> {
  const hostRequire = createRequire(require.resolve(host));
  const main = hostRequire.resolve(dep);
  let dir = dirname(main);
  while (!JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).exports) dir = dirname(dir);
  const exp = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).exports["."] as { default: string };
  return (await import(pathToFileURL(join(dir, exp.default)).href)) as Record<string, unknown>;
}

let LangChainOpenAI: new (opts: Record<string, unknown>) => { chat: { completions: { create(body: unknown): Promise<unknown> } } };

beforeAll(async () => {
  registerPlugin(openaiPlugin);
  registerPlugin(anthropicPlugin);
  const openaiCopy = await dependencyOf("@langchain/openai", "openai");
  const anthropicCopy = await dependencyOf("@langchain/anthropic", "@anthropic-ai/sdk");
  expect(instrument(openaiCopy)).toBe(true);
  expect(instrument(anthropicCopy)).toBe(true);
  LangChainOpenAI = openaiCopy.default as typeof LangChainOpenAI;
});

// ------------------------------------------------------------------------ payloads

const OPENAI = "https://api.openai.com";
const ANTHROPIC = "https://api.anthropic.com";

/** prompt 20 (8 cached), completion 7 (3 reasoning) → input 12, cached 8, output 7, reasoning 3. */
const OPENAI_USAGE = {
  prompt_tokens: 20,
  completion_tokens: 7,
  total_tokens: 27,
  prompt_tokens_details: { cached_tokens: 8 },
  completion_tokens_details: { reasoning_tokens: 3 },
};
const OPENAI_TOKENS = { inputTokens: 12, cachedInputTokens: 8, outputTokens: 7, reasoningTokens: 3 };

let completionIds = 0;

function chatCompletion(content: string | null, extra: Record<string, unknown> = {}, usage = OPENAI_USAGE): Record<string, unknown> {
  return {
    // Distinct ids: LangGraph's message reducer merges messages that share one.
    id: `chatcmpl-${++completionIds}`,
    object: "chat.completion",
    created: 1_700_000_000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, message: { role: "assistant", content, refusal: null, ...extra }, logprobs: null, finish_reason: extra.tool_calls ? "tool_calls" : "stop" }],
    usage,
  };
}

function chatChunks(texts: string[]): unknown[] {
  const base = { id: "chatcmpl-2", object: "chat.completion.chunk", created: 1_700_000_000, model: "gpt-4o-mini-2024-07-18" };
  return [
    ...texts.map((t, i) => ({ ...base, choices: [{ index: 0, delta: i === 0 ? { role: "assistant", content: t } : { content: t }, finish_reason: null }] })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
    { ...base, choices: [], usage: OPENAI_USAGE },
  ];
}

/** Anthropic: input 10 uncached + 4 cache reads + 6 cache writes, output 5. */
const ANTHROPIC_USAGE = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 4, cache_creation_input_tokens: 6 };
const ANTHROPIC_TOKENS = { inputTokens: 10, cachedInputTokens: 4, cacheCreationInputTokens: 6, outputTokens: 5 };

function anthropicMessage(text: string): Record<string, unknown> {
  return {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: ANTHROPIC_USAGE,
  };
}

function anthropicEvents(texts: string[]): unknown[] {
  return typedEvents([
    {
      type: "message_start",
      message: { id: "msg_2", type: "message", role: "assistant", model: "claude-sonnet-4-5-20250929", content: [], stop_reason: null, stop_sequence: null, usage: { ...ANTHROPIC_USAGE, output_tokens: 1 } },
    },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    ...texts.map((text) => ({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })),
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 5 } },
    { type: "message_stop" },
  ] as Array<{ type: string }>);
}

const openaiModel = (extra: Record<string, unknown> = {}) => new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "sk-test", maxRetries: 0, ...extra });
const anthropicModel = (extra: Record<string, unknown> = {}) =>
  new ChatAnthropic({ model: "claude-sonnet-4-5", apiKey: "sk-ant-test", maxRetries: 0, ...extra });

const llmSpans = () => memory.spans().filter((s) => s.spanType === "llm");

// ------------------------------------------------------------------------ tests

describe("ChatOpenAI with the openai plugin on", () => {
  it("invoke in prompt | model | parser: one llm span, usage normalised and counted once", async () => {
    nock(OPENAI).post("/v1/chat/completions").reply(200, chatCompletion("Hello there"));
    const handler = new TraciumCallbackHandler();
    const chain = ChatPromptTemplate.fromMessages([["system", "You are terse."], ["human", "{q}"]]).pipe(openaiModel({ temperature: 0.3 })).pipe(new StringOutputParser());
    expect(await chain.invoke({ q: "Say hello" }, { callbacks: [handler] })).toBe("Hello there");

    const trace = onlyTrace();
    expect(tree(trace.id)).toEqual(["chain:RunnableSequence", "  llm:ChatOpenAI"]);
    const llm = onlySpan(trace.id, "llm");
    expect(llm.usage).toEqual(OPENAI_TOKENS);
    expect(llm.modelId).toBe("gpt-4o-mini-2024-07-18");
    expect(llm.metadata).toMatchObject({
      provider: "openai",
      operation: "chat",
      request_model: "gpt-4o-mini",
      request_params: expect.objectContaining({ temperature: 0.3 }),
      finish_reasons: ["stop"],
      stream: false,
    });
    expect(trace.summary).toMatchObject({ input_tokens: 12, cached_input_tokens: 8, output_tokens: 7, reasoning_tokens: 3, total_tokens: 27, llm_calls: 1 });
    expect(trace.modelId).toBe("gpt-4o-mini-2024-07-18");
    expect(trace.systemPrompt).toBe("You are terse.");
  });

  it("stream: one llm span with the joined text, usage from the stream counted once", async () => {
    nock(OPENAI).post("/v1/chat/completions").reply(200, sseBody(chatChunks(["Hel", "lo", "!"])), SSE_HEADERS);
    const handler = new TraciumCallbackHandler();
    let text = "";
    for await (const chunk of await openaiModel().stream("Say hello", { callbacks: [handler] })) text += String(chunk.content);
    expect(text).toBe("Hello!");
    const trace = onlyTrace();
    expect(llmSpans()).toHaveLength(1);
    const llm = onlySpan(trace.id, "llm");
    expect(llm.output).toEqual({ role: "assistant", content: "Hello!" });
    expect(llm.usage).toEqual(OPENAI_TOKENS);
    expect(llm.metadata).toMatchObject({ stream: true, time_to_first_token_ms: expect.any(Number), finish_reasons: ["stop"] });
    expect(trace.summary).toMatchObject({ input_tokens: 12, output_tokens: 7, llm_calls: 1 });
  });

  it("a direct SDK call made at the same time as a LangChain call is still traced by the plugin", async () => {
    nock(OPENAI).post("/v1/chat/completions").delay(30).reply(200, chatCompletion("from langchain"));
    nock(OPENAI).post("/v1/chat/completions").delay(30).reply(200, chatCompletion("direct"));
    const handler = new TraciumCallbackHandler();
    const direct = new LangChainOpenAI({ apiKey: "sk-test", maxRetries: 0 });
    await agentTrace({ agentName: "mixed" }, async () => {
      await Promise.all([
        openaiModel().invoke("via langchain", { callbacks: [handler] }),
        (async () => {
          await new Promise((r) => setTimeout(r, 5)); // the LangChain call is in flight by now
          await direct.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "direct" }] });
        })(),
      ]);
    });
    const trace = onlyTrace();
    const spans = llmSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(["ChatOpenAI", "openai.chat.completions"]);
    expect(trace.summary).toMatchObject({ llm_calls: 2, input_tokens: 24, output_tokens: 14 });
  });

  it("without a Tracium handler, the plugin records the call (one llm span)", async () => {
    nock(OPENAI).post("/v1/chat/completions").reply(200, chatCompletion("plain"));
    await agentTrace({ agentName: "plain" }, () => openaiModel().invoke("hi"));
    expect(llmSpans().map((s) => s.name)).toEqual(["openai.chat.completions"]);
    expect(onlyTrace().summary).toMatchObject({ llm_calls: 1, input_tokens: 12 });
  });

  it("an agent loop: one llm span per model turn; an SDK call in the tool body nests under the tool span", async () => {
    const toolCall = { tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] };
    nock(OPENAI).post("/v1/chat/completions").reply(200, chatCompletion(null, toolCall));
    nock(OPENAI).post("/v1/chat/completions").reply(200, chatCompletion("inner summary")); // made by the tool body
    nock(OPENAI).post("/v1/chat/completions").reply(200, chatCompletion("It is sunny in Paris."));
    const sdk = new LangChainOpenAI({ apiKey: "sk-test", maxRetries: 0 });
    const getWeather = tool(
      async ({ city }: { city: string }) => {
        await sdk.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `summarise weather of ${city}` }] });
        return `sunny in ${city}`;
      },
      { name: "get_weather", description: "Weather for a city", schema: z.object({ city: z.string() }) },
    );
    const handler = new TraciumCallbackHandler({ agentName: "weather" });
    const agent = createAgent({ model: openaiModel(), tools: [getWeather] });
    const result = await agent.invoke({ messages: [{ role: "user", content: "Weather in Paris?" }] }, { callbacks: [handler] });
    expect(result.messages.at(-1)?.content).toBe("It is sunny in Paris.");

    const trace = onlyTrace();
    expect(tree(trace.id)).toEqual([
      "chain:LangGraph",
      "  chain:model_request",
      "    llm:ChatOpenAI",
      "    chain:RunnableLambda",
      "  chain:tools",
      "    tool:get_weather",
      "      llm:openai.chat.completions",
      "  chain:model_request",
      "    llm:ChatOpenAI",
      "    chain:RunnableLambda",
    ]);
    const [first] = memory.spans(trace.id).filter((s) => s.name === "ChatOpenAI");
    expect(first!.toolCalls).toEqual([{ id: "call_1", type: "tool_call", name: "get_weather", args: { city: "Paris" } }]);
    expect(onlySpan(trace.id, "tool", "get_weather").metadata).toMatchObject({ tool_call_id: "call_1", llm_span_id: first!.id });
    expect(trace.summary).toMatchObject({ llm_calls: 3, input_tokens: 36, cached_input_tokens: 24, output_tokens: 21 });
  });
});

describe("ChatAnthropic with the anthropic plugin on", () => {
  it("invoke: one llm span; LangChain's input_tokens (cache included) normalised to Tracium's rule", async () => {
    nock(ANTHROPIC).post("/v1/messages").reply(200, anthropicMessage("Hi!"));
    const handler = new TraciumCallbackHandler();
    const out = await anthropicModel({ maxTokens: 64 }).invoke("Say hi", { callbacks: [handler] });
    expect(out.content).toBe("Hi!");
    const trace = onlyTrace();
    expect(llmSpans()).toHaveLength(1);
    const llm = onlySpan(trace.id, "llm", "ChatAnthropic");
    expect(llm.usage).toEqual(ANTHROPIC_TOKENS);
    expect(llm.metadata).toMatchObject({ provider: "anthropic", operation: "chat", request_model: "claude-sonnet-4-5", finish_reasons: ["end_turn"], stream: false });
    expect(llm.metadata.request_params).toMatchObject({ max_tokens: 64 });
    expect(llm.modelId).toBe("claude-sonnet-4-5-20250929");
    expect(trace.summary).toMatchObject({ input_tokens: 10, cached_input_tokens: 4, cache_creation_input_tokens: 6, output_tokens: 5, total_tokens: 25, llm_calls: 1 });
  });

  it("stream: one llm span with the joined text", async () => {
    nock(ANTHROPIC).post("/v1/messages").reply(200, sseBody(anthropicEvents(["Hel", "lo"]), { named: true, done: false }), SSE_HEADERS);
    const handler = new TraciumCallbackHandler();
    let text = "";
    for await (const chunk of await anthropicModel().stream("Say hello", { callbacks: [handler] })) {
      if (typeof chunk.content === "string") text += chunk.content;
    }
    expect(text).toBe("Hello");
    const trace = onlyTrace();
    expect(llmSpans()).toHaveLength(1);
    const llm = onlySpan(trace.id, "llm", "ChatAnthropic");
    expect(llm.output).toEqual({ role: "assistant", content: "Hello" });
    expect(llm.metadata).toMatchObject({ stream: true, time_to_first_token_ms: expect.any(Number) });
    expect(llm.usage.inputTokens).toBe(10);
    expect(llm.usage.cachedInputTokens).toBe(4);
    expect(llm.usage.cacheCreationInputTokens).toBe(6);
    expect(trace.summary).toMatchObject({ llm_calls: 1, input_tokens: 10 });
  });

  it("a failing call (API error): the llm span fails once, the same error reaches the caller", async () => {
    nock(ANTHROPIC)
      .post("/v1/messages")
      .reply(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    const handler = new TraciumCallbackHandler();
    const err = await anthropicModel()
      .invoke("hi", { callbacks: [handler] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const trace = onlyTrace();
    expect(trace.status).toBe("failed");
    expect(llmSpans()).toHaveLength(1);
    const llm = onlySpan(trace.id, "llm", "ChatAnthropic");
    expect(llm.status).toBe("failed");
    expect(llm.error).toContain("Overloaded");
  });
});

describe("global registration with both provider plugins on", () => {
  it("ChatOpenAI and ChatAnthropic called without callbacks: one llm span each, usage counted once", async () => {
    nock(OPENAI).post("/v1/chat/completions").reply(200, chatCompletion("from openai"));
    nock(ANTHROPIC).post("/v1/messages").reply(200, anthropicMessage("from anthropic"));
    registerGlobalHandler({ agentName: "global" });
    try {
      await agentTrace({ agentName: "two-models" }, async () => {
        await openaiModel().invoke("hi");
        await anthropicModel().invoke("hi");
      });
    } finally {
      unregisterGlobalHandler();
    }
    const trace = onlyTrace();
    expect(llmSpans().map((s) => s.name)).toEqual(["ChatOpenAI", "ChatAnthropic"]);
    expect(trace.summary).toMatchObject({
      llm_calls: 2,
      input_tokens: 12 + 10,
      cached_input_tokens: 8 + 4,
      cache_creation_input_tokens: 6,
      output_tokens: 7 + 5,
      models: ["gpt-4o-mini-2024-07-18", "claude-sonnet-4-5-20250929"],
    });
  });
});
