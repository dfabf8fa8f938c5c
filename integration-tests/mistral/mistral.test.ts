/**
 * `@mistralai/mistralai` 2.x traced by @tracium/mistral against a local server: the provider
 * contract (await, stream, break, error, tools, usage incl. cached tokens, embeddings, parse) and
 * byte-identical results with and without tracing (the SDK validates every response strictly).
 */
import { agentTrace, instrument, methodOwner, registerPlugin, tool, uninstrument } from "@tracium/core";
import { mistralPlugin } from "@tracium/mistral";
import { openaiPlugin } from "@tracium/openai";
import * as mistralNs from "@mistralai/mistralai";
import { Mistral } from "@mistralai/mistralai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { json } from "../helpers/routes.js";
import { collect, errorThroughPatch, sameResultTracedOrNot, sseReply, useRoutedProvider } from "../helpers/contract.js";
import { ERROR_400, MESSAGES, MODEL, TOOLS, chatCompletion, embeddingsResponse, textChunks, toolCallChunks, toolCallCompletion } from "./fixtures.js";

const provider = useRoutedProvider([openaiPlugin, mistralPlugin], mistralNs);
const { memory, only } = provider;

const CHAT = "/v1/chat/completions";
const EMBED = "/v1/embeddings";
const client = (): Mistral => new Mistral({ apiKey: "m-test", serverURL: provider.server.origin });
const sse = sseReply;

describe("@mistralai/mistralai 2.x", () => {
  beforeAll(() => {
    expect(instrument(mistralNs)).toBe(true);
  });

  it("is recognised by its plugin only", () => {
    expect(mistralPlugin.detect(Mistral)).toBe(true);
    expect(mistralPlugin.detect(client())).toBe(true);
    expect(openaiPlugin.detect(mistralNs)).toBe(false);
    expect(mistralPlugin.isPatched?.(mistralNs)).toBe(true);
  });

  it("chat.complete: one llm span with model, input, output, camelCase usage (cached tokens split out)", async () => {
    provider.server.route(CHAT, (_b, res) => json(res, 200, chatCompletion()));
    const r = await client().chat.complete({ model: MODEL, messages: MESSAGES, maxTokens: 64, temperature: 0.3 });
    expect(r.choices[0]!.message.content).toBe("Sunny, 21°C.");
    expect(r.usage.promptTokens).toBe(14);
    const span = only();
    expect(span).toMatchObject({ name: "mistral.chat", spanType: "llm", modelId: MODEL, output: "Sunny, 21°C.", usage: { inputTokens: 10, cachedInputTokens: 4, outputTokens: 6 } });
    expect(span.input).toEqual({ messages: MESSAGES });
    expect(span.metadata).toMatchObject({ provider: "mistral", operation: "chat", stream: false, request_params: { max_tokens: 64, temperature: 0.3 }, response_id: "cmpl-mistral-1", finish_reasons: ["stop"] });
  });

  it("chat.stream: events are { data: chunk }; text, usage and time to first token recorded", async () => {
    provider.server.route(CHAT, sse(textChunks()));
    const events = await collect(await client().chat.stream({ model: MODEL, messages: MESSAGES }));
    expect(events).toHaveLength(4);
    expect(events[1]!.data.choices[0]!.delta.content).toBe("Sunny");
    const span = only();
    expect(span).toMatchObject({ output: "Sunny, 21°C.", usage: { inputTokens: 10, cachedInputTokens: 4, outputTokens: 6 } });
    expect(span.metadata).toMatchObject({ stream: true, stream_end_reason: "done", finish_reasons: ["stop"] });
    expect(span.metadata.time_to_first_token_ms).toEqual(expect.any(Number));
  });

  it("early break ends the span with the partial output", async () => {
    provider.server.route(CHAT, sse(textChunks()));
    let n = 0;
    for await (const _ of await client().chat.stream({ model: MODEL, messages: MESSAGES })) if (++n === 2) break;
    const span = only();
    expect(span.metadata.stream_end_reason).toBe("break");
    expect(span.status).toBe("completed");
  });

  it("an API error is the very object the SDK's complete rejected with", async () => {
    provider.server.route(CHAT, (_b, res) => json(res, 400, ERROR_400));
    const c = client();
    const owner = methodOwner(Object.getPrototypeOf(c.chat), "complete")!;
    const { caught, produced } = await errorThroughPatch(mistralNs, owner, "complete", () => c.chat.complete({ model: "nope", messages: MESSAGES }));
    expect((caught as { statusCode?: number }).statusCode).toBe(400);
    expect(produced).toHaveLength(1);
    expect(caught).toBe(produced[0]);
    expect(only().status).toBe("failed");
  });

  it("an API error fails the span and reaches the caller as the same error object", async () => {
    provider.server.route(CHAT, (_b, res) => json(res, 400, ERROR_400));
    const thrown = await client()
      .chat.complete({ model: "nope", messages: MESSAGES })
      .then(() => undefined, (e: unknown) => e);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as { statusCode?: number }).statusCode).toBe(400);
    const span = only();
    expect(span.status).toBe("failed");
    expect(span.error).toContain("Invalid model");
  });

  it("tools: offered tools and the tool calls asked for (complete and stream)", async () => {
    provider.server.route(CHAT, (_b, res) => json(res, 200, toolCallCompletion()));
    await client().chat.complete({ model: MODEL, messages: MESSAGES, tools: TOOLS });
    expect(only()).toMatchObject({ tools: TOOLS, toolCalls: [{ id: "abc123XYZ", type: "function", function: { name: "get_weather", arguments: '{"city": "Paris"}' } }], metadata: { finish_reasons: ["tool_calls"] } });
    memory.reset();
    provider.server.route(CHAT, sse(toolCallChunks()));
    await collect(await client().chat.stream({ model: MODEL, messages: MESSAGES, tools: TOOLS }));
    expect(only()).toMatchObject({ toolCalls: [{ id: "tc9XYZabc", function: { name: "get_weather", arguments: '{"city": "Paris"}' } }], usage: { inputTokens: 10, outputTokens: 6 } });
  });

  it("tool loop: the next request's tool message (camelCase toolCallId) names the call it answers and its tool span", async () => {
    let round = 0;
    provider.server.route(CHAT, (_b, res) => json(res, 200, round++ === 0 ? toolCallCompletion() : chatCompletion("Sunny, 21°C in Paris.")));
    const getWeather = tool("get_weather", async ({ city }: { city: string }) => ({ city, temperature_c: 21 }));
    await agentTrace({ agentName: "mistral-tools" }, async () => {
      const messages: Array<Record<string, unknown>> = [...MESSAGES];
      const first = await client().chat.complete({ model: MODEL, messages: messages as never, tools: TOOLS });
      const message = first.choices[0]!.message;
      const call = message.toolCalls![0]!;
      const out = await getWeather(JSON.parse(call.function.arguments as string) as { city: string });
      messages.push(message as never, { role: "tool", toolCallId: call.id, name: call.function.name, content: JSON.stringify(out) });
      await client().chat.complete({ model: MODEL, messages: messages as never, tools: TOOLS });
    });
    const spans = memory.spans();
    const [ask, answer] = spans.filter((x) => x.spanType === "llm").sort((a, b) => a.startedAt - b.startedAt);
    const toolSpan = spans.find((x) => x.spanType === "tool")!;
    expect(toolSpan.metadata).toMatchObject({ tool_call_id: "abc123XYZ", llm_span_id: ask!.id });
    expect(answer!.metadata).toMatchObject({ tool_results_for: ["abc123XYZ"], tool_span_ids: [toolSpan.id] });
  });

  it("embeddings.create: `inputs` recorded as input; one embedding span", async () => {
    provider.server.route(EMBED, (_b, res) => json(res, 200, embeddingsResponse()));
    await client().embeddings.create({ model: "mistral-embed", inputs: ["a"] });
    expect((provider.server.bodies[0] as Record<string, unknown>).input).toEqual(["a"]);
    expect(only()).toMatchObject({ name: "mistral.embeddings", spanType: "embedding", input: { input: ["a"] }, output: { embeddings_count: 1, dimensions: 4 }, usage: { inputTokens: 3 } });
  });

  it("chat.parse (its own HTTP call) is one span too", async () => {
    provider.server.route(CHAT, (_b, res) => json(res, 200, chatCompletion('{"city":"Paris"}')));
    const { z } = await import("zod");
    const r = await client().chat.parse({ model: MODEL, messages: MESSAGES, responseFormat: z.object({ city: z.string() }) });
    expect(r.choices?.[0]?.message?.parsed).toEqual({ city: "Paris" });
    expect(only()).toMatchObject({ name: "mistral.chat", output: '{"city":"Paris"}' });
  });

  it("a client built before instrument() is traced too (the resource getter patches its prototype)", async () => {
    uninstrument(mistralNs);
    const early = client();
    void early.chat; // resource built untraced
    expect(instrument(Mistral)).toBe(true);
    provider.server.route(CHAT, (_b, res) => json(res, 200, chatCompletion()));
    await early.chat.complete({ model: MODEL, messages: MESSAGES });
    expect(only().name).toBe("mistral.chat");
  });
});

