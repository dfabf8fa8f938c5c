/**
 * `groq-sdk` 1.x traced by @tracium/groq against a local server: the provider contract (await,
 * withResponse/asResponse, stream, break, error, tools, usage, embeddings), both builds, and
 * byte-identical results with and without tracing.
 */
import { createRequire } from "node:module";
import { agentTrace, instrument, methodOwner, registerPlugin, uninstrument } from "@tracium/core";
import { groqPlugin } from "@tracium/groq";
import { openaiPlugin } from "@tracium/openai";
import * as groqNs from "groq-sdk";
import Groq from "groq-sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { json } from "../helpers/routes.js";
import { collect, errorThroughPatch, sameResultTracedOrNot, sseReply, useRoutedProvider } from "../helpers/contract.js";
import { ERROR_400, MESSAGES, MODEL, TOOLS, chatCompletion, embeddingsResponse, textChunks, toolCallChunks, toolCallCompletion } from "./fixtures.js";

const provider = useRoutedProvider([openaiPlugin, groqPlugin], groqNs);
const { memory, only } = provider;

const CHAT = "/openai/v1/chat/completions";
const client = (): Groq => new Groq({ apiKey: "gsk-test", baseURL: provider.server.origin, maxRetries: 0 });
const sse = sseReply;

describe("groq-sdk 1.x", () => {
  beforeAll(() => {
    expect(instrument(groqNs)).toBe(true);
  });

  it("is told apart from openai: each plugin recognises only its own SDK", () => {
    expect(groqPlugin.detect(Groq)).toBe(true);
    expect(openaiPlugin.detect(Groq)).toBe(false);
    expect(openaiPlugin.detect(client())).toBe(false);
    expect(groqPlugin.detect(OpenAI)).toBe(false);
    expect(groqPlugin.isPatched?.(groqNs)).toBe(true);
  });

  it("await: one llm span with model, input, output, usage (cached tokens split out)", async () => {
    provider.server.route(CHAT, (_b, res) => json(res, 200, chatCompletion()));
    const r = await client().chat.completions.create({ model: MODEL, messages: MESSAGES, temperature: 0.2 });
    expect(r.choices[0]!.message.content).toBe("Sunny, 21°C.");
    const span = only();
    expect(span).toMatchObject({ name: "groq.chat.completions", spanType: "llm", modelId: MODEL, output: "Sunny, 21°C.", usage: { inputTokens: 8, cachedInputTokens: 4, outputTokens: 5 } });
    expect(span.input).toEqual({ messages: MESSAGES });
    expect(span.metadata).toMatchObject({ provider: "groq", operation: "chat", stream: false, request_params: { temperature: 0.2 }, response_id: "chatcmpl-groq-1", finish_reasons: ["stop"], http_status: 200 });
  });

  it("withResponse() and asResponse() keep working (APIPromise kept)", async () => {
    provider.server.route(CHAT, (_b, res) => json(res, 200, chatCompletion()));
    const { data, response } = await client().chat.completions.create({ model: MODEL, messages: MESSAGES }).withResponse();
    expect(data.id).toBe("chatcmpl-groq-1");
    expect(response.status).toBe(200);
    memory.reset();
    const raw = await client().chat.completions.create({ model: MODEL, messages: MESSAGES }).asResponse();
    expect(raw.bodyUsed).toBe(false);
    // The span ends a macrotask after the raw response, once nothing has started to parse it.
    await new Promise((r) => setTimeout(r, 5));
    expect(only().metadata).toMatchObject({ response_body_unread: true, http_status: 200 });
    await raw.text();
  });

  it("stream: usage from x_groq.usage on the last chunk; no stream_options sent", async () => {
    provider.server.route(CHAT, sse(textChunks()));
    const chunks = await collect(await client().chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true }));
    expect(chunks).toHaveLength(4);
    expect((provider.server.bodies[0] as Record<string, unknown>).stream_options).toBeUndefined();
    const span = only();
    expect(span).toMatchObject({ output: "Sunny, 21°C.", usage: { inputTokens: 8, cachedInputTokens: 4, outputTokens: 5 } });
    expect(span.metadata).toMatchObject({ stream: true, stream_end_reason: "done", finish_reasons: ["stop"] });
    expect(span.metadata.time_to_first_token_ms).toEqual(expect.any(Number));
  });

  it("early break ends the span with the partial output", async () => {
    provider.server.route(CHAT, sse(textChunks()));
    const stream = await client().chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });
    let n = 0;
    for await (const _ of stream) if (++n === 2) break;
    const span = only();
    expect(span.metadata.stream_end_reason).toBe("break");
    expect(span.status).toBe("completed");
  });

  it("an API error is the very object the SDK's create rejected with", async () => {
    provider.server.route(CHAT, (_b, res) => json(res, 400, ERROR_400));
    const c = client();
    const owner = methodOwner(Object.getPrototypeOf(c.chat.completions), "create")!;
    const { caught, produced } = await errorThroughPatch(groqNs, owner, "create", () => c.chat.completions.create({ model: MODEL, messages: MESSAGES }));
    expect(caught).toBeInstanceOf(Groq.BadRequestError);
    expect(produced).toHaveLength(1);
    expect(caught).toBe(produced[0]);
    expect(only().status).toBe("failed");
  });

  it("an API error fails the span and reaches the caller as the same error object", async () => {
    provider.server.route(CHAT, (_b, res) => json(res, 400, ERROR_400));
    let caught: unknown;
    const p = client().chat.completions.create({ model: MODEL, messages: MESSAGES });
    try {
      await p;
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Groq.BadRequestError);
    const span = only();
    expect(span.status).toBe("failed");
    expect(span.metadata.http_status).toBe(400);
    expect(span.error).toContain("model not found");
  });

  it("tools: offered tools and the tool calls asked for (await and stream)", async () => {
    provider.server.route(CHAT, (_b, res) => json(res, 200, toolCallCompletion()));
    await client().chat.completions.create({ model: MODEL, messages: MESSAGES, tools: TOOLS });
    expect(only()).toMatchObject({ tools: TOOLS, toolCalls: [{ id: "call_g1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] });
    memory.reset();
    provider.server.route(CHAT, sse(toolCallChunks()));
    await collect(await client().chat.completions.create({ model: MODEL, messages: MESSAGES, tools: TOOLS, stream: true }));
    expect(only()).toMatchObject({ toolCalls: [{ id: "call_g2", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }], usage: { inputTokens: 8, outputTokens: 5 } });
  });

  it("embeddings: one embedding span", async () => {
    provider.server.route("/openai/v1/embeddings", (_b, res) => json(res, 200, embeddingsResponse()));
    await client().embeddings.create({ model: "nomic-embed-text-v1_5", input: "a" });
    expect(only()).toMatchObject({ name: "groq.embeddings", spanType: "embedding", output: { embeddings_count: 1, dimensions: 3 }, usage: { inputTokens: 3 } });
  });

  it("the CommonJS build is a different set of classes, patched on its own", async () => {
    const cjs = createRequire(import.meta.url)("groq-sdk") as typeof groqNs;
    expect(cjs.Groq).not.toBe(Groq);
    expect(instrument(cjs)).toBe(true);
    provider.server.route(CHAT, (_b, res) => json(res, 200, chatCompletion()));
    await new cjs.Groq({ apiKey: "gsk-test", baseURL: provider.server.origin, maxRetries: 0 }).chat.completions.create({ model: MODEL, messages: MESSAGES });
    expect(only().name).toBe("groq.chat.completions");
    uninstrument(cjs);
  });
});

type Scenario = (g: Groq) => Promise<unknown>;
const SCENARIOS: Record<string, Scenario> = {
  await: async (g) => {
    provider.server.route(CHAT, (_b, res) => json(res, 200, chatCompletion()));
    return g.chat.completions.create({ model: MODEL, messages: MESSAGES });
  },
  stream: async (g) => {
    provider.server.route(CHAT, sse(textChunks()));
    return collect(await g.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true }));
  },
  "stream tools": async (g) => {
    provider.server.route(CHAT, sse(toolCallChunks()));
    return collect(await g.chat.completions.create({ model: MODEL, messages: MESSAGES, tools: TOOLS, stream: true }));
  },
  "toReadableStream bytes": async (g) => {
    provider.server.route(CHAT, sse(textChunks()));
    return new Response((await g.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true })).toReadableStream()).text();
  },
  tools: async (g) => {
    provider.server.route(CHAT, (_b, res) => json(res, 200, toolCallCompletion()));
    return g.chat.completions.create({ model: MODEL, messages: MESSAGES, tools: TOOLS });
  },
  error: async (g) => {
    provider.server.route(CHAT, (_b, res) => json(res, 400, ERROR_400));
    return g.chat.completions.create({ model: MODEL, messages: MESSAGES }).then(
      () => "no error",
      (e: InstanceType<typeof Groq.APIError>) => ({ cls: e.constructor.name, message: e.message, status: e.status, error: e.error }),
    );
  },
  embeddings: async (g) => {
    provider.server.route("/openai/v1/embeddings", (_b, res) => json(res, 200, embeddingsResponse()));
    return g.embeddings.create({ model: "nomic-embed-text-v1_5", input: "a" });
  },
};

sameResultTracedOrNot("groq-sdk: byte-identical results, traced or not", provider, groqNs, client, SCENARIOS);
