/**
 * The promise a traced call returns is the very object the SDK returned, per openai major:
 * `embeddings.create` with an explicit `encoding_format` hands back the promise `client.post()`
 * made, request options keep their precedence through it, and every call's promise keeps the
 * SDK's own keys. The untraced SDK (same process, plugin removed) is the oracle.
 */
import { agentTrace, instrument, registerPlugin, uninstrument, type SpanData } from "@tracium/core";
import { openaiPlugin } from "@tracium/openai";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { errorThroughPatch } from "../helpers/contract.js";
import { nock, useNock } from "../helpers/nock.js";
import { setupTracing } from "../helpers/tracing.js";
import { API, API_ERROR_400, API_ERROR_500, MESSAGES, MODEL, chatCompletion, embeddingsResponse } from "./fixtures.js";
import { VERSIONS, client, type OpenAIVersion } from "./versions.js";

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

/* eslint-disable @typescript-eslint/no-explicit-any */
interface PostCall {
  path: string;
  options: unknown;
  response: unknown;
}

/** A client that records what each `post()` was given and the promise it returned. */
function recordingClient(v: OpenAIVersion): any {
  const Base = v.OpenAI as new (options: Record<string, unknown>) => any;
  class RecordingClient extends Base {
    readonly calls: PostCall[] = [];
    override post(path: string, options?: unknown): unknown {
      const response = super.post(path, options);
      this.calls.push({ path, options, response });
      return response;
    }
  }
  return new RecordingClient({ apiKey: "sk-test", maxRetries: 0 });
}

/** Runs `fn` against the SDK with the plugin removed, then puts the plugin back. */
async function untraced<T>(v: OpenAIVersion, fn: () => Promise<T>): Promise<T> {
  uninstrument(v.ns);
  try {
    return await fn();
  } finally {
    expect(instrument(v.ns)).toBe(true);
  }
}