type Scenario = (m: Mistral) => Promise<unknown>;
const SCENARIOS: Record<string, Scenario> = {
  complete: async (m) => {
    provider.server.route(CHAT, (_b, res) => json(res, 200, chatCompletion()));
    return m.chat.complete({ model: MODEL, messages: MESSAGES });
  },
  stream: async (m) => {
    provider.server.route(CHAT, sse(textChunks()));
    return collect(await m.chat.stream({ model: MODEL, messages: MESSAGES }));
  },
  "stream tools": async (m) => {
    provider.server.route(CHAT, sse(toolCallChunks()));
    return collect(await m.chat.stream({ model: MODEL, messages: MESSAGES, tools: TOOLS }));
  },
  tools: async (m) => {
    provider.server.route(CHAT, (_b, res) => json(res, 200, toolCallCompletion()));
    return m.chat.complete({ model: MODEL, messages: MESSAGES, tools: TOOLS });
  },
  error: async (m) => {
    provider.server.route(CHAT, (_b, res) => json(res, 400, ERROR_400));
    return m.chat.complete({ model: MODEL, messages: MESSAGES }).then(
      () => "no error",
      (e: Error & { statusCode?: number; body?: string }) => ({ cls: e.constructor.name, message: e.message, status: e.statusCode, body: e.body }),
    );
  },
  embeddings: async (m) => {
    provider.server.route(EMBED, (_b, res) => json(res, 200, embeddingsResponse()));
    return m.embeddings.create({ model: "mistral-embed", inputs: ["a"] });
  },
};

sameResultTracedOrNot("@mistralai/mistralai: byte-identical results, traced or not", provider, mistralNs, client, SCENARIOS);
