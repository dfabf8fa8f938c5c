/**
 * Stream contracts of the OpenAI plugin, per openai major: `stream: true` resolves to the SDK's
 * own Stream, every way of reading it (for await, tee, toReadableStream, withResponse) goes
 * through one tap and gives one span, which ends on done, early break, abort, or a failure
 * midway (partial output kept). Usage comes from the stream: injected (and hidden) or requested.
 * The plugin runs here with `injectStreamUsage: true`; the default (nothing added to the request)
 * and the body-identity contracts are in stream-usage.test.ts.
 */
import { agentTrace, registerPlugin, type SpanData } from "@tracium/core";
import { instrumentOpenAI, openaiPlugin } from "@tracium/openai";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { nock, useNock } from "../helpers/nock.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/server.js";
import { SSE_HEADERS, sseBody, typedEvents } from "../helpers/sse.js";
import { setupTracing, tick, waitFor } from "../helpers/tracing.js";
import {
  API,
  CHAT_TOKENS,
  CHAT_USAGE,
  EXPECTED_TOOL_CALLS,
  MESSAGES,
  MODEL,
  RESPONSE_MODEL,
  RESPONSES_MODEL,
  RESPONSES_TOKENS,
  RESPONSES_TOOL_CALLS,
  responseEvents,
  textChunks,
  toolCallChunks,
  usageChunk,
} from "./fixtures.js";
import { VERSIONS, client } from "./versions.js";

const memory = setupTracing();
registerPlugin(openaiPlugin);
useNock();
beforeEach(() => memory.reset());

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const traced = <T>(fn: () => Promise<T>): Promise<T> => agentTrace({ agentName: "openai-test" }, fn);

function onlySpan(): SpanData {
  const spans = memory.spans();
  expect(spans.map((s) => s.name)).toHaveLength(1);
  return spans[0]!;
}

const isUsageOnly = (item: unknown): boolean => Array.isArray((item as { choices?: unknown }).choices) && (item as { choices: unknown[] }).choices.length === 0;

/**
 * Mocks one streamed chat completion as the API answers it: the usage-only chunk in `items` is
 * sent only when the request asks for it. `sent` receives the request body.
 */
