/**
 * Non-stream contracts of the OpenAI plugin, per openai major: each call is one span, the SDK's
 * objects stay intact (APIPromise, withResponse, asResponse, parse, helpers), errors are the same
 * objects, and the span records model, input, output, usage, tool calls and parameters.
 */
import { agentTrace, instrument, registerPlugin, type SpanData } from "@tracium/core";
import { openaiPlugin } from "@tracium/openai";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { nock, useNock } from "../helpers/nock.js";
import { setupTracing } from "../helpers/tracing.js";
import {
  API,
  API_ERROR_400,
  API_ERROR_500,
  CHAT_TOKENS,
  EXPECTED_TOOL_CALLS,
  MESSAGES,
  MODEL,
  RESPONSE_MODEL,
  RESPONSES_MODEL,
  RESPONSES_TOKENS,
  RESPONSES_TOOL_CALLS,
  TOOLS,
  chatCompletion,
  completionResponse,
  embeddingsResponse,
  responseObject,
  toolCallCompletion,
} from "./fixtures.js";
import { VERSIONS, client } from "./versions.js";

const memory = setupTracing();
registerPlugin(openaiPlugin);
useNock();
beforeEach(() => memory.reset());

const traced = <T>(fn: () => Promise<T>): Promise<T> => agentTrace({ agentName: "openai-test" }, fn);

function onlySpan(): SpanData {
  const spans = memory.spans();
  expect(spans.map((s) => s.name)).toHaveLength(1);
  return spans[0]!;
}

