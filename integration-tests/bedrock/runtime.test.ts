/**
 * @tracium/bedrock against the real @aws-sdk/client-bedrock-runtime (its default HTTP/2 handler)
 * and the fake provider's Bedrock endpoint, or a scripted HTTP/2 endpoint. Each test is named after
 * the contract it proves.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { S3Client, ListBucketsCommand } from "@aws-sdk/client-s3";
import { agentTrace, init, instrument, MemoryExporter, registerPlugin, tool, uninstrument, type SpanData } from "@tracium/core";
import { bedrockPlugin } from "@tracium/bedrock";
import { startFakeProvider, type FakeProvider } from "../../examples/fake-provider/index.mjs";
import { b64, client as clientOf, CREDENTIALS, startScriptedBedrock, VERSIONS, type ScriptedBedrock } from "./fixtures.js";
import type * as BedrockTypes from "@aws-sdk/client-bedrock-runtime";

const exporter = new MemoryExporter();
let fake: FakeProvider;
let scripted: ScriptedBedrock;

beforeAll(async () => {
  fake = await startFakeProvider({ latencyMs: 2 });
  scripted = await startScriptedBedrock();
  init({ exporter, logLevel: "silent" });
  registerPlugin(bedrockPlugin);
  for (const v of VERSIONS) expect(instrument(v.sdk)).toBe(true);
});
afterEach(() => {
  scripted.clear();
  exporter.reset();
});
afterAll(async () => {
  await scripted.close();
  await fake.close();
});

const llm = (traceId?: string): SpanData[] => exporter.spans(traceId).filter((s) => s.spanType === "llm");
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

async function inTrace<R>(fn: () => Promise<R>): Promise<{ traceId: string; result: R }> {
  let traceId = "";
  const result = await agentTrace({ agentName: "bedrock-it" }, async (trace) => {
    traceId = trace.id;
    return fn();
  });
  return { traceId, result };
}

const MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0";
const WEATHER = {
  toolSpec: { name: "get_weather", description: "Current weather in a city", inputSchema: { json: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
};
const LONG_SYSTEM = "You are a travel assistant. Keep answers short. ".repeat(8);

describe.each(VERSIONS)("$label", (v) => {
  const bedrock = v.sdk;
  // The fake provider: its HTTP/2 port for releases whose default handler speaks HTTP/2, its main
  // (HTTP/1.1) port for older ones, each with its default handler.
  const fakeEndpoint = (): string => (v.http2ByDefault ? fake.bedrockEndpoint : fake.url);
  const client = (endpoint: string): BedrockTypes.BedrockRuntimeClient => clientOf(endpoint, v, endpoint !== fake.url);

  describe("Converse", () => {
    it("await: one llm span with model id (inference-profile prefix kept), input, tools, params, output, usage and latency", async () => {
      const c = client(fakeEndpoint());
      const { traceId, result } = await inTrace(() =>
        c.send(new bedrock.ConverseCommand({ modelId: MODEL, system: [{ text: "Be brief." }], messages: [{ role: "user", content: [{ text: "Hello there" }] }], inferenceConfig: { maxTokens: 100, temperature: 0.3 } })),
      );
      const [span] = llm(traceId);
      expect(llm(traceId)).toHaveLength(1);
      expect(span).toMatchObject({
        name: "bedrock.converse",
        status: "completed",
        modelId: MODEL,
        input: { system: "Be brief.", messages: [{ role: "user", content: [{ text: "Hello there" }] }] },
        output: result.output!.message!.content![0]!.text,
        usage: { inputTokens: result.usage!.inputTokens, outputTokens: result.usage!.outputTokens, cachedInputTokens: 0, cacheCreationInputTokens: 0 },
        tags: ["@aws", "@bedrock"],
      });
      expect(span!.metadata).toMatchObject({ provider: "aws.bedrock", operation: "chat", bedrock_operation: "Converse", request_model: MODEL, finish_reasons: ["end_turn"], bedrock_latency_ms: 42, request_params: { inferenceConfig: { maxTokens: 100, temperature: 0.3 } } });
    });

    it("cache reads and writes are kept apart from input tokens, against hand-computed numbers, and summed in the summary", async () => {
      const usage = { inputTokens: 120, outputTokens: 30, totalTokens: 1350, cacheReadInputTokens: 1000, cacheWriteInputTokens: 200 };
      const reply = { json: { output: { message: { role: "assistant", content: [{ text: "ok" }] } }, stopReason: "end_turn", usage, metrics: { latencyMs: 7 } } };
      scripted.reply(reply, reply);
      const c = client(scripted.endpoint);
      const { traceId } = await inTrace(async () => {
        await c.send(new bedrock.ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "a" }] }] }));
        await c.send(new bedrock.ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "b" }] }] }));
      });
      for (const s of llm(traceId)) expect(s.usage).toEqual({ inputTokens: 120, outputTokens: 30, cachedInputTokens: 1000, cacheCreationInputTokens: 200 });
      const trace = exporter.traces().find((t) => t.id === traceId)!;
      expect(trace.summary).toMatchObject({ input_tokens: 240, output_tokens: 60, cached_input_tokens: 2000, cache_creation_input_tokens: 400, llm_calls: 2, models: [MODEL] });
    });

    it("tool use round trip: toolUse blocks become tool calls, a tracium.tool span links to the call", async () => {
      const c = client(fakeEndpoint());
      const getWeather = tool("get_weather", async ({ city }: { city: string }) => ({ city, temperature_c: 21 }));
      const { traceId, result } = await inTrace(async () => {
        const messages: BedrockTypes.Message[] = [{ role: "user", content: [{ text: "What is the weather in Paris?" }] }];
        const first = await c.send(new bedrock.ConverseCommand({ modelId: MODEL, messages, toolConfig: { tools: [WEATHER] } }));
        const use = first.output!.message!.content!.find((b) => b.toolUse)!.toolUse!;
        const out = await getWeather(use.input as { city: string });
        messages.push(first.output!.message!, { role: "user", content: [{ toolResult: { toolUseId: use.toolUseId, content: [{ json: out }] } }] });
        return c.send(new bedrock.ConverseCommand({ modelId: MODEL, messages, toolConfig: { tools: [WEATHER] } }));
      });
      expect(result.output!.message!.content![0]!.text).toContain("21");
      const [ask, answer] = llm(traceId);
      expect(ask!.tools).toEqual([{ type: "function", name: "get_weather", description: "Current weather in a city", parameters: WEATHER.toolSpec.inputSchema.json }]);
      expect(ask!.toolCalls).toEqual([{ id: expect.stringMatching(/^tooluse_/), type: "tool_use", name: "get_weather", input: { city: "Paris" } }]);
      expect(ask!.metadata!.finish_reasons).toEqual(["tool_use"]);
      expect(answer!.output).toContain("21");
      const toolSpan = exporter.spans(traceId).find((s) => s.spanType === "tool")!;
      expect(toolSpan.metadata).toMatchObject({ tool_call_id: (ask!.toolCalls as Array<{ id: string }>)[0]!.id, llm_span_id: ask!.id });
      // The next request's toolResult block (toolUseId) is read back: the answering llm span names the call and its tool span.
      expect(answer!.metadata).toMatchObject({ tool_results_for: [(ask!.toolCalls as Array<{ id: string }>)[0]!.id], tool_span_ids: [toolSpan.id] });
    });

    it("error: the caller gets the SDK's exception object, the span is failed", async () => {
      const c = client(fakeEndpoint());
      let caught: unknown;
      const { traceId } = await inTrace(async () => {
        try {
          await c.send(new bedrock.ConverseCommand({ modelId: "error-model", messages: [{ role: "user", content: [{ text: "x" }] }] }));
        } catch (err) {
          caught = err;
        }
      });
      expect(caught).toBeInstanceOf(bedrock.ValidationException);
      const [span] = llm(traceId);
      expect(span!.status).toBe("failed");
      expect(span!.error).toContain("model identifier is invalid");
    });

    it("the aggregated BedrockRuntime client is traced through send, once", async () => {
      const c = new bedrock.BedrockRuntime({ endpoint: fakeEndpoint(), region: "us-east-1", credentials: CREDENTIALS });
      const { traceId } = await inTrace(() => c.converse({ modelId: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: [{ text: "Hi" }] }] }));
      expect(llm(traceId).map((s) => s.name)).toEqual(["bedrock.converse"]);
    });

    it("implicit trace: a call outside any trace gets a trace of its own", async () => {
      await client(fakeEndpoint()).send(new bedrock.ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "alone" }] }] }));
      await settle();
      const spans = llm();
      expect(spans).toHaveLength(1);
      expect(exporter.traces().find((t) => t.id === spans[0]!.traceId)?.summary).toMatchObject({ llm_calls: 1 });
    });
  });

  describe("ConverseStream", () => {
    it("stream: the same output and stream objects, text, usage and latency from the metadata event, time to first token", async () => {
      const c = client(fakeEndpoint());
      let text = "";
      let sameStream = false;
      const { traceId } = await inTrace(async () => {
        const out = await c.send(new bedrock.ConverseStreamCommand({ modelId: MODEL, system: [{ text: LONG_SYSTEM }], messages: [{ role: "user", content: [{ text: "Hello there" }] }] }));
        const stream = out.stream!;
        for await (const e of stream) text += e.contentBlockDelta?.delta?.text ?? "";
        sameStream = out.stream === stream;
      });
      expect(sameStream).toBe(true);
      expect(text).toContain("Hello there");
      const [span] = llm(traceId);
      expect(span).toMatchObject({ name: "bedrock.converseStream", status: "completed", output: text });
      expect(span!.usage).toMatchObject({ cachedInputTokens: 48 });
      expect(span!.usage!.inputTokens).toBeGreaterThan(0);
      expect(span!.metadata).toMatchObject({ stream: true, stream_end_reason: "done", finish_reasons: ["end_turn"], bedrock_latency_ms: 42 });
      expect(span!.metadata!.time_to_first_token_ms).toBeGreaterThan(0);
    });

    it("stream: tool use assembled from its deltas", async () => {
      const c = client(fakeEndpoint());
      const { traceId } = await inTrace(async () => {
        const out = await c.send(new bedrock.ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Weather in Oslo?" }] }], toolConfig: { tools: [WEATHER] } }));
        for await (const _ of out.stream!) void _;
      });
      expect(llm(traceId)[0]!.toolCalls).toMatchObject([{ type: "tool_use", name: "get_weather", input: { city: "Oslo" } }]);
    });

    it("stream: an early break ends the span with the partial output", async () => {
      const c = client(fakeEndpoint());
      const { traceId } = await inTrace(async () => {
        const out = await c.send(new bedrock.ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Tell me a long story please" }] }] }));
        let n = 0;
        for await (const e of out.stream!) if (e.contentBlockDelta && ++n === 2) break;
      });
      await settle();
      const [span] = llm(traceId);
      expect(span!.status).toBe("completed");
      expect(span!.metadata!.stream_end_reason).toBe("break");
      expect(String(span!.output).split(" ").filter(Boolean).length).toBe(2);
    });

    it("stream: an abort through the abortSignal ends the span", async () => {
      scripted.reply({ events: [{ type: "messageStart", payload: { role: "assistant" } }, ...["a ", "b ", "c ", "d "].map((t) => ({ type: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { text: t } } }))], delayMs: 40 });
      const c = client(scripted.endpoint);
      const controller = new AbortController();
      let caught: unknown;
      const { traceId } = await inTrace(async () => {
        const out = await c.send(new bedrock.ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "x" }] }] }), { abortSignal: controller.signal });
        try {
          for await (const e of out.stream!) if (e.contentBlockDelta) controller.abort();
        } catch (err) {
          caught = err;
        }
      });
      await new Promise((r) => setTimeout(r, 100));
      await settle();
      const [span] = llm(traceId);
      // The SDK ends the iteration quietly on an abort: the span ends as an abort with what was read.
      expect(caught).toBeUndefined();
      expect(span).toMatchObject({ status: "completed", output: "a " });
      expect(span!.metadata!.stream_end_reason).toBe("abort");
    });

    it("stream: a stream that fails midway (a model stream error event) keeps its partial output; same error object, span failed", async () => {
      scripted.reply({
        events: [
          { type: "messageStart", payload: { role: "assistant" } },
          { type: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { text: "partial " } } },
          { type: "modelStreamErrorException", payload: { message: "the model stopped" }, exception: true },
        ],
      });
      const c = client(scripted.endpoint);
      let caught: unknown;
      const { traceId } = await inTrace(async () => {
        const out = await c.send(new bedrock.ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "x" }] }] }));
        try {
          for await (const _ of out.stream!) void _;
        } catch (err) {
          caught = err;
        }
      });
      await settle();
      expect(caught).toBeInstanceOf(bedrock.ModelStreamErrorException);
      const [span] = llm(traceId);
      expect(span).toMatchObject({ status: "failed", output: "partial " });
      expect(span!.metadata!.stream_end_reason).toBe("error");
      expect(span!.error).toContain("the model stopped");
    });
  });

  describe("InvokeModel", () => {
    it("Anthropic body: input, output, tool calls and usage read from the bytes, the body left intact", async () => {
      const c = client(fakeEndpoint());
      const body = JSON.stringify({ anthropic_version: "bedrock-2023-05-31", max_tokens: 200, system: LONG_SYSTEM, messages: [{ role: "user", content: "Hello there" }] });
      const { traceId, result } = await inTrace(() => c.send(new bedrock.InvokeModelCommand({ modelId: "anthropic.claude-3-5-haiku-20241022-v1:0", contentType: "application/json", body })));
      const parsed = JSON.parse(new TextDecoder().decode(result.body));
      expect(result.body.transformToString()).toBe(JSON.stringify(parsed));
      const [span] = llm(traceId);
      expect(span).toMatchObject({ name: "bedrock.invokeModel", modelId: "anthropic.claude-3-5-haiku-20241022-v1:0", output: parsed.content[0].text, input: { system: LONG_SYSTEM } });
      expect(span!.usage).toEqual({ inputTokens: parsed.usage.input_tokens, outputTokens: parsed.usage.output_tokens, cachedInputTokens: 48, cacheCreationInputTokens: 0 });
      expect(span!.metadata).toMatchObject({ finish_reasons: ["end_turn"], response_id: parsed.id, request_params: { max_tokens: 200, anthropic_version: "bedrock-2023-05-31" } });
    });

    it("other families (Nova, Llama, Mistral, Cohere, Titan): text and usage from their native bodies", async () => {
      const cases: Array<{ body: unknown; text: string; usage?: Record<string, number> }> = [
        { body: { output: { message: { role: "assistant", content: [{ text: "nova" }] } }, stopReason: "end_turn", usage: { inputTokens: 5, outputTokens: 2, cacheReadInputTokenCount: 3 } }, text: "nova", usage: { inputTokens: 5, outputTokens: 2, cachedInputTokens: 3 } },
        { body: { generation: "llama", prompt_token_count: 7, generation_token_count: 1, stop_reason: "stop" }, text: "llama", usage: { inputTokens: 7, outputTokens: 1 } },
        { body: { outputs: [{ text: "mistral", stop_reason: "stop" }] }, text: "mistral" },
        { body: { choices: [{ message: { role: "assistant", content: "mistral chat" }, finish_reason: "stop" }], usage: { prompt_tokens: 4, completion_tokens: 2 } }, text: "mistral chat", usage: { inputTokens: 4, outputTokens: 2 } },
        { body: { text: "cohere", finish_reason: "COMPLETE", meta: { billed_units: { input_tokens: 6, output_tokens: 1 } } }, text: "cohere", usage: { inputTokens: 6, outputTokens: 1 } },
        { body: { inputTextTokenCount: 3, results: [{ outputText: "titan", tokenCount: 1, completionReason: "FINISH" }] }, text: "titan", usage: { inputTokens: 3, outputTokens: 1 } },
      ];
      for (const k of cases) scripted.reply({ json: k.body });
      const c = client(scripted.endpoint);
      const { traceId } = await inTrace(async () => {
        for (const _ of cases) await c.send(new bedrock.InvokeModelCommand({ modelId: "some.model-v1:0", body: JSON.stringify({ prompt: "hi" }) }));
      });
      const spans = llm(traceId);
      expect(spans.map((s) => s.output)).toEqual(cases.map((k) => k.text));
      cases.forEach((k, i) => {
        if (k.usage) expect(spans[i]!.usage).toEqual(k.usage);
        expect(spans[i]!.input).toEqual({ prompt: "hi" });
      });
    });

    it("a body that cannot be read without consuming it (a stream) is left alone: model id and timing only", async () => {
      scripted.reply({ json: { generation: "x" } });
      const c = client(scripted.endpoint);
      const { Readable } = await import("node:stream");
      const { traceId } = await inTrace(() => c.send(new bedrock.InvokeModelCommand({ modelId: "meta.llama3-8b-instruct-v1:0", body: Readable.from([Buffer.from('{"prompt":"hi"}')]) as never })));
      const [span] = llm(traceId);
      expect(span!.modelId).toBe("meta.llama3-8b-instruct-v1:0");
      expect(span!.input).toBeUndefined();
    });
  });

  describe("InvokeModelWithResponseStream", () => {
    it("Anthropic chunks: text, tool-free usage from the model's events, the same body stream", async () => {
      const c = client(fakeEndpoint());
      let text = "";
      const { traceId } = await inTrace(async () => {
        const out = await c.send(new bedrock.InvokeModelWithResponseStreamCommand({ modelId: "anthropic.claude-3-5-haiku-20241022-v1:0", body: JSON.stringify({ anthropic_version: "bedrock-2023-05-31", max_tokens: 100, messages: [{ role: "user", content: "Hello there" }] }) }));
        const body = out.body!;
        for await (const e of body) {
          const ev = JSON.parse(new TextDecoder().decode(e.chunk!.bytes));
          if (ev.type === "content_block_delta") text += ev.delta.text;
        }
        expect(out.body).toBe(body);
      });
      const [span] = llm(traceId);
      expect(span).toMatchObject({ name: "bedrock.invokeModelWithResponseStream", status: "completed", output: text });
      expect(span!.usage!.inputTokens).toBeGreaterThan(0);
      expect(span!.usage!.outputTokens).toBeGreaterThan(1);
      expect(span!.metadata!.time_to_first_token_ms).toBeGreaterThan(0);
    });

    it("Nova chunks: usage from the metadata event, never summed", async () => {
      scripted.reply({
        events: [
          { type: "chunk", payload: { bytes: b64({ messageStart: { role: "assistant" } }) } },
          { type: "chunk", payload: { bytes: b64({ contentBlockDelta: { delta: { text: "Hi " }, contentBlockIndex: 0 } }) } },
          { type: "chunk", payload: { bytes: b64({ contentBlockDelta: { delta: { text: "there" }, contentBlockIndex: 0 } }) } },
          { type: "chunk", payload: { bytes: b64({ messageStop: { stopReason: "end_turn" } }) } },
          { type: "chunk", payload: { bytes: b64({ metadata: { usage: { inputTokens: 11, outputTokens: 2, cacheReadInputTokenCount: 5 } }, "amazon-bedrock-invocationMetrics": { inputTokenCount: 11, outputTokenCount: 2 } }) } },
        ],
      });
      const c = client(scripted.endpoint);
      const { traceId } = await inTrace(async () => {
        const out = await c.send(new bedrock.InvokeModelWithResponseStreamCommand({ modelId: "amazon.nova-lite-v1:0", body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "hi" }] }] }) }));
        for await (const _ of out.body!) void _;
      });
      const [span] = llm(traceId);
      expect(span).toMatchObject({ output: "Hi there", usage: { inputTokens: 11, outputTokens: 2, cachedInputTokens: 5 } });
      expect(span!.metadata!.finish_reasons).toEqual(["end_turn"]);
    });
  });

  describe("what is not traced", () => {
    it.skipIf(!("CountTokensCommand" in bedrock))("CountTokens is not an llm call: no span (the command is newer than 3.758)", async () => {
      const c = client(fakeEndpoint());
      const { traceId, result } = await inTrace(() => c.send(new bedrock.CountTokensCommand({ modelId: MODEL, input: { converse: { messages: [{ role: "user", content: [{ text: "a b c" }] }] } } })));
      expect(result.inputTokens).toBeGreaterThan(0);
      expect(exporter.spans(traceId)).toHaveLength(0);
    });

    it("an S3 call through the shared smithy send makes no span, and S3's send is the untouched shared one", async () => {
      // S3 speaks HTTP/1.1: a plain local server answers its ListBuckets.
      const xml = '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets><Bucket><Name>b1</Name></Bucket></Buckets><Owner><ID>x</ID></Owner></ListAllMyBucketsResult>';
      const s3Server = http.createServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/xml" });
        res.end(xml);
      });
      await new Promise<void>((resolve) => s3Server.listen(0, "127.0.0.1", resolve));
      try {
        const { port } = s3Server.address() as AddressInfo;
        const s3 = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
        const base = Object.getPrototypeOf(S3Client.prototype);
        expect(Object.prototype.hasOwnProperty.call(S3Client.prototype, "send")).toBe(false);
        expect(s3.send).toBe(base.send);
        expect(Object.prototype.hasOwnProperty.call(bedrock.BedrockRuntimeClient.prototype, "send")).toBe(true);
        const { traceId, result } = await inTrace(() => s3.send(new ListBucketsCommand({})));
        expect(result.Buckets?.map((b) => b.Name)).toEqual(["b1"]);
        expect(exporter.spans(traceId)).toHaveLength(0);
        s3.destroy();
      } finally {
        s3Server.closeAllConnections();
        await new Promise((resolve) => s3Server.close(resolve));
      }
    });

    it("a send with a callback goes through untraced and still calls back", async () => {
      const c = client(fakeEndpoint());
      const out = await new Promise<unknown>((resolve, reject) =>
        c.send(new bedrock.ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "cb" }] }] }), (err: unknown, data: unknown) => (err ? reject(err) : resolve(data))),
      );
      expect(out).toHaveProperty("output");
    });
  });

  it("results are byte-identical with and without tracing (Converse, ConverseStream, InvokeModel)", async () => {
    const c = client(fakeEndpoint());
    const run = async (): Promise<string> => {
      const conv = await c.send(new bedrock.ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "same" }] }] }));
      const streamed = await c.send(new bedrock.ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "same" }] }] }));
      const events: unknown[] = [];
      for await (const e of streamed.stream!) events.push(e);
      const inv = await c.send(new bedrock.InvokeModelCommand({ modelId: "anthropic.claude-3-haiku", body: JSON.stringify({ anthropic_version: "bedrock-2023-05-31", max_tokens: 5, messages: [{ role: "user", content: "same" }] }) }));
      const strip = (o: { $metadata?: unknown }) => ({ ...o, $metadata: undefined });
      return JSON.stringify([strip(conv), Object.keys(streamed), events, strip({ ...inv, body: inv.body.transformToString() })]).replace(/fake\d+/g, "fakeN");
    };
    const traced = (await inTrace(run)).result;
    expect(llm()).toHaveLength(3);
    uninstrument(bedrock);
    try {
      expect(Object.prototype.hasOwnProperty.call(bedrock.BedrockRuntimeClient.prototype, "send")).toBe(false);
      exporter.reset();
      const plain = await inTrace(run);
      expect(llm(plain.traceId)).toHaveLength(0);
      expect(traced).toBe(plain.result);
    } finally {
      instrument(bedrock);
    }
  });
});
