/**
 * The shared provider-call tap (`@tracium/core`), exercised directly on the real openai SDK's
 * APIPromise and Stream (v6) and on the fallback shapes a future SDK could return: plain
 * promises, unknown thenables, plain values, synchronous throws. The idle-timeout safety net.
 */
import { startSpan, startTrace, traceApiPromise, traceProviderCall, tapProviderStream, isApiPromiseLike, isProviderStream, type Span } from "@tracium/core";
import OpenAI from "openai-v6";
import { beforeEach, describe, expect, it } from "vitest";
import { nock, useNock } from "../helpers/nock.js";
import { SSE_HEADERS, sseBody } from "../helpers/sse.js";
import { setupTracing, waitFor } from "../helpers/tracing.js";
import { API, MESSAGES, MODEL, chatCompletion, textChunks } from "./fixtures.js";

const memory = setupTracing();
useNock();
beforeEach(() => memory.reset());

const oai = () => new OpenAI({ apiKey: "sk-test", maxRetries: 0 });

function recorder() {
  const calls: string[] = [];
  return {
    calls,
    hooks: {
      onHttpResponse: (_s: Span, info: { status: number | undefined }) => calls.push(`http:${info.status}`),
      onResult: (s: Span, r: unknown) => (calls.push("result"), s.recordOutput(r)),
      onChunk: () => calls.push("chunk"),
      onStreamEnd: (_s: Span, info: { reason: string; chunks: number }) => calls.push(`end:${info.reason}:${info.chunks}`),
      onError: (_s: Span, e: unknown) => calls.push(`error:${(e as Error).message}`),
    },
  };
}

