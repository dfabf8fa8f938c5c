/**
 * `ollama` 0.6 traced by @tracium/ollama against a local server: the provider contract (await,
 * stream, break, error, tools, usage from prompt_eval_count/eval_count, generate, embed), the
 * module's default client, and byte-identical results with and without tracing.
 */
import { createRequire } from "node:module";
import type http from "node:http";
import { agentTrace, instrument, methodOwner, registerPlugin, uninstrument } from "@tracium/core";
import { ollamaPlugin } from "@tracium/ollama";
import { openaiPlugin } from "@tracium/openai";
import * as ollamaNs from "ollama";
import ollamaDefault, { Ollama } from "ollama";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { json } from "../helpers/routes.js";
import { collect, errorThroughPatch, sameResultTracedOrNot, useRoutedProvider } from "../helpers/contract.js";
import { MESSAGES, MODEL, TOOLS, chatParts, chatResponse, embedResponse, generateParts, generateResponse, ndjson, toolCallParts, toolCallResponse } from "./fixtures.js";

const provider = useRoutedProvider([openaiPlugin, ollamaPlugin], ollamaNs);
const { memory, only } = provider;

const client = (): Ollama => new Ollama({ host: provider.server.origin });
/** Answers JSON, or NDJSON parts when the request streams (the SDK always sends `stream`). */
const answer = (whole: () => unknown, parts: () => unknown[]) => (body: unknown, res: http.ServerResponse) => {
  if ((body as { stream?: boolean }).stream) {
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.end(ndjson(parts()));
  } else json(res, 200, whole());
};

describe("ollama 0.6", () => {
  beforeAll(() => {
    expect(instrument(ollamaNs)).toBe(true);
  });

  it("the module, its default client, the class and an instance are recognised; openai's plugin does not take them", () => {
    for (const t of [ollamaNs, ollamaDefault, Ollama, client()]) expect(ollamaPlugin.detect(t)).toBe(true);
    expect(openaiPlugin.detect(ollamaNs)).toBe(false);
    expect(ollamaPlugin.isPatched?.(ollamaDefault)).toBe(true);
  });

  it("chat: one llm span; prompt_eval_count/eval_count are the tokens; stream: false is the SDK's own", async () => {
    provider.server.route("/api/chat", answer(chatResponse, chatParts));
    const r = await client().chat({ model: MODEL, messages: MESSAGES, options: { temperature: 0.1, num_ctx: 4096 } });
    expect(r.message.content).toBe("Sunny, 21°C.");
    expect((provider.server.bodies[0] as Record<string, unknown>).stream).toBe(false);
    const span = only();
    expect(span).toMatchObject({ name: "ollama.chat", spanType: "llm", modelId: MODEL, output: "Sunny, 21°C.", usage: { inputTokens: 26, outputTokens: 9 } });
    expect(span.input).toEqual({ messages: MESSAGES });
    expect(span.metadata).toMatchObject({ provider: "ollama", operation: "chat", stream: false, request_params: { temperature: 0.1, num_ctx: 4096 }, finish_reasons: ["stop"], total_duration_ms: 250, load_duration_ms: 20 });
  });

  it("the module's default client is traced once the module is instrumented", async () => {
    provider.server.route("/api/chat", answer(chatResponse, chatParts));
    // The default client talks to OLLAMA_HOST; point its config at the local server for this call.
    const config = (ollamaDefault as unknown as { config: { host: string } }).config;
    const host = config.host;
    config.host = provider.server.origin;
    try {
      await ollamaDefault.chat({ model: MODEL, messages: MESSAGES });
    } finally {
      config.host = host;
    }
    expect(only().name).toBe("ollama.chat");
  });

  it("stream: the async iterator yields the same parts; text and tokens recorded at the end", async () => {
    provider.server.route("/api/chat", answer(chatResponse, chatParts));
    const parts = await collect(await client().chat({ model: MODEL, messages: MESSAGES, stream: true }));
    expect(parts.map((p) => p.message.content)).toEqual(["Sunny", ", 21°C.", ""]);
    const span = only();
    expect(span).toMatchObject({ output: "Sunny, 21°C.", usage: { inputTokens: 26, outputTokens: 9 } });
    expect(span.metadata).toMatchObject({ stream: true, stream_end_reason: "done", finish_reasons: ["stop"] });
    expect(span.metadata.time_to_first_token_ms).toEqual(expect.any(Number));
  });

  it("early break ends the span with the partial output", async () => {
    provider.server.route("/api/chat", answer(chatResponse, chatParts));
    for await (const _ of await client().chat({ model: MODEL, messages: MESSAGES, stream: true })) break;
    const span = only();
    expect(span.metadata.stream_end_reason).toBe("break");
    expect(span.output).toBe("Sunny");
  });

  it("an error is the very object the SDK's chat rejected with", async () => {
    provider.server.route("/api/chat", (_b, res) => json(res, 404, { error: "model 'nope' not found" }));
    const c = client();
    const owner = methodOwner(Object.getPrototypeOf(c), "chat")!;
    const { caught, produced } = await errorThroughPatch(ollamaNs, owner, "chat", () => c.chat({ model: "nope", messages: MESSAGES }));
    expect(caught).toMatchObject({ name: "ResponseError", status_code: 404 });
    expect(produced).toHaveLength(1);
    expect(caught).toBe(produced[0]);
    expect(only().status).toBe("failed");
  });

  it("an error fails the span and reaches the caller as the same ResponseError", async () => {
    provider.server.route("/api/chat", (_b, res) => json(res, 404, { error: "model 'nope' not found" }));
    const thrown = await client()
      .chat({ model: "nope", messages: MESSAGES })
      .then(() => undefined, (e: unknown) => e);
    expect(thrown).toMatchObject({ name: "ResponseError", status_code: 404, error: "model 'nope' not found" });
    const span = only();
    expect(span.status).toBe("failed");
    expect(span.error).toContain("model 'nope' not found");
  });

  it("tools: argument objects and no tool-call id (await and stream)", async () => {
    provider.server.route("/api/chat", answer(toolCallResponse, toolCallParts));
    await client().chat({ model: MODEL, messages: MESSAGES, tools: TOOLS });
    expect(only()).toMatchObject({ tools: TOOLS, toolCalls: [{ type: "function", function: { name: "get_weather", arguments: { city: "Paris" } } }] });
    memory.reset();
    await collect(await client().chat({ model: MODEL, messages: MESSAGES, tools: TOOLS, stream: true }));
    expect(only()).toMatchObject({ toolCalls: [{ function: { name: "get_weather", arguments: { city: "Paris" } } }], usage: { inputTokens: 26, outputTokens: 9 } });
  });

  it("generate (await and stream) and embed", async () => {
    provider.server.route("/api/generate", answer(generateResponse, generateParts));
    await client().generate({ model: MODEL, prompt: "Say hello in French", system: "Be brief." });
    expect(only()).toMatchObject({ name: "ollama.generate", input: { system: "Be brief.", prompt: "Say hello in French" }, output: "Bonjour.", usage: { inputTokens: 26, outputTokens: 9 } });
    memory.reset();
    await collect(await client().generate({ model: MODEL, prompt: "Say hello in French", stream: true }));
    expect(only()).toMatchObject({ output: "Bonjour.", metadata: { stream: true, stream_end_reason: "done" } });
    memory.reset();
    provider.server.route("/api/embed", (_b, res) => json(res, 200, embedResponse()));
    await client().embed({ model: "all-minilm", input: ["a", "b"] });
    expect(only()).toMatchObject({ name: "ollama.embed", spanType: "embedding", output: { embeddings_count: 2, dimensions: 3 }, usage: { inputTokens: 8 } });
  });

  it("the CommonJS build is patched on its own", async () => {
    const cjs = createRequire(import.meta.url)("ollama") as typeof ollamaNs;
    expect(cjs.Ollama).not.toBe(Ollama);
    expect(instrument(cjs)).toBe(true);
    provider.server.route("/api/chat", answer(chatResponse, chatParts));
    await new cjs.Ollama({ host: provider.server.origin }).chat({ model: MODEL, messages: MESSAGES });
    expect(only().name).toBe("ollama.chat");
    uninstrument(cjs);
  });
});

