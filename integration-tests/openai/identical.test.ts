/**
 * Tracing never changes what the user gets: every call below is made with the SDK uninstrumented,
 * then instrumented, and the user-visible results (values, chunks, bytes, raw responses, errors)
 * must serialise to the same bytes, the request bodies sent too, with one span per HTTP call
 * (the contract kit's suite). Per openai major.
 */
import { registerPlugin, uninstrument } from "@tracium/core";
import { openaiPlugin } from "@tracium/openai";
import { afterAll, beforeEach, describe } from "vitest";
import { collect, sameResultTracedOrNot, type Scenario as KitScenario } from "../helpers/contract.js";
import { nock, nockRequests, useNock } from "../helpers/nock.js";
import { SSE_HEADERS, sseBody, typedEvents } from "../helpers/sse.js";
import { setupTracing } from "../helpers/tracing.js";
import {
  API,
  API_ERROR_400,
  API_ERROR_500,
  MESSAGES,
  MODEL,
  TOOLS,
  chatCompletion,
  completionResponse,
  embeddingsResponse,
  responseEvents,
  responseObject,
  textChunks,
  toolCallChunks,
  toolCallCompletion,
  usageChunk,
} from "./fixtures.js";
import { VERSIONS, client, type OpenAIVersion } from "./versions.js";

const memory = setupTracing();
registerPlugin(openaiPlugin);
useNock();
beforeEach(() => memory.reset());
const requests = nockRequests();
/** The mocked API, each request's body recorded. */
const api = (): nock.Scope => requests.record(nock(API));

/* eslint-disable @typescript-eslint/no-explicit-any */
type Scenario = (oai: any, v: OpenAIVersion) => Promise<unknown>;

const HEADERS = { "x-request-id": "req_same" };

/** Mocks a chat stream the way the API behaves: the usage chunk only when the request asks for it. */
function chatStream(chunks: unknown[]): void {
  api()
    .post("/v1/chat/completions")
    .reply(200, (_uri, body) => sseBody((body as any).stream_options?.include_usage ? [...chunks, usageChunk()] : chunks), { ...SSE_HEADERS, ...HEADERS });
}

const describeError = (e: any) => ({ class: e?.constructor?.name, message: e?.message, status: e?.status, error: e?.error, code: e?.code, type: e?.type, param: e?.param, request_id: e?.request_id });

function floatsToBase64(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString("base64");
}