describe("provider tap", () => {
  it("the result is recorded and the span ended before the caller's await resumes (the tap observes the parse from the side)", async () => {
    nock(API).post("/v1/chat/completions").reply(200, chatCompletion());
    const trace = startTrace({ agentName: "tap" });
    const span = trace.run(() => startSpan({ spanType: "llm", name: "order" }));
    const { calls, hooks } = recorder();
    const p = traceApiPromise(span, oai().chat.completions.create({ model: MODEL, messages: MESSAGES as never }), hooks);
    const result = await p;
    expect(calls).toEqual(["http:200", "result"]);
    expect(span.isEnded).toBe(true);
    expect(result.choices[0]!.message.content).toBeTypeOf("string");
    trace.end();
  });

  it("recognises the SDK's APIPromise and Stream", async () => {
    nock(API).post("/v1/chat/completions").reply(200, sseBody(textChunks()), SSE_HEADERS);
    const p = oai().chat.completions.create({ model: MODEL, messages: MESSAGES as never, stream: true });
    expect(isApiPromiseLike(p)).toBe(true);
    expect(isApiPromiseLike(Promise.resolve())).toBe(false);
    const stream = await p;
    expect(isProviderStream(stream)).toBe(true);
    expect(isProviderStream({})).toBe(false);
    for await (const _ of stream) void _;
  });

  it("idle timeout: a stream never read ends its span (reason timeout); reading it later still works", async () => {
    nock(API).post("/v1/chat/completions").reply(200, sseBody(textChunks()), SSE_HEADERS);
    const trace = startTrace({ agentName: "tap" });
    const span = trace.run(() => startSpan({ spanType: "llm", name: "idle" }));
    const { calls, hooks } = recorder();
    const stream = await traceApiPromise(span, oai().chat.completions.create({ model: MODEL, messages: MESSAGES as never, stream: true }), hooks, { idleTimeoutMs: 30 });
    await waitFor(() => span.isEnded, 2000, "idle timeout");
    expect(span.data.metadata).toMatchObject({ ended_by_timeout: true, stream_end_reason: "timeout" });
    expect(calls).toEqual(["http:200", "end:timeout:0"]);
    const seen: unknown[] = [];
    for await (const c of stream) seen.push(c);
    expect(seen).toHaveLength(textChunks().length);
    trace.end();
  });

  it("idle timeout: a non-stream result never read ends its span after the headers arrived", async () => {
    nock(API).post("/v1/chat/completions").reply(200, chatCompletion());
    const span = startSpan({ spanType: "llm", name: "unread" });
    const p = traceApiPromise(span, oai().chat.completions.create({ model: MODEL, messages: MESSAGES as never }), {}, { idleTimeoutMs: 30 });
    await waitFor(() => span.isEnded, 2000, "idle timeout");
    expect(span.data.metadata).toMatchObject({ ended_by_timeout: true, http_status: 200 });
    expect((await p).choices[0]!.message.content).toBe("Hello there");
  });

  it("tapProviderStream taps a Stream obtained without the tap", async () => {
    nock(API).post("/v1/chat/completions").reply(200, sseBody(textChunks()), SSE_HEADERS);
    const stream = await oai().chat.completions.create({ model: MODEL, messages: MESSAGES as never, stream: true });
    const span = startSpan({ spanType: "llm", name: "late" });
    const { calls, hooks } = recorder();
    expect(tapProviderStream(span, stream, hooks)).toBe(stream);
    const seen: unknown[] = [];
    for await (const c of stream) seen.push(c);
    expect(seen).toHaveLength(4);
    expect(calls).toEqual(["chunk", "chunk", "chunk", "chunk", "end:done:4"]);
    expect(span.isEnded).toBe(true);
  });

  it("fallback: a plain promise is chained (same value, same error) and ends the span", async () => {
    const a = startSpan({ spanType: "llm", name: "plain" });
    const value = { ok: 1 };
    const r1 = recorder();
    const p = traceProviderCall(a, () => Promise.resolve(value), r1.hooks);
    expect(Object.getPrototypeOf(p)).toBe(Promise.prototype);
    expect(await p).toBe(value);
    expect(r1.calls).toEqual(["result"]);
    expect(a.data).toMatchObject({ status: "completed", output: { ok: 1 } });

    const b = startSpan({ spanType: "llm", name: "plain-fail" });
    const err = new Error("nope");
    const r2 = recorder();
    await expect(traceProviderCall(b, () => Promise.reject(err), r2.hooks)).rejects.toBe(err);
    expect(r2.calls).toEqual(["error:nope"]);
    expect(b.data).toMatchObject({ status: "failed", error: "nope" });
  });

  it("fallback: a synchronous throw is rethrown as is and fails the span", () => {
    const span = startSpan({ spanType: "llm", name: "sync" });
    const err = new TypeError("bad arguments");
    expect(() => traceProviderCall(span, () => { throw err; }, {})).toThrow(err);
    expect(span.data).toMatchObject({ status: "failed", error: "bad arguments" });
  });

  it("fallback: an unknown thenable is returned as the same object and observed", async () => {
    const span = startSpan({ spanType: "llm", name: "thenable" });
    const thenable = { then: (resolve: (v: unknown) => void) => resolve("done") };
    const r = recorder();
    expect(traceProviderCall(span, () => thenable, r.hooks)).toBe(thenable);
    await waitFor(() => span.isEnded);
    expect(r.calls).toEqual(["result"]);
  });

  it("an APIPromise is observed in place: the same object, its own keys unchanged, the result seen once when read", async () => {
    nock(API).post("/v1/chat/completions").reply(200, chatCompletion());
    const span = startSpan({ spanType: "llm", name: "in-place" });
    const r = recorder();
    const original = oai().chat.completions.create({ model: MODEL, messages: MESSAGES as never });
    const keys = Object.keys(original);
    const returned = traceApiPromise(span, original, r.hooks);
    expect(returned).toBe(original);
    expect(Object.keys(returned)).toEqual(keys);
    const result = await returned;
    expect((await returned.withResponse()).data).toBe(result);
    expect(r.calls).toEqual(["http:200", "result"]);
    expect(span.data).toMatchObject({ status: "completed" });
  });

  it("an APIPromise whose body does not parse: same error object to the caller, span failed", async () => {
    nock(API).post("/v1/chat/completions").reply(200, "{not json", { "content-type": "application/json" });
    const span = startSpan({ spanType: "llm", name: "bad-body" });
    const p = traceApiPromise(span, oai().chat.completions.create({ model: MODEL, messages: MESSAGES as never }), recorder().hooks);
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    await expect(p).rejects.toBe(err);
    expect(span.data.status).toBe("failed");
  });

  it("fallback: an APIPromise-like without its own parseResponse is returned as is; the span ends with the HTTP status", async () => {
    const span = startSpan({ spanType: "llm", name: "unknown-internals" });
    const response = { status: 202 };
    const result = { ok: true };
    const promiseLike = Object.assign(Promise.resolve(result), {
      responsePromise: Promise.resolve({ response }),
      _thenUnwrap: () => promiseLike,
    });
    const r = recorder();
    expect(traceApiPromise(span, promiseLike, r.hooks)).toBe(promiseLike);
    expect(await promiseLike).toBe(result);
    await waitFor(() => span.isEnded);
    expect(r.calls).toEqual(["http:202"]);
    expect(span.data).toMatchObject({ status: "completed", metadata: { http_status: 202 } });
  });

  it("options that cannot be read: the call runs once, untraced, its result returned; the span ends", () => {
    const span = startSpan({ spanType: "llm", name: "hostile-options" });
    const options = new Proxy({}, { ownKeys: () => { throw new Error("trap"); }, get: () => { throw new Error("trap"); } });
    let runs = 0;
    expect(traceProviderCall(span, () => (runs++, 42), {}, options as never)).toBe(42);
    expect(runs).toBe(1);
    expect(span.isEnded).toBe(true);
  });

  it("fallback: a plain value (and a stream-like value) is returned as is", async () => {
    const span = startSpan({ spanType: "llm", name: "value" });
    expect(traceProviderCall(span, () => 42, {})).toBe(42);
    expect(span.isEnded).toBe(true);

    const s2 = startSpan({ spanType: "llm", name: "iterable" });
    const iterable = {
      async *[Symbol.asyncIterator]() {
        yield 1;
        yield 2;
      },
    };
    const r = recorder();
    expect(traceProviderCall(s2, () => iterable, r.hooks)).toBe(iterable);
    const seen: unknown[] = [];
    for await (const x of iterable) seen.push(x);
    expect(seen).toEqual([1, 2]);
    expect(r.calls).toEqual(["chunk", "chunk", "end:done:2"]);
  });

  it("hideChunk hides chunks from every reader; onChunk still sees them", async () => {
    nock(API).post("/v1/chat/completions").reply(200, sseBody(textChunks()), SSE_HEADERS);
    const span = startSpan({ spanType: "llm", name: "hide" });
    const r = recorder();
    const stream = await traceApiPromise(span, oai().chat.completions.create({ model: MODEL, messages: MESSAGES as never, stream: true }), {
      ...r.hooks,
      hideChunk: (c: { choices: { delta: { content?: string } }[] }) => c.choices[0]?.delta.content === "Hel",
    });
    const seen: unknown[] = [];
    for await (const c of stream) seen.push(c.choices[0]?.delta.content);
    expect(seen).toEqual(["", "lo", undefined]);
    expect(r.calls.filter((c) => c === "chunk")).toHaveLength(4);
  });
});
