/**
 * What `instrument()` accepts and what it patches, per openai major: the module namespace, the
 * default-export class, a client instance, AzureOpenAI, the CJS build (different classes);
 * idempotence and `uninstrument`. And where spans go: the active trace, an implicit trace outside
 * any trace, the right trace under concurrency, nothing when suppressed; no content when
 * `captureContent` is off.
 */
import Anthropic from "anthropic-v1";
import { agentTrace, init, instrument, registerPlugin, suppressProviderSpans, uninstrument, type MemoryExporter } from "@tracium/core";
import { openaiPlugin } from "@tracium/openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nock, useNock } from "../helpers/nock.js";
import { SSE_HEADERS, sseBody } from "../helpers/sse.js";
import { setupTracing, tick } from "../helpers/tracing.js";
import { API, CHAT_TOKENS, MESSAGES, MODEL, RESPONSE_MODEL, TOOLS, chatCompletion, textChunks, toolCallCompletion, usageChunk } from "./fixtures.js";
import { VERSIONS, client, type OpenAIVersion } from "./versions.js";

const memory: MemoryExporter = setupTracing({ defaultAgentName: "implicit-agent" });
registerPlugin(openaiPlugin);
useNock();
beforeEach(() => memory.reset());

const traced = <T>(fn: () => Promise<T>, agentName = "openai-test"): Promise<T> => agentTrace({ agentName }, fn);

function reply(times = 1, content = "Hello there"): void {
  nock(API).post("/v1/chat/completions").times(times).reply(200, chatCompletion(content));
}

function unpatchAll(v: OpenAIVersion): void {
  uninstrument(v.ns);
  uninstrument(v.cjs());
}