describe.each(VERSIONS)("openai v$major", (v) => {
  beforeAll(() => {
    expect(instrument(v.ns)).toBe(true);
  });

  it("await: returns the SDK's APIPromise and records one llm span with model, input, output, usage, params", async () => {
    let sent: Record<string, unknown> | undefined;
    nock(API)
      .post("/v1/chat/completions", (b) => ((sent = b), true))
      .reply(200, chatCompletion(), { "x-request-id": "req_1" });
    const oai = client(v);
    const body = { model: MODEL, messages: MESSAGES, temperature: 0.3, max_tokens: 50, top_p: 0.9, seed: 7, stop: ["END"], n: 1, presence_penalty: 0.1, frequency_penalty: 0.2 };
    const snapshot = JSON.stringify(body);
    const result = await traced(async () => {
      const p = oai.chat.completions.create(body);
      expect(p.constructor.name).toBe("APIPromise");
      expect(typeof p.withResponse).toBe("function");
      return p;
    });
    expect(result.choices[0].message.content).toBe("Hello there");
    expect(result._request_id).toBe("req_1");
    expect(JSON.stringify(body)).toBe(snapshot);
    expect(sent).toEqual(body);
    const span = onlySpan();
    expect(span).toMatchObject({
      spanType: "llm",
      name: "openai.chat.completions",
      status: "completed",
      modelId: RESPONSE_MODEL,
      input: { messages: MESSAGES },
      output: "Hello there",
      usage: CHAT_TOKENS,
    });
    expect(span.metadata).toMatchObject({
      provider: "openai",
      operation: "chat",
      request_model: MODEL,
      response_model: RESPONSE_MODEL,
      response_id: "chatcmpl-1",
      finish_reasons: ["stop"],
      stream: false,
      http_status: 200,
      request_params: { temperature: 0.3, max_tokens: 50, top_p: 0.9, seed: 7, stop: ["END"], n: 1, presence_penalty: 0.1, frequency_penalty: 0.2 },
    });
    const trace = memory.traces()[0]!;
    expect(trace.summary).toMatchObject({ input_tokens: 12, cached_input_tokens: 8, output_tokens: 7, reasoning_tokens: 3, llm_calls: 1, models: [RESPONSE_MODEL] });
    expect(trace.modelId).toBe(RESPONSE_MODEL);
    expect(trace.systemPrompt).toBe("You are terse.");
  });

  it("withResponse(): returns data, the raw response and the request id; one span", async () => {
    nock(API).post("/v1/chat/completions").reply(200, chatCompletion(), { "x-request-id": "req_2" });
    const oai = client(v);
    const { data, response, request_id } = await traced(() => oai.chat.completions.create({ model: MODEL, messages: MESSAGES }).withResponse());
    expect(data.choices[0].message.content).toBe("Hello there");
    expect(response.status).toBe(200);
    expect(request_id).toBe("req_2");
    expect(onlySpan()).toMatchObject({ status: "completed", output: "Hello there", usage: CHAT_TOKENS });
  });

  it("asResponse(): the body is left unread and the span ends with the HTTP status", async () => {
    nock(API).post("/v1/chat/completions").reply(200, chatCompletion());
    const oai = client(v);
    const response = await traced(() => oai.chat.completions.create({ model: MODEL, messages: MESSAGES }).asResponse());
    expect(response.bodyUsed).toBe(false);
    const span = onlySpan();
    expect(span.status).toBe("completed");
    expect(span.metadata).toMatchObject({ http_status: 200, response_body_unread: true });
    expect(span.output).toBeUndefined();
    expect(await response.json()).toEqual(chatCompletion());
  });

  it("asResponse() and then the promise itself: the caller gets both, the span records the parsed result", async () => {
    nock(API).post("/v1/chat/completions").reply(200, chatCompletion());
    const oai = client(v);
    const completion = await traced(async () => {
      const promise = oai.chat.completions.create({ model: MODEL, messages: MESSAGES });
      const raw = await promise.asResponse();
      expect(raw.status).toBe(200);
      return promise;
    });
    expect(completion).toEqual(chatCompletion());
    const span = onlySpan();
    expect(span).toMatchObject({ status: "completed", output: "Hello there", usage: CHAT_TOKENS });
    expect(span.metadata.http_status).toBe(200);
    expect(span.metadata.response_body_unread).toBeUndefined();
  });

  it("asResponse() on a stream: the body is left unread and the span ends", async () => {
    nock(API).post("/v1/chat/completions").reply(200, "data: [DONE]\n\n", { "content-type": "text/event-stream" });
    const oai = client(v);
    const response = await traced(() => oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true }).asResponse());
    expect(response.bodyUsed).toBe(false);
    expect(onlySpan().metadata).toMatchObject({ http_status: 200, response_body_unread: true, stream: true });
    expect(await response.text()).toBe("data: [DONE]\n\n");
  });

  it("parse(): the helper still gets an APIPromise and parses the content; one span", async () => {
    nock(API).post("/v1/chat/completions").reply(200, chatCompletion('{"answer":42}'));
    const oai = client(v);
    const format = { type: "json_schema", json_schema: { name: "answer", strict: true, schema: { type: "object", properties: { answer: { type: "number" } }, required: ["answer"], additionalProperties: false } } };
    const parsed = await traced(() => v.helpers(oai).parse({ model: MODEL, messages: MESSAGES, response_format: format }));
    expect(parsed.choices[0].message.parsed).toEqual({ answer: 42 });
    const span = onlySpan();
    expect(span).toMatchObject({ status: "completed", output: '{"answer":42}' });
    expect(span.metadata.request_params).toMatchObject({ response_format: { type: "json_schema", name: "answer" } });
  });

  it("stream() helper: one span for its one HTTP call, usage hidden from the helper", async () => {
    const { sseBody } = await import("../helpers/sse.js");
    const { textChunks, usageChunk } = await import("./fixtures.js");
    nock(API)
      .post("/v1/chat/completions")
      .reply(200, sseBody([...textChunks(), usageChunk()]), { "content-type": "text/event-stream" });
    const oai = client(v);
    const final = await traced(async () => {
      const runner = v.helpers(oai).stream({ model: MODEL, messages: MESSAGES });
      const deltas: string[] = [];
      runner.on("content", (delta: string) => deltas.push(delta));
      const completion = await runner.finalChatCompletion();
      expect(deltas.join("")).toBe("Hello");
      return completion;
    });
    expect(final.choices[0].message.content).toBe("Hello");
    expect(onlySpan()).toMatchObject({ status: "completed", output: "Hello", usage: CHAT_TOKENS });
  });

  it("runTools(): one span per HTTP round (two rounds, two spans)", async () => {
    nock(API)
      .post("/v1/chat/completions")
      .reply(200, {
        ...chatCompletion(null),
        choices: [{ index: 0, message: { role: "assistant", content: null, refusal: null, tool_calls: [{ id: "call_w", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] }, logprobs: null, finish_reason: "tool_calls" }],
      })
      .post("/v1/chat/completions")
      .reply(200, chatCompletion("Sunny in Paris"));
    const oai = client(v);
    const content = await traced(async () => {
      const runner = v.helpers(oai).runTools({
        model: MODEL,
        messages: MESSAGES,
        tools: [{ type: "function", function: { name: "get_weather", function: (args: { city: string }) => `sunny in ${args.city}`, parse: JSON.parse, parameters: { type: "object", properties: { city: { type: "string" } } } } }],
      });
      return runner.finalContent();
    });
    expect(content).toBe("Sunny in Paris");
    const spans = memory.spans();
    expect(spans.map((s) => s.name)).toEqual(["openai.chat.completions", "openai.chat.completions"]);
    expect(spans[0]!.toolCalls).toEqual([{ id: "call_w", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }]);
    expect(spans[0]!.metadata.finish_reasons).toEqual(["tool_calls"]);
    expect(spans[1]!.output).toBe("Sunny in Paris");
    expect((spans[1]!.input as { messages: unknown[] }).messages).toHaveLength(4);
    expect(memory.traces()[0]!.summary).toMatchObject({ llm_calls: 2, input_tokens: 24, output_tokens: 14 });
  });

  it("API error 4xx: the caller gets the SDK's own error object and class; the span is failed", async () => {
    nock(API).post("/v1/chat/completions").reply(400, API_ERROR_400);
    const oai = client(v);
    const p = oai.chat.completions.create({ model: MODEL, messages: MESSAGES });
    const sdkError = await p.responsePromise.catch((e: unknown) => e);
    const caught = await traced(() => p).catch((e: unknown) => e);
    expect(caught).toBe(sdkError);
    expect(caught).toBeInstanceOf(v.ns.BadRequestError);
    expect(caught.constructor).toBe(v.ns.BadRequestError);
    const span = onlySpan();
    expect(span.status).toBe("failed");
    expect(span.error).toBe((caught as Error).message);
    expect(span.metadata).toMatchObject({ error_type: "BadRequestError", http_status: 400 });
  });

  it("API error 5xx: the caller gets the same InternalServerError; the span and the trace are failed", async () => {
    nock(API).post("/v1/chat/completions").reply(500, API_ERROR_500);
    const oai = client(v);
    let inner: unknown;
    const caught = await traced(async () => {
      try {
        return await oai.chat.completions.create({ model: MODEL, messages: MESSAGES });
      } catch (err) {
        inner = err;
        throw err;
      }
    }).catch((e: unknown) => e);
    expect(caught).toBe(inner);
    expect(caught).toBeInstanceOf(v.ns.InternalServerError);
    const span = onlySpan();
    expect(span).toMatchObject({ status: "failed", error: (caught as Error).message });
    expect(span.metadata).toMatchObject({ error_type: "InternalServerError", http_status: 500 });
  });

  it("connection error: the caller gets the SDK's APIConnectionError; the span is failed", async () => {
    nock(API).post("/v1/chat/completions").replyWithError("connect ECONNREFUSED");
    const oai = client(v);
    const caught = await traced(() => oai.chat.completions.create({ model: MODEL, messages: MESSAGES })).catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(v.ns.APIConnectionError);
    expect(onlySpan()).toMatchObject({ status: "failed", metadata: { error_type: "APIConnectionError" } });
  });

  it("tool calls: tools offered and tool calls returned are recorded", async () => {
    nock(API).post("/v1/chat/completions").reply(200, toolCallCompletion());
    const oai = client(v);
    await traced(() => oai.chat.completions.create({ model: MODEL, messages: MESSAGES, tools: TOOLS, tool_choice: "auto", parallel_tool_calls: true }));
    const span = onlySpan();
    expect(span.tools).toEqual(TOOLS);
    expect(span.toolCalls).toEqual(EXPECTED_TOOL_CALLS);
    expect(span.output).toBeUndefined();
    expect(span.metadata).toMatchObject({ finish_reasons: ["tool_calls"], request_params: { tool_choice: "auto", parallel_tool_calls: true } });
  });

  it("Responses API (JSON): instructions and input, output text, function calls, usage", async () => {
    nock(API).post("/v1/responses").reply(200, responseObject());
    const oai = client(v);
    const res = await traced(() =>
      oai.responses.create({ model: "gpt-4.1", instructions: "Be brief.", input: "Hi", max_output_tokens: 100, reasoning: { effort: "low" } }),
    );
    expect(res.output_text).toBe("Hi from responses");
    const span = onlySpan();
    expect(span).toMatchObject({
      spanType: "llm",
      name: "openai.responses",
      status: "completed",
      modelId: RESPONSES_MODEL,
      input: { instructions: "Be brief.", input: "Hi" },
      output: "Hi from responses",
      usage: RESPONSES_TOKENS,
      toolCalls: RESPONSES_TOOL_CALLS,
    });
    expect(span.metadata).toMatchObject({
      operation: "responses",
      request_model: "gpt-4.1",
      response_model: RESPONSES_MODEL,
      response_id: "resp_1",
      finish_reasons: ["completed"],
      request_params: { max_output_tokens: 100, reasoning: { effort: "low" } },
    });
    expect(memory.traces()[0]!.systemPrompt).toBe("Be brief.");
  });

  it("embeddings: an `embedding` span with input, input tokens and vector counts (not the vectors)", async () => {
    nock(API).post("/v1/embeddings").reply(200, embeddingsResponse());
    const oai = client(v);
    const res = await traced(() => oai.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"], encoding_format: "float", dimensions: 3 }));
    expect(res.data).toHaveLength(2);
    const span = onlySpan();
    expect(span).toMatchObject({
      spanType: "embedding",
      name: "openai.embeddings",
      modelId: "text-embedding-3-small",
      input: { input: ["a", "b"] },
      output: { embeddings_count: 2, dimensions: 3 },
      usage: { inputTokens: 5 },
    });
    expect(span.metadata).toMatchObject({ operation: "embeddings", request_params: { encoding_format: "float", dimensions: 3 } });
    expect(memory.traces()[0]!.summary).toMatchObject({ input_tokens: 5, llm_calls: 0 });
  });

  it("legacy completions: prompt, text output, usage", async () => {
    nock(API).post("/v1/completions").reply(200, completionResponse());
    const oai = client(v);
    const res = await traced(() => oai.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Hello", max_tokens: 2 }));
    expect(res.choices[0].text).toBe(" world");
    expect(onlySpan()).toMatchObject({
      name: "openai.completions",
      input: { prompt: "Hello" },
      output: " world",
      usage: { inputTokens: 3, outputTokens: 2 },
      metadata: { operation: "completions", finish_reasons: ["length"] },
    });
  });

  it("a body that is not valid JSON: the caller gets the SDK's error; the span is failed", async () => {
    nock(API).post("/v1/chat/completions").reply(200, "{not json", { "content-type": "application/json" });
    const oai = client(v);
    let inner: unknown;
    const caught = await traced(async () => {
      try {
        return await oai.chat.completions.create({ model: MODEL, messages: MESSAGES });
      } catch (err) {
        inner = err;
        throw err;
      }
    }).catch((e: unknown) => e);
    expect(caught).toBe(inner);
    expect(caught).toBeInstanceOf(Error);
    expect(onlySpan().status).toBe("failed");
  });
});
