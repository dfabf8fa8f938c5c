/**
 * @tracium/google-genai against the real @google/genai, 1.x, 2.x and 3.x side by side (3.x only on
 * Node >= 22), through a scripted local Gemini endpoint. Each test is named after the contract it
 * proves.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { agentTrace, init, instrument, MemoryExporter, registerPlugin, tool, uninstrument, type SpanData } from "@tracium/core";
import { googleGenAIPlugin } from "@tracium/google-genai";
import { MODEL, MODEL_VERSION, NODE_MAJOR, V3_SKIP_REASON, VERSIONS, client, response, startGeminiServer, streamChunks, type GeminiServer, type Version } from "./fixtures.js";

const exporter = new MemoryExporter();
let server: GeminiServer;

beforeAll(async () => {
  server = await startGeminiServer();
  init({ exporter, logLevel: "silent" });
  registerPlugin(googleGenAIPlugin);
  for (const v of VERSIONS) expect(instrument(v.sdk)).toBe(true);
});
afterEach(() => {
  const left = server.pending();
  server.clear();
  server.requests.length = 0;
  exporter.reset();
  expect(left, "scripted replies left unused").toBe(0);
});
afterAll(async () => {
  await server.close();
});

const llm = (traceId?: string): SpanData[] => exporter.spans(traceId).filter((s) => s.spanType === "llm");
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

async function inTrace<R>(fn: () => Promise<R>): Promise<{ traceId: string; result: R }> {
  let traceId = "";
  const result = await agentTrace({ agentName: "gemini-it" }, async (trace) => {
    traceId = trace.id;
    return fn();
  });
  return { traceId, result };
}

const WEATHER = {
  functionDeclarations: [
    { name: "get_weather", description: "Current weather for a city", parametersJsonSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  ],
};

it("3.x runs on Node >= 22 only", () => {
  // Stated here so a Node 20 run says why 3.x is absent from the matrix.
  if (NODE_MAJOR < 22) expect(VERSIONS.map((v) => v.label)).not.toContain("@google/genai 3.x");
  else expect(VERSIONS.map((v) => v.label)).toContain("@google/genai 3.x");
  expect(V3_SKIP_REASON).toMatch(/Node >= 22/);
});

describe.each(VERSIONS)("$label", (v: Version) => {
  it("await: one completed llm span with input, system, tools, params, output, usage and model", async () => {
    server.reply({ json: response({ text: "Sunny, 21°C.", usage: { promptTokenCount: 31, candidatesTokenCount: 9, totalTokenCount: 40 } }) });
    const ai = client(v, server);
    const { traceId, result } = await inTrace(() =>
      ai.models.generateContent({
        model: MODEL,
        contents: [{ role: "user", parts: [{ text: "Weather in Paris?" }] }],
        config: { systemInstruction: "You are terse.", temperature: 0.2, topK: 40, maxOutputTokens: 100, tools: [WEATHER], automaticFunctionCalling: { disable: true } },
      }),
    );
    expect(result.text).toBe("Sunny, 21°C.");
    expect(result.constructor.name).toBe("GenerateContentResponse");
    const [span] = llm(traceId);
    expect(llm(traceId)).toHaveLength(1);
    expect(span).toMatchObject({
      name: "google.models.generateContent",
      status: "completed",
      modelId: MODEL_VERSION,
      output: "Sunny, 21°C.",
      input: { system: "You are terse.", messages: [{ role: "user", parts: [{ text: "Weather in Paris?" }] }] },
      usage: { inputTokens: 31, outputTokens: 9 },
      tools: [{ type: "function", name: "get_weather", description: "Current weather for a city" }],
      tags: ["@google", "@gemini"],
    });
    expect(span!.metadata).toMatchObject({
      provider: "google",
      operation: "generate_content",
      stream: false,
      request_model: MODEL,
      response_model: MODEL_VERSION,
      response_id: "resp-1",
      finish_reasons: ["STOP"],
      request_params: { temperature: 0.2, topK: 40, maxOutputTokens: 100 },
    });
    expect(server.requests[0]!.path).toContain(`/models/${MODEL}:generateContent`);
  });

  it("Vertex AI mode: provider gcp.vertex_ai", async () => {
    server.reply({ json: response({ text: "ok" }) });
    const ai = client(v, server, { vertexai: true });
    const { traceId } = await inTrace(() => ai.models.generateContent({ model: MODEL, contents: "hi" }));
    expect(llm(traceId)[0]!.metadata).toMatchObject({ provider: "gcp.vertex_ai", request_model: MODEL });
    expect(server.requests[0]!.path).toContain(":generateContent");
  });

  it("cache, thinking and tool-use tokens are normalised against hand-computed numbers, and summed in the trace summary", async () => {
    // input = 1000 prompt − 600 cached + 50 tool-use = 450; output = 200 candidates + 100 thoughts = 300.
    const usage = { promptTokenCount: 1000, cachedContentTokenCount: 600, toolUsePromptTokenCount: 50, candidatesTokenCount: 200, thoughtsTokenCount: 100, totalTokenCount: 1350 };
    server.reply({ json: response({ usage }) }, { json: response({ usage }) });
    const ai = client(v, server);
    const { traceId } = await inTrace(async () => {
      await ai.models.generateContent({ model: MODEL, contents: "a" });
      await ai.models.generateContent({ model: MODEL, contents: "b" });
    });
    for (const s of llm(traceId)) expect(s.usage).toEqual({ inputTokens: 450, cachedInputTokens: 600, outputTokens: 300, reasoningTokens: 100 });
    const trace = exporter.traces().find((t) => t.id === traceId)!;
    expect(trace.summary).toMatchObject({ input_tokens: 900, cached_input_tokens: 1200, output_tokens: 600, reasoning_tokens: 200, llm_calls: 2, models: [MODEL_VERSION] });
  });

  it("stream: the same generator object, usage from the last chunk (never summed), output and time to first token", async () => {
    const final = { promptTokenCount: 20, candidatesTokenCount: 7, thoughtsTokenCount: 3, totalTokenCount: 30 };
    server.reply({ sse: streamChunks(["It is ", "sunny ", "today."], final) });
    const ai = client(v, server);
    const texts: string[] = [];
    const { traceId } = await inTrace(async () => {
      const stream = await ai.models.generateContentStream({ model: MODEL, contents: "Weather?" });
      expect(typeof stream[Symbol.asyncIterator]).toBe("function");
      for await (const chunk of stream) texts.push(chunk.text);
    });
    expect(texts).toEqual(["It is ", "sunny ", "today."]);
    const [span] = llm(traceId);
    expect(span).toMatchObject({ name: "google.models.generateContentStream", status: "completed", output: "It is sunny today.", modelId: MODEL_VERSION });
    expect(span!.usage).toEqual({ inputTokens: 20, outputTokens: 10, reasoningTokens: 3 });
    expect(span!.metadata).toMatchObject({ stream: true, stream_end_reason: "done", finish_reasons: ["STOP"] });
    expect(span!.metadata!.time_to_first_token_ms).toBeGreaterThan(0);
  });

  it("stream: an early break ends the span with the partial output", async () => {
    server.reply({ sse: streamChunks(["one ", "two ", "three ", "four"], { promptTokenCount: 5, candidatesTokenCount: 4 }), delayMs: 5 });
    const ai = client(v, server);
    const { traceId } = await inTrace(async () => {
      const stream = await ai.models.generateContentStream({ model: MODEL, contents: "count" });
      for await (const chunk of stream) {
        if (chunk.text === "two ") break;
      }
    });
    await settle();
    const [span] = llm(traceId);
    expect(span).toMatchObject({ status: "completed", output: "one two " });
    expect(span!.metadata).toMatchObject({ stream_end_reason: "break" });
  });

  it("stream: aborting the request ends the span as an abort, and the caller gets the SDK's error", async () => {
    server.reply({ sse: streamChunks(["a ", "b ", "c ", "d ", "e"], { promptTokenCount: 5, candidatesTokenCount: 5 }), delayMs: 30 });
    const ai = client(v, server);
    const controller = new AbortController();
    let caught: unknown;
    const { traceId } = await inTrace(async () => {
      const stream = await ai.models.generateContentStream({ model: MODEL, contents: "slow", config: { abortSignal: controller.signal } });
      try {
        for await (const chunk of stream) if (chunk.text === "a ") controller.abort();
      } catch (err) {
        caught = err;
      }
    });
    await settle();
    const [span] = llm(traceId);
    expect(span!.metadata!.stream_end_reason).toBe("abort");
    expect(span!.output).toBe("a ");
    if (caught) expect(span!.status).toBe("failed");
  });

  it("tool call round trip: functionCall parts become tool calls, a tracium.tool span links to them by inference", async () => {
    server.reply(
      { json: response({ parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }], finishReason: "STOP" }) },
      { json: response({ text: "It is 21°C in Paris." }) },
    );
    const ai = client(v, server);
    const getWeather = tool("get_weather", async ({ city }: { city: string }) => ({ city, temperature_c: 21 }));
    const { traceId, result } = await inTrace(async () => {
      const contents: unknown[] = [{ role: "user", parts: [{ text: "Weather in Paris?" }] }];
      const first = await ai.models.generateContent({ model: MODEL, contents, config: { tools: [WEATHER] } });
      const call = first.functionCalls[0];
      const out = await getWeather(call.args);
      contents.push(first.candidates[0].content, { role: "user", parts: [{ functionResponse: { name: call.name, response: out } }] });
      return ai.models.generateContent({ model: MODEL, contents, config: { tools: [WEATHER] } });
    });
    expect(result.text).toBe("It is 21°C in Paris.");
    const [ask, answer] = llm(traceId);
    expect(ask!.toolCalls).toEqual([{ id: `${ask!.id}:0`, type: "function_call", name: "get_weather", input: { city: "Paris" } }]);
    expect(answer!.output).toBe("It is 21°C in Paris.");
    const toolSpan = exporter.spans(traceId).find((s) => s.spanType === "tool")!;
    expect(toolSpan.metadata).toMatchObject({ tool_call_id: `${ask!.id}:0`, llm_span_id: ask!.id, tool_call_inferred: true });
    // The functionResponse carries no id: it answers the oldest unanswered call of that name.
    expect(answer!.metadata).toMatchObject({ tool_results_for: [`${ask!.id}:0`], tool_span_ids: [toolSpan.id] });
  });

  it("tool call round trip with call ids: a functionResponse id names the call it answers, among two of the same tool", async () => {
    const calls = [
      { functionCall: { id: "fc-paris", name: "get_weather", args: { city: "Paris" } } },
      { functionCall: { id: "fc-oslo", name: "get_weather", args: { city: "Oslo" } } },
    ];
    server.reply({ json: response({ parts: calls }) }, { json: response({ text: "Paris 21°C, Oslo 4°C." }) });
    const ai = client(v, server);
    const { traceId } = await inTrace(async () => {
      const contents: unknown[] = [{ role: "user", parts: [{ text: "Weather in Paris and Oslo?" }] }];
      const first = await ai.models.generateContent({ model: MODEL, contents, config: { tools: [WEATHER] } });
      // Only Oslo's result is sent back, with its id.
      const oslo = first.functionCalls.find((c: { id?: string }) => c.id === "fc-oslo");
      contents.push(first.candidates[0].content, { role: "user", parts: [{ functionResponse: { id: oslo.id, name: oslo.name, response: { temperature_c: 4 } } }] });
      return ai.models.generateContent({ model: MODEL, contents, config: { tools: [WEATHER] } });
    });
    const [ask, answer] = llm(traceId);
    expect((ask!.toolCalls as Array<{ id: string }>).map((c) => c.id)).toEqual(["fc-paris", "fc-oslo"]);
    expect(answer!.metadata!.tool_results_for).toEqual(["fc-oslo"]);
  });

  it("automatic function calling: one llm span per HTTP call", async () => {
    server.reply(
      { json: response({ parts: [{ functionCall: { name: "get_weather", args: { city: "Oslo" } } }] }) },
      { json: response({ text: "Cold in Oslo." }) },
    );
    const ai = client(v, server);
    const callable = {
      tool: async () => WEATHER,
      callTool: async (calls: Array<{ name: string }>) => calls.map((c) => ({ functionResponse: { name: c.name, response: { temperature_c: -3 } } })),
    };
    const { traceId, result } = await inTrace(() => ai.models.generateContent({ model: MODEL, contents: "Weather in Oslo?", config: { tools: [callable] } }));
    expect(result.text).toBe("Cold in Oslo.");
    expect(server.requests).toHaveLength(2);
    const spans = llm(traceId);
    expect(spans).toHaveLength(2);
    expect(spans[0]!.toolCalls).toMatchObject([{ name: "get_weather", input: { city: "Oslo" } }]);
    expect(spans[1]!.output).toBe("Cold in Oslo.");
  });

  it("chats.sendMessage and sendMessageStream: one span per call, never two", async () => {
    server.reply({ json: response({ text: "Hello!" }) }, { sse: streamChunks(["Fine, ", "thanks."], { promptTokenCount: 9, candidatesTokenCount: 2 }) });
    const ai = client(v, server);
    const { traceId } = await inTrace(async () => {
      const chat = ai.chats.create({ model: MODEL });
      const r = await chat.sendMessage({ message: "Hi" });
      expect(r.text).toBe("Hello!");
      const stream = await chat.sendMessageStream({ message: "How are you?" });
      let text = "";
      for await (const c of stream) text += c.text;
      expect(text).toBe("Fine, thanks.");
    });
    const spans = llm(traceId);
    expect(spans.map((s) => s.name)).toEqual(["google.models.generateContent", "google.models.generateContentStream"]);
    // The second call carries the chat history.
    expect((spans[1]!.input as { messages: unknown[] }).messages).toHaveLength(3);
  });

  it("error: the caller gets the SDK's error object, the span is failed", async () => {
    server.reply({ json: { error: { code: 404, message: "model not found", status: "NOT_FOUND" } }, status: 404 });
    const ai = client(v, server);
    let caught: unknown;
    const { traceId } = await inTrace(async () => {
      try {
        await ai.models.generateContent({ model: "gemini-missing", contents: "x" });
      } catch (err) {
        caught = err;
      }
    });
    expect(caught).toBeInstanceOf(v.sdk.ApiError);
    expect((caught as { status: number }).status).toBe(404);
    const [span] = llm(traceId);
    expect(span!.status).toBe("failed");
    expect(span!.error).toContain("model not found");
  });

  it("a prompt blocked for safety is recorded on a completed span, not an error", async () => {
    server.reply({ json: { promptFeedback: { blockReason: "SAFETY", safetyRatings: [{ category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true }] }, usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 }, modelVersion: MODEL_VERSION } });
    const ai = client(v, server);
    const { traceId, result } = await inTrace(() => ai.models.generateContent({ model: MODEL, contents: "something bad" }));
    expect(result.text).toBeUndefined();
    const [span] = llm(traceId);
    expect(span!.status).toBe("completed");
    expect(span!.metadata).toMatchObject({ blocked: true, block_reason: "SAFETY" });
    expect(span!.usage).toEqual({ inputTokens: 8 });
  });

  it("embedContent: an embedding span, without invented tokens on the Gemini API", async () => {
    server.reply({ json: { embeddings: [{ values: [0.1, 0.2, 0.3] }, { values: [0.4, 0.5, 0.6] }] } });
    const ai = client(v, server);
    const { traceId, result } = await inTrace(() => ai.models.embedContent({ model: "text-embedding-004", contents: ["a", "b"] }));
    expect(result.embeddings).toHaveLength(2);
    const span = exporter.spans(traceId).find((s) => s.spanType === "embedding")!;
    expect(span).toMatchObject({ name: "google.models.embedContent", status: "completed", modelId: "text-embedding-004" });
    expect(span.metadata).toMatchObject({ operation: "embeddings", embedding_count: 2, embedding_dimensions: 3 });
    expect(span.usage ?? {}).toEqual({});
  });

  it("embedContent on Vertex AI: the per-embedding token counts are summed as input", async () => {
    server.reply({
      json: {
        predictions: [
          { embeddings: { values: [0.1, 0.2], statistics: { token_count: 3, truncated: false } } },
          { embeddings: { values: [0.3, 0.4], statistics: { token_count: 5, truncated: false } } },
        ],
      },
    });
    const ai = client(v, server, { vertexai: true });
    const { traceId, result } = await inTrace(() => ai.models.embedContent({ model: "text-embedding-004", contents: ["a", "b"] }));
    expect(result.embeddings).toHaveLength(2);
    expect(server.requests[0]!.path).toContain("text-embedding-004:predict");
    const span = exporter.spans(traceId).find((s) => s.spanType === "embedding")!;
    expect(span.metadata).toMatchObject({ provider: "gcp.vertex_ai", embedding_count: 2 });
    expect(span.usage).toEqual({ inputTokens: 8 });
  });

  it("countTokens makes no span", async () => {
    server.reply({ json: { totalTokens: 5 } });
    const ai = client(v, server);
    const { traceId, result } = await inTrace(() => ai.models.countTokens({ model: MODEL, contents: "hello" }));
    expect(result.totalTokens).toBe(5);
    expect(exporter.spans(traceId)).toHaveLength(0);
  });

  it("implicit trace: a call outside any trace gets a trace of its own", async () => {
    server.reply({ json: response({ text: "alone" }) });
    const ai = client(v, server);
    await ai.models.generateContent({ model: MODEL, contents: "hi" });
    await settle();
    const spans = llm();
    expect(spans).toHaveLength(1);
    const trace = exporter.traces().find((t) => t.id === spans[0]!.traceId);
    expect(trace?.summary).toMatchObject({ llm_calls: 1 });
  });

  it("results are byte-identical with and without tracing (await and stream)", async () => {
    const body = response({ text: "same", usage: { promptTokenCount: 3, candidatesTokenCount: 1, cachedContentTokenCount: 1 } });
    const chunks = streamChunks(["x ", "y"], { promptTokenCount: 3, candidatesTokenCount: 2 });
    const ai = client(v, server);
    const run = async (): Promise<string> => {
      server.reply({ json: body }, { sse: chunks });
      const r = await ai.models.generateContent({ model: MODEL, contents: "q" });
      const s = await ai.models.generateContentStream({ model: MODEL, contents: "q" });
      const got: unknown[] = [];
      for await (const c of s) got.push([Object.getPrototypeOf(c) === Object.getPrototypeOf(r), c.text, c]);
      return JSON.stringify([r, r.text, got, Object.prototype.toString.call(s)]);
    };
    const traced = (await inTrace(run)).result;
    expect(llm()).toHaveLength(2);
    uninstrument(v.sdk);
    try {
      exporter.reset();
      const plain = await inTrace(run);
      expect(llm(plain.traceId)).toHaveLength(0);
      expect(traced).toBe(plain.result);
    } finally {
      instrument(v.sdk);
    }
  });
});