describe.each(VERSIONS)("openai v$major", (v) => {
  afterEach(() => unpatchAll(v));

  it("instrument(module namespace) patches the ESM build", async () => {
    expect(instrument(v.ns)).toBe(true);
    reply();
    await traced(() => client(v).chat.completions.create({ model: MODEL, messages: MESSAGES }));
    expect(memory.spans().map((s) => s.name)).toEqual(["openai.chat.completions"]);
  });

  it("instrument(default-export class) patches it", async () => {
    expect(instrument(v.OpenAI)).toBe(true);
    expect(openaiPlugin.isPatched?.(v.OpenAI)).toBe(true);
    reply();
    await traced(() => client(v).chat.completions.create({ model: MODEL, messages: MESSAGES }));
    expect(memory.spans()).toHaveLength(1);
  });

  it("instrument(client instance) patches its build's prototypes (every client of that build)", async () => {
    const oai = client(v);
    expect(instrument(oai)).toBe(true);
    reply(2);
    await traced(async () => {
      await oai.chat.completions.create({ model: MODEL, messages: MESSAGES });
      await client(v).chat.completions.create({ model: MODEL, messages: MESSAGES });
    });
    expect(memory.spans()).toHaveLength(2);
  });

  it("AzureOpenAI: the class and its clients are traced", async () => {
    expect(instrument(v.AzureOpenAI)).toBe(true);
    nock("https://res.openai.azure.com")
      .post(/\/chat\/completions$/)
      .query(true)
      .reply(200, chatCompletion());
    const azure = new v.AzureOpenAI({ apiKey: "az-key", endpoint: "https://res.openai.azure.com", apiVersion: "2024-10-21", deployment: "dep", maxRetries: 0 });
    expect(openaiPlugin.detect(azure)).toBe(true);
    const res = await traced(() => azure.chat.completions.create({ model: MODEL, messages: MESSAGES }));
    expect(res.choices[0].message.content).toBe("Hello there");
    expect(memory.spans()[0]).toMatchObject({ name: "openai.chat.completions", modelId: RESPONSE_MODEL, usage: CHAT_TOKENS });
  });

  it("CJS build: different classes, patched by instrument(require(...)) independently of the ESM build", async () => {
    const cjs = v.cjs();
    const CjsOpenAI = cjs.OpenAI ?? cjs.default ?? cjs;
    expect(CjsOpenAI).not.toBe(v.OpenAI);
    expect(CjsOpenAI.Chat.Completions.prototype).not.toBe(v.OpenAI.Chat.Completions.prototype);
    expect(instrument(cjs)).toBe(true);
    reply(2);
    await traced(async () => {
      const viaCjs = await new CjsOpenAI({ apiKey: "sk-test", maxRetries: 0 }).chat.completions.create({ model: MODEL, messages: MESSAGES });
      expect(viaCjs.choices[0].message.content).toBe("Hello there");
      await client(v).chat.completions.create({ model: MODEL, messages: MESSAGES }); // ESM build: not patched here
    });
    expect(memory.spans()).toHaveLength(1);
    expect(instrument(v.ns)).toBe(true);
    expect(openaiPlugin.isPatched?.(cjs)).toBe(true);
    expect(openaiPlugin.isPatched?.(v.ns)).toBe(true);
  });

  it("instrument called twice (and through every kind of target): one span per call", async () => {
    const original = v.OpenAI.Chat.Completions.prototype.create;
    expect(instrument(v.ns)).toBe(true);
    const patched = v.OpenAI.Chat.Completions.prototype.create;
    expect(patched).not.toBe(original);
    expect(instrument(v.ns)).toBe(true);
    expect(instrument(v.OpenAI)).toBe(true);
    expect(instrument(client(v))).toBe(true);
    expect(v.OpenAI.Chat.Completions.prototype.create).toBe(patched);
    reply();
    await traced(() => client(v).chat.completions.create({ model: MODEL, messages: MESSAGES }));
    expect(memory.spans()).toHaveLength(1);
  });

  it("uninstrument restores the original methods: no span afterwards", async () => {
    const originals = [v.OpenAI.Chat.Completions.prototype.create, v.OpenAI.Responses.prototype.create, v.OpenAI.Embeddings.prototype.create, v.OpenAI.Completions.prototype.create];
    instrument(v.ns);
    expect(openaiPlugin.isPatched?.(v.ns)).toBe(true);
    expect(uninstrument(v.ns)).toBe(true);
    expect(openaiPlugin.isPatched?.(v.ns)).toBe(false);
    expect([v.OpenAI.Chat.Completions.prototype.create, v.OpenAI.Responses.prototype.create, v.OpenAI.Embeddings.prototype.create, v.OpenAI.Completions.prototype.create]).toEqual(originals);
    reply();
    const res = await traced(() => client(v).chat.completions.create({ model: MODEL, messages: MESSAGES }));
    expect(res.choices[0].message.content).toBe("Hello there");
    expect(memory.spans()).toHaveLength(0);
  });

  it("a call outside any trace gets an implicit trace (non-stream and stream)", async () => {
    instrument(v.ns);
    reply();
    nock(API)
      .post("/v1/chat/completions")
      .reply(200, sseBody([...textChunks(), usageChunk()]), SSE_HEADERS);
    const oai = client(v);
    await oai.chat.completions.create({ model: MODEL, messages: MESSAGES });
    const stream = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });
    expect(memory.traces()).toHaveLength(1);
    for await (const _ of stream) void _;
    const traces = memory.traces();
    expect(traces).toHaveLength(2);
    for (const t of traces) {
      expect(t.agentName).toBe("implicit-agent");
      expect(t.status).toBe("completed");
      expect(t.summary).toMatchObject({ llm_calls: 1, input_tokens: 12, output_tokens: 7 });
      const spans = memory.spans(t.id);
      expect(spans).toHaveLength(1);
      expect(spans[0]!.parentSpanId).toBeUndefined();
    }
  });

  it("two concurrent traces making calls at once: each span lands in its own trace", async () => {
    instrument(v.ns);
    const said = (b: { messages: { content: string }[] }): string => b.messages[0]!.content;
    nock(API)
      .post("/v1/chat/completions")
      .times(4)
      .reply(200, (_uri, body) => {
        const b = body as { stream?: boolean; messages: { content: string }[] };
        return b.stream ? sseBody([...textChunks([`stream-${said(b)}`]), usageChunk()]) : chatCompletion(`reply-${said(b)}`);
      });
    const oai = client(v);
    const run = (name: string) =>
      agentTrace({ agentName: name }, async (trace) => {
        const stream = await oai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: name }], stream: true });
        await tick(5);
        let text = "";
        for await (const c of stream) text += c.choices[0]?.delta?.content ?? "";
        const res = await oai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: name }] });
        return { id: trace.id, text, reply: res.choices[0].message.content };
      });
    const [a, b] = await Promise.all([run("agent-a"), run("agent-b")]);
    expect(a.text).toBe("stream-agent-a");
    expect(b.reply).toBe("reply-agent-b");
    for (const [r, name] of [[a, "agent-a"], [b, "agent-b"]] as const) {
      const spans = memory.spans(r.id);
      expect(spans).toHaveLength(2);
      for (const s of spans) expect((s.input as { messages: { content: string }[] }).messages[0]!.content).toBe(name);
      expect(spans.map((s) => s.output).sort()).toEqual([`reply-${name}`, `stream-${name}`]);
    }
  });

  it("the span's parent is the span active when the call is made, not where the stream is read", async () => {
    instrument(v.ns);
    nock(API)
      .post("/v1/chat/completions")
      .reply(200, sseBody([...textChunks(), usageChunk()]), SSE_HEADERS);
    const oai = client(v);
    await traced(async (): Promise<void> => {
      const { currentTrace } = await import("@tracium/core");
      const trace = currentTrace()!;
      const stream = await trace.span({ spanType: "chain", name: "step" }, () => oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true }));
      await trace.span({ spanType: "tool", name: "consumer" }, async () => {
        for await (const _ of stream) void _;
      });
    });
    const spans = memory.spans();
    const step = spans.find((s) => s.name === "step")!;
    const llm = spans.find((s) => s.name === "openai.chat.completions")!;
    expect(llm.parentSpanId).toBe(step.id);
    expect(llm.depth).toBe(step.depth + 1);
  });

  it("suppressed provider spans (an integration already traces the call): no span, the call works", async () => {
    instrument(v.ns);
    reply();
    const res = await traced(() => suppressProviderSpans(() => client(v).chat.completions.create({ model: MODEL, messages: MESSAGES })));
    expect(res.choices[0].message.content).toBe("Hello there");
    expect(memory.spans()).toHaveLength(0);
  });

  it("captureContent: false keeps model, usage and parameters but no prompt, output, stop text or tool arguments", async () => {
    instrument(v.ns);
    const noContent = setupTracing({ captureContent: false });
    try {
      nock(API).post("/v1/chat/completions").reply(200, toolCallCompletion());
      nock(API)
        .post("/v1/chat/completions")
        .reply(200, sseBody([...textChunks(["secret ", "answer"]), usageChunk()]), SSE_HEADERS);
      const oai = client(v);
      await agentTrace({ agentName: "private" }, async () => {
        await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, tools: TOOLS, stop: ["SECRET-STOP"], temperature: 0.5 });
        for await (const _ of await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true })) void _;
      });
      const spans = noContent.spans();
      expect(spans).toHaveLength(2);
      for (const s of spans) {
        expect(s.input).toBeUndefined();
        expect(s.output).toBeUndefined();
        expect(s.modelId).toBe(RESPONSE_MODEL);
        expect(s.usage).toEqual(CHAT_TOKENS);
      }
      expect(spans[0]!.metadata.request_params).toEqual({ temperature: 0.5 });
      expect(spans[0]!.toolCalls).toEqual([
        { id: "call_a", type: "function", function: { name: "get_weather" } },
        { id: "call_b", type: "function", function: { name: "get_time" } },
      ]);
      const dump = JSON.stringify(noContent.records);
      for (const secret of ["SECRET-STOP", "secret answer", "Say hello", "You are terse", "Paris"]) expect(dump).not.toContain(secret);
    } finally {
      init({ logLevel: "silent", exporter: memory, defaultAgentName: "implicit-agent" });
    }
  });

  it("detect() takes OpenAI values only", () => {
    expect(openaiPlugin.detect(v.ns)).toBe(true);
    expect(openaiPlugin.detect(v.OpenAI)).toBe(true);
    expect(openaiPlugin.detect(v.cjs())).toBe(true);
    expect(openaiPlugin.detect(client(v))).toBe(true);
    expect(openaiPlugin.detect(v.AzureOpenAI)).toBe(true);
    for (const other of [undefined, null, 0, "openai", {}, [], () => undefined, Anthropic, new Anthropic({ apiKey: "k" }), { chat: {} }, new Proxy({}, { get: () => { throw new Error("boom"); } })]) {
      expect(openaiPlugin.detect(other)).toBe(false);
    }
    expect(instrument({ chat: { completions: {} } })).toBe(false);
  });
});