type Scenario = (o: Ollama) => Promise<unknown>;
const SCENARIOS: Record<string, Scenario> = {
  chat: async (o) => {
    provider.server.route("/api/chat", answer(chatResponse, chatParts));
    return o.chat({ model: MODEL, messages: MESSAGES });
  },
  "chat stream": async (o) => {
    provider.server.route("/api/chat", answer(chatResponse, chatParts));
    return collect(await o.chat({ model: MODEL, messages: MESSAGES, stream: true }));
  },
  tools: async (o) => {
    provider.server.route("/api/chat", answer(toolCallResponse, toolCallParts));
    return o.chat({ model: MODEL, messages: MESSAGES, tools: TOOLS });
  },
  "stream tools": async (o) => {
    provider.server.route("/api/chat", answer(toolCallResponse, toolCallParts));
    return collect(await o.chat({ model: MODEL, messages: MESSAGES, tools: TOOLS, stream: true }));
  },
  error: async (o) => {
    provider.server.route("/api/chat", (_b, res) => json(res, 404, { error: "model 'nope' not found" }));
    return o.chat({ model: MODEL, messages: MESSAGES }).then(
      () => "no error",
      (e: Error & { status_code?: number }) => ({ cls: e.constructor.name, name: e.name, message: e.message, status: e.status_code }),
    );
  },
  generate: async (o) => {
    provider.server.route("/api/generate", answer(generateResponse, generateParts));
    return o.generate({ model: MODEL, prompt: "Hi" });
  },
  embed: async (o) => {
    provider.server.route("/api/embed", (_b, res) => json(res, 200, embedResponse()));
    return o.embed({ model: "all-minilm", input: ["a", "b"] });
  },
};

sameResultTracedOrNot("ollama: byte-identical results, traced or not", provider, ollamaNs, client, SCENARIOS);