const SCENARIOS: Record<string, Scenario> = {
  "await chat": async (oai) => {
    api().post("/v1/chat/completions").reply(200, chatCompletion(), HEADERS);
    const r = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES });
    return { r, request_id: r._request_id, keys: Object.keys(r) };
  },
  "withResponse chat": async (oai) => {
    api().post("/v1/chat/completions").reply(200, chatCompletion(), HEADERS);
    const { data, response, request_id } = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES }).withResponse();
    return { data, request_id, status: response.status, type: response.headers.get("content-type") };
  },
  "asResponse chat": async (oai) => {
    api().post("/v1/chat/completions").reply(200, chatCompletion(), HEADERS);
    const response = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES }).asResponse();
    return { status: response.status, bodyUsed: response.bodyUsed, text: await response.text() };
  },
  "parse chat": async (oai, v) => {
    api().post("/v1/chat/completions").reply(200, chatCompletion('{"a":1}'), HEADERS);
    const format = { type: "json_schema", json_schema: { name: "a", strict: true, schema: { type: "object", properties: { a: { type: "number" } }, required: ["a"], additionalProperties: false } } };
    return v.helpers(oai).parse({ model: MODEL, messages: MESSAGES, response_format: format });
  },
  "tool calls chat": async (oai) => {
    api().post("/v1/chat/completions").reply(200, toolCallCompletion(), HEADERS);
    return oai.chat.completions.create({ model: MODEL, messages: MESSAGES, tools: TOOLS });
  },
  "for await stream": async (oai) => {
    chatStream(textChunks());
    return collect(await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true }));
  },
  "for await stream with usage requested": async (oai) => {
    chatStream(textChunks());
    return collect(await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true, stream_options: { include_usage: true } }));
  },
  "stream tool calls": async (oai) => {
    chatStream(toolCallChunks());
    return collect(await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true, tools: TOOLS }));
  },
  "tee stream": async (oai) => {
    chatStream(textChunks());
    const [a, b] = (await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true })).tee();
    return [await collect(a), await collect(b)];
  },
  "toReadableStream bytes": async (oai) => {
    chatStream(textChunks());
    const stream = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });
    return new Response(stream.toReadableStream()).text();
  },
  "stream() helper": async (oai, v) => {
    chatStream(textChunks());
    const runner = v.helpers(oai).stream({ model: MODEL, messages: MESSAGES });
    const events: unknown[] = [];
    runner.on("chunk", (c: unknown) => events.push(c));
    const final = await runner.finalChatCompletion();
    return { final, events };
  },
  "early break": async (oai) => {
    chatStream(textChunks());
    const out: unknown[] = [];
    const stream = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });
    for await (const c of stream) {
      out.push(c);
      if (out.length === 2) break;
    }
    return { out, aborted: stream.controller.signal.aborted };
  },
  "error 400": async (oai) => {
    api().post("/v1/chat/completions").reply(400, API_ERROR_400, HEADERS);
    return oai.chat.completions.create({ model: MODEL, messages: MESSAGES }).then(() => "no error", describeError);
  },
  "error 500 on a stream": async (oai) => {
    api().post("/v1/chat/completions").reply(500, API_ERROR_500, HEADERS);
    return oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true }).then(() => "no error", describeError);
  },
  "error event mid-stream": async (oai) => {
    api()
      .post("/v1/chat/completions")
      .reply(200, sseBody([...textChunks().slice(0, 2), { error: { message: "boom", type: "server_error" } }]), SSE_HEADERS);
    const out: unknown[] = [];
    try {
      for await (const c of await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true })) out.push(c);
    } catch (e) {
      out.push(describeError(e));
    }
    return out;
  },
  "responses JSON": async (oai) => {
    api().post("/v1/responses").reply(200, responseObject(), HEADERS);
    return oai.responses.create({ model: "gpt-4.1", input: "Hi" });
  },
  "responses SSE": async (oai) => {
    api()
      .post("/v1/responses")
      .reply(200, sseBody(typedEvents(responseEvents()), { named: true, done: false }), SSE_HEADERS);
    return collect(await oai.responses.create({ model: "gpt-4.1", input: "Hi", stream: true }));
  },
  "embeddings float": async (oai) => {
    api().post("/v1/embeddings").reply(200, embeddingsResponse(), HEADERS);
    return oai.embeddings.create({ model: "text-embedding-3-small", input: "a", encoding_format: "float" });
  },
  "embeddings default encoding (SDK decodes base64)": async (oai) => {
    api()
      .post("/v1/embeddings")
      .reply(200, (_uri, body) => {
        const b = body as { encoding_format?: string };
        const r = embeddingsResponse() as { data: { embedding: unknown }[] };
        if (b.encoding_format === "base64") for (const d of r.data) d.embedding = floatsToBase64(d.embedding as number[]);
        return r;
      });
    return oai.embeddings.create({ model: "text-embedding-3-small", input: "a" });
  },
  "legacy completions": async (oai) => {
    api().post("/v1/completions").reply(200, completionResponse(), HEADERS);
    return oai.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Hello" });
  },
};

describe.each(VERSIONS)("openai v$major", (v) => {
  afterAll(() => {
    uninstrument(v.ns);
  });
  const scenarios = Object.fromEntries(Object.entries(SCENARIOS).map(([name, run]) => [name, (oai: unknown) => run(oai, v)] as const));
  sameResultTracedOrNot<unknown>("byte-identical results and requests, instrumented or not", { memory, requests }, v.ns, () => client(v), scenarios satisfies Record<string, KitScenario<unknown>>);
});