describe.each(VERSIONS)("openai v$major", (v) => {
  beforeAll(() => {
    expect(instrument(v.ns)).toBe(true);
  });

  it("embeddings.create with an explicit encoding_format returns the very promise client.post() made", async () => {
    nock(API).post("/v1/embeddings").reply(200, embeddingsResponse());
    const oai = recordingClient(v);
    const body = { model: "text-embedding-3-small", input: ["a", "b"], encoding_format: "float" as const };
    const result = await traced(async () => {
      const promise = oai.embeddings.create(body);
      expect(oai.calls).toHaveLength(1);
      expect(promise === oai.calls[0].response).toBe(true);
      const res = await promise;
      expect((await promise.withResponse()).data).toBe(res);
      return res;
    });
    expect(result.data[1].embedding).toEqual([0.4, 0.5, 0.6]);
    expect(onlySpan()).toMatchObject({ name: "openai.embeddings", status: "completed", usage: { inputTokens: 5 } });
  });

  it("request-option precedence holds through the same promise: options.body and headers win, caller objects untouched", async () => {
    const override = { model: "text-embedding-3-small", input: "overridden", encoding_format: "base64" };
    let sentBody: unknown;
    let sentHeader: string | string[] | undefined;
    nock(API)
      .post("/v1/embeddings", (b) => ((sentBody = b), true))
      .reply(function () {
        sentHeader = this.req.headers["x-custom"];
        return [200, { ...embeddingsResponse(), data: [{ object: "embedding", index: 0, embedding: "AACAPw==" }] }];
      });
    const oai = recordingClient(v);
    const body = { model: "text-embedding-3-small", input: "hello", encoding_format: "float" as const };
    const headers = { "X-Custom": "kept" };
    const options = { body: override, headers };
    const bodyBefore = structuredClone(body);
    const optionsBefore = { ...options };
    const result = await traced(async () => {
      const promise = oai.embeddings.create(body, options);
      const call = oai.calls[0];
      expect(promise).toBe(call.response);
      const sent = (await call.options) as { body: unknown; headers: unknown };
      expect(sent.body).toBe(override);
      expect(sent.headers).toBe(headers);
      return promise;
    });
    expect(sentBody).toEqual(override);
    expect(sentHeader).toBe("kept");
    expect(result.data[0].embedding).toBe("AACAPw==");
    expect(body).toEqual(bodyBefore);
    expect(options).toEqual(optionsBefore);
    expect(options.body).toBe(override);
    expect(onlySpan().status).toBe("completed");
  });

  it("chat.completions.create: the caller gets the object the SDK's create returns, with the SDK's own keys", async () => {
    const observe = async (): Promise<{ isPostPromise: boolean; keys: string[]; id: string }> => {
      nock(API).post("/v1/chat/completions").reply(200, chatCompletion());
      const oai = recordingClient(v);
      const promise = oai.chat.completions.create({ model: MODEL, messages: MESSAGES });
      const isPostPromise = promise === oai.calls[0].response;
      const keys = Object.keys(promise);
      const res = await promise;
      return { isPostPromise, keys, id: res.id };
    };
    const plain = await untraced(v, observe);
    const withTracing = await traced(observe);
    expect(withTracing).toEqual(plain);
    expect(onlySpan()).toMatchObject({ status: "completed", output: "Hello there" });
  });

  it("embeddings.create without encoding_format: the SDK's own decoding promise, unchanged", async () => {
    const observe = async (): Promise<{ isPostPromise: boolean; keys: string[]; embedding: unknown }> => {
      nock(API)
        .post("/v1/embeddings")
        .reply(200, { ...embeddingsResponse(), data: [{ object: "embedding", index: 0, embedding: "AACAPw==" }] });
      const oai = recordingClient(v);
      const promise = oai.embeddings.create({ model: "text-embedding-3-small", input: "hi" });
      const isPostPromise = promise === oai.calls[0].response;
      const keys = Object.keys(promise);
      const res = await promise;
      return { isPostPromise, keys, embedding: Array.from(res.data[0].embedding as number[]) };
    };
    const plain = await untraced(v, observe);
    const withTracing = await traced(observe);
    expect(withTracing).toEqual(plain);
    expect(plain.embedding).toEqual([1]);
    expect(onlySpan()).toMatchObject({ name: "openai.embeddings", status: "completed" });
  });

  it("asResponse() on the same promise: the raw response, body unread, span ended with the status", async () => {
    nock(API).post("/v1/embeddings").reply(200, embeddingsResponse());
    const oai = recordingClient(v);
    const response = await traced(async () => {
      const promise = oai.embeddings.create({ model: "text-embedding-3-small", input: "a", encoding_format: "float" });
      expect(promise).toBe(oai.calls[0].response);
      return promise.asResponse();
    });
    expect(response.bodyUsed).toBe(false);
    expect((await response.json()).data).toHaveLength(2);
    expect(onlySpan()).toMatchObject({ status: "completed", metadata: { http_status: 200, response_body_unread: true } });
  });

  it("an API error reaches the caller as the very object the SDK's create rejected with (a call and a stream)", async () => {
    const proto = v.OpenAI.Chat.Completions.prototype;
    nock(API).post("/v1/chat/completions").reply(400, API_ERROR_400);
    const call = await errorThroughPatch(v.ns, proto, "create", () => client(v).chat.completions.create({ model: MODEL, messages: MESSAGES }));
    expect(call.caught).toBeInstanceOf(v.OpenAI.BadRequestError);
    expect(call.produced).toHaveLength(1);
    expect(call.caught).toBe(call.produced[0]);
    expect(onlySpan()).toMatchObject({ status: "failed", metadata: { http_status: 400 } });
    memory.reset();
    nock(API).post("/v1/chat/completions").reply(500, API_ERROR_500);
    const stream = await errorThroughPatch(v.ns, proto, "create", () => client(v).chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true }));
    expect(stream.caught).toBeInstanceOf(v.OpenAI.InternalServerError);
    expect(stream.caught).toBe(stream.produced[0]);
    expect(onlySpan().status).toBe("failed");
  });

  it("a failing call nobody awaits leaves its rejection unhandled, as untraced; one awaited or read through asResponse() does not", async () => {
    const unhandledOf = async (fn: () => unknown): Promise<unknown[]> => {
      const seen: unknown[] = [];
      const listeners = process.listeners("unhandledRejection");
      process.removeAllListeners("unhandledRejection");
      process.on("unhandledRejection", (reason) => void seen.push(reason));
      try {
        nock(API).post("/v1/chat/completions").reply(500, API_ERROR_500);
        await fn();
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        process.removeAllListeners("unhandledRejection");
        for (const l of listeners) process.on("unhandledRejection", l);
      }
      return seen;
    };
    const create = () => client(v).chat.completions.create({ model: MODEL, messages: MESSAGES });
    const neverAwaited = (): void => void create();
    const plain = await untraced(v, () => unhandledOf(neverAwaited));
    const tracedRun = await unhandledOf(neverAwaited);
    expect(plain).toHaveLength(1);
    expect(tracedRun).toHaveLength(1);
    expect(tracedRun[0]).toBeInstanceOf(v.OpenAI.InternalServerError);
    expect(onlySpan()).toMatchObject({ status: "failed", metadata: { http_status: 500 } });
    expect(await unhandledOf(() => create().catch(() => undefined))).toEqual([]);
    expect(await unhandledOf(() => create().asResponse().catch(() => undefined))).toEqual([]);
  });
});