function mockChatStream(items: unknown[], sent?: (body: Record<string, unknown>) => void): void {
  nock(API)
    .post("/v1/chat/completions", (b) => (sent?.(b), true))
    .reply(200, (_uri, body) => sseBody((body as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage ? items : items.filter((i) => !isUsageOnly(i))), SSE_HEADERS);
}

const frame = (item: unknown): string => `data: ${JSON.stringify(item)}\n\n`;
const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe.each(VERSIONS)("openai v$major", (v) => {
  beforeAll(() => {
    expect(instrumentOpenAI(v.ns, { injectStreamUsage: true })).toBe(true);
  });

  it("for await: the user gets exactly the API's chunks (added usage chunk hidden); the span has output, usage, TTFT", async () => {
    let sent: Record<string, unknown> | undefined;
    mockChatStream([...textChunks(), usageChunk()], (b) => (sent = b));
    const oai = client(v);
    const body = { model: MODEL, messages: MESSAGES, stream: true, temperature: 0 };
    const snapshot = JSON.stringify(body);
    const seen: unknown[] = [];
    await traced(async () => {
      const stream = await oai.chat.completions.create(body);
      expect(stream.constructor.name).toBe("Stream");
      for await (const c of stream) seen.push(json(c));
    });
    expect(seen).toEqual(textChunks());
    expect(JSON.stringify(body)).toBe(snapshot);
    expect(sent).toEqual({ ...body, stream_options: { include_usage: true } });
    const span = onlySpan();
    expect(span).toMatchObject({ status: "completed", modelId: RESPONSE_MODEL, output: "Hello", usage: CHAT_TOKENS, input: { messages: MESSAGES } });
    expect(span.metadata).toMatchObject({ stream: true, finish_reasons: ["stop"], response_id: "chatcmpl-s1", response_model: RESPONSE_MODEL, stream_end_reason: "done", http_status: 200 });
    expect(span.metadata.time_to_first_token_ms).toEqual(expect.any(Number));
    expect(span.metadata.time_to_first_token_ms as number).toBeGreaterThanOrEqual(0);
  });

  it("usage requested by the user: the request is sent as is and the user sees the usage chunk", async () => {
    let sent: Record<string, unknown> | undefined;
    mockChatStream([...textChunks(), usageChunk()], (b) => (sent = b));
    const oai = client(v);
    const body = { model: MODEL, messages: MESSAGES, stream: true, stream_options: { include_usage: true } };
    const seen: unknown[] = [];
    await traced(async () => {
      for await (const c of await oai.chat.completions.create(body)) seen.push(json(c));
    });
    expect(seen).toEqual([...textChunks(), usageChunk()]);
    expect(sent).toEqual(body);
    expect(onlySpan()).toMatchObject({ output: "Hello", usage: CHAT_TOKENS });
  });

  it("include_usage: false set by the user is respected (nothing added, nothing hidden)", async () => {
    let sent: Record<string, unknown> | undefined;
    mockChatStream(textChunks(), (b) => (sent = b));
    const oai = client(v);
    const body = { model: MODEL, messages: MESSAGES, stream: true, stream_options: { include_usage: false } };
    const seen: unknown[] = [];
    await traced(async () => {
      for await (const c of await oai.chat.completions.create(body)) seen.push(json(c));
    });
    expect(seen).toEqual(textChunks());
    expect(sent).toEqual(body);
    expect(onlySpan()).toMatchObject({ status: "completed", output: "Hello", usage: {} });
  });

  it("withResponse() on a stream: the Stream and the raw response; one span", async () => {
    mockChatStream([...textChunks(), usageChunk()]);
    const oai = client(v);
    const seen: unknown[] = [];
    await traced(async () => {
      const { data, response } = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true }).withResponse();
      expect(response.status).toBe(200);
      for await (const c of data) seen.push(json(c));
    });
    expect(seen).toEqual(textChunks());
    expect(onlySpan()).toMatchObject({ status: "completed", output: "Hello", usage: CHAT_TOKENS });
  });

  it("tee(): both halves read, both see every chunk, one span", async () => {
    mockChatStream([...textChunks(), usageChunk()]);
    const oai = client(v);
    const left: unknown[] = [];
    const right: unknown[] = [];
    await traced(async () => {
      const stream = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });
      const [a, b] = stream.tee();
      const first = await a[Symbol.asyncIterator]().next();
      left.push(json(first.value));
      for await (const c of b) right.push(json(c));
      for await (const c of a) left.push(json(c));
    });
    expect(left).toEqual(textChunks());
    expect(right).toEqual(textChunks());
    expect(onlySpan()).toMatchObject({ status: "completed", output: "Hello", usage: CHAT_TOKENS });
  });

  it("toReadableStream(): the bytes carry exactly the API's chunks; one span", async () => {
    mockChatStream([...textChunks(), usageChunk()]);
    const oai = client(v);
    let text = "";
    await traced(async () => {
      const stream = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });
      const reader = stream.toReadableStream().getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    });
    const lines = text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual(textChunks());
    expect(onlySpan()).toMatchObject({ status: "completed", output: "Hello" });
  });

  it("early break: the span ends at the break with the partial output; the request is aborted", async () => {
    mockChatStream([...textChunks(["Hel", "lo", " world"]), usageChunk()]);
    const oai = client(v);
    let stream: { controller: AbortController } | undefined;
    await traced(async () => {
      stream = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });
      for await (const c of stream as unknown as AsyncIterable<{ choices: { delta: { content?: string } }[] }>) {
        if (c.choices[0]?.delta.content === "Hel") break;
      }
      expect(memory.spans()).toHaveLength(1);
    });
    expect(stream!.controller.signal.aborted).toBe(true);
    const span = onlySpan();
    expect(span).toMatchObject({ status: "completed", output: "Hel" });
    expect(span.metadata.stream_end_reason).toBe("break");
  });

  it("controller.abort() while reading: the span ends (reason abort) with the partial output", async () => {
    server = await startScriptedServer((_body, res) => {
      res.writeHead(200, SSE_HEADERS);
      for (const c of textChunks(["Hel"]).slice(0, 2)) res.write(frame(c));
      // keeps the stream open: only the abort ends it
    });
    const oai = client(v, { baseURL: `${server.origin}/v1` });
    const seen: unknown[] = [];
    await traced(async () => {
      const stream = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });
      try {
        for await (const c of stream) {
          seen.push(json(c));
          if (seen.length === 2) stream.controller.abort();
        }
      } catch {
        // some SDK versions surface the abort; ending the loop is what matters
      }
      await waitFor(() => memory.spans().length === 1, 2000, "span end");
    });
    expect(seen).toEqual(textChunks(["Hel"]).slice(0, 2));
    const span = onlySpan();
    expect(span.metadata.stream_end_reason).toBe("abort");
    expect(span.output).toBe("Hel");
  });

  it("controller.abort() on a stream never read: the span ends", async () => {
    server = await startScriptedServer((_body, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(frame(textChunks()[0]));
    });
    const oai = client(v, { baseURL: `${server.origin}/v1` });
    await traced(async () => {
      const stream = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });
      stream.controller.abort();
      await waitFor(() => memory.spans().length === 1, 2000, "span end");
    });
    expect(onlySpan().metadata).toMatchObject({ stream_end_reason: "abort", stream: true });
  });

  it("a stream cut midway: the user gets the transport error, the span is failed with the partial output", async () => {
    server = await startScriptedServer((_body, res) => {
      res.writeHead(200, SSE_HEADERS);
      for (const c of textChunks(["Hel"]).slice(0, 2)) res.write(frame(c));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const oai = client(v, { baseURL: `${server.origin}/v1` });
    const seen: unknown[] = [];
    let caught: unknown;
    await traced(async () => {
      try {
        for await (const c of await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true })) seen.push(json(c));
      } catch (err) {
        caught = err;
      }
    });
    expect(seen).toHaveLength(2);
    expect(caught).toBeInstanceOf(Error);
    const span = onlySpan();
    expect(span).toMatchObject({ status: "failed", output: "Hel", error: (caught as Error).message });
    expect(span.metadata.stream_end_reason).toBe("error");
  });

  it("an error event midway: the user gets the SDK's APIError, the span is failed with the partial output", async () => {
    nock(API)
      .post("/v1/chat/completions")
      .reply(200, sseBody([...textChunks(["Hel"]).slice(0, 2), { error: { message: "overloaded", type: "server_error" } }]), SSE_HEADERS);
    const oai = client(v);
    let caught: unknown;
    await traced(async () => {
      try {
        for await (const _ of await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true })) void _;
      } catch (err) {
        caught = err;
      }
    });
    expect(caught).toBeInstanceOf(v.ns.APIError);
    expect(onlySpan()).toMatchObject({ status: "failed", output: "Hel", error: (caught as Error).message });
  });

  it("time to first token: measured from the call to the first chunk", async () => {
    server = await startScriptedServer((_body, res) => {
      res.writeHead(200, SSE_HEADERS);
      setTimeout(() => res.end(sseBody(textChunks())), 60);
    });
    const oai = client(v, { baseURL: `${server.origin}/v1` });
    await traced(async () => {
      for await (const _ of await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true })) void _;
    });
    const span = onlySpan();
    expect(span.metadata.time_to_first_token_ms as number).toBeGreaterThanOrEqual(50);
    expect(span.metadata.time_to_first_token_ms as number).toBeLessThanOrEqual(span.latencyMs!);
  });

  it("time to first token: measured to the first chunk with content, not the role-only chunk", async () => {
    server = await startScriptedServer((_body, res) => {
      const [role, ...rest] = textChunks();
      res.writeHead(200, SSE_HEADERS);
      res.write(frame(role));
      setTimeout(() => res.end(sseBody(rest)), 80);
    });
    const oai = client(v, { baseURL: `${server.origin}/v1` });
    await traced(async () => {
      for await (const _ of await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true })) void _;
    });
    expect(onlySpan().metadata.time_to_first_token_ms as number).toBeGreaterThanOrEqual(70);
  });

  it("time to first token (Responses): measured to the first delta event, not response.created", async () => {
    server = await startScriptedServer((_body, res) => {
      const events = typedEvents(responseEvents());
      res.writeHead(200, SSE_HEADERS);
      res.write(sseBody(events.slice(0, 4), { named: true, done: false }));
      setTimeout(() => res.end(sseBody(events.slice(4), { named: true, done: false })), 80);
    });
    const oai = client(v, { baseURL: `${server.origin}/v1` });
    await traced(async () => {
      for await (const _ of await oai.responses.create({ model: "gpt-4.1", input: "Hi", stream: true })) void _;
    });
    expect(onlySpan().metadata.time_to_first_token_ms as number).toBeGreaterThanOrEqual(70);
  });

  it("streamed tool calls are assembled by index", async () => {
    mockChatStream([...toolCallChunks(), usageChunk()]);
    const oai = client(v);
    const seen: unknown[] = [];
    await traced(async () => {
      for await (const c of await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true, tools: [] })) seen.push(json(c));
    });
    expect(seen).toEqual(toolCallChunks());
    const span = onlySpan();
    expect(span.toolCalls).toEqual(EXPECTED_TOOL_CALLS);
    expect(span.metadata.finish_reasons).toEqual(["tool_calls"]);
    expect(span.usage).toEqual(CHAT_TOKENS);
  });

  it("Responses API (SSE): the user gets every event; the span gets output, tool calls, usage from response.completed", async () => {
    nock(API)
      .post("/v1/responses")
      .reply(200, sseBody(typedEvents(responseEvents()), { named: true, done: false }), SSE_HEADERS);
    const oai = client(v);
    const seen: unknown[] = [];
    await traced(async () => {
      for await (const e of await oai.responses.create({ model: "gpt-4.1", input: "Hi", stream: true })) seen.push(json(e));
    });
    expect(seen).toEqual(responseEvents());
    const span = onlySpan();
    expect(span).toMatchObject({ name: "openai.responses", status: "completed", modelId: RESPONSES_MODEL, output: "Hi from responses", usage: RESPONSES_TOKENS, toolCalls: RESPONSES_TOOL_CALLS });
    expect(span.metadata).toMatchObject({ stream: true, response_id: "resp_1", stream_end_reason: "done" });
    expect(span.metadata.time_to_first_token_ms).toEqual(expect.any(Number));
  });

  it("Responses API stream failed midway by an error event: the span fails with its message, the partial output kept", async () => {
    const events = [...responseEvents().slice(0, 5), { type: "error", sequence_number: 5, code: "server_error", message: "The server had an error while processing your request", param: null }];
    nock(API)
      .post("/v1/responses")
      .reply(200, sseBody(typedEvents(events), { named: true, done: false }), SSE_HEADERS);
    const oai = client(v);
    await traced(async () => {
      try {
        for await (const _ of await oai.responses.create({ model: "gpt-4.1", input: "Hi", stream: true })) void _;
      } catch {
        // openai 4 and 7 throw the error event; 5 and 6 hand it to the reader
      }
    });
    expect(onlySpan()).toMatchObject({ status: "failed", error: "The server had an error while processing your request", output: "Hi from " });
  });

  it("responses.stream() helper: one span for its one HTTP call", async () => {
    nock(API)
      .post("/v1/responses")
      .reply(200, sseBody(typedEvents(responseEvents()), { named: true, done: false }), SSE_HEADERS);
    const oai = client(v);
    const final = await traced(async () => {
      const runner = oai.responses.stream({ model: "gpt-4.1", input: "Hi" });
      return runner.finalResponse();
    });
    expect(final.id).toBe("resp_1");
    expect(onlySpan()).toMatchObject({ name: "openai.responses", output: "Hi from responses", usage: RESPONSES_TOKENS });
  });

  it("a stream never read is ended when its trace ends", async () => {
    mockChatStream([...textChunks(), usageChunk()]);
    const oai = client(v);
    let stream: AsyncIterable<unknown> | undefined;
    await traced(async () => {
      stream = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });
    });
    const span = onlySpan();
    expect(span.metadata.ended_with_trace).toBe(true);
    // Reading it later still works and gives the user the same chunks.
    const seen: unknown[] = [];
    for await (const c of stream!) seen.push(json(c));
    expect(seen).toEqual(textChunks());
    await tick();
    expect(memory.spans()).toHaveLength(1);
  });

  it("usage chunk is read even when the chunks carry no finish chunk", async () => {
    mockChatStream([textChunks()[1], { ...usageChunk(), usage: { ...CHAT_USAGE, prompt_tokens_details: null, completion_tokens_details: null } }]);
    const oai = client(v);
    await traced(async () => {
      for await (const _ of await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true })) void _;
    });
    expect(onlySpan().usage).toEqual({ inputTokens: 20, outputTokens: 7 });
  });
});
