/**
 * @tracium/anthropic against the real @anthropic-ai/sdk, 1.x and 0.137 side by side, with nock.
 * Each test is named after the contract it proves (DESIGN.md, Plugins).
 */
import nock from "nock";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { agentTrace, currentTrace, span as traciumSpan } from "@tracium/core";
import {
  API,
  MODEL,
  RESPONSE_MODEL,
  VERSIONS,
  client,
  message,
  mockMessages,
  replyJson,
  replyStream,
  sse,
  sseBody,
  streamEvents,
} from "./fixtures.js";
import { endedTrace, exporter, llmSpans, onlyLlmSpan, settle, useTracium } from "./harness.js";

useTracium();

const USER = [{ role: "user" as const, content: "What is the weather in Paris?" }];
const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

/** Runs `fn` in a trace and returns its id with fn's result. */
async function inTrace<R>(fn: () => Promise<R>): Promise<{ traceId: string; result: R }> {
  let traceId = "";
  const result = await agentTrace({ agentName: "anthropic-it" }, async (trace) => {
    traceId = trace.id;
    return fn();
  });
  return { traceId, result };
}

describe.each(VERSIONS)("$label", (v) => {
  describe("non-stream calls", () => {
    it("await: one completed llm span with input, output, usage, model and metadata", async () => {
      replyJson(v, message({ text: "Sunny, 21°C.", usage: { input_tokens: 31, output_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } }));
      const anthropic = client(v);
      // 1.x's types no longer list the sampling parameters (0.x's do); the API and the plugin take them.
      const sampling = { temperature: 0.2, top_p: 0.9, top_k: 40 } as {};
      const { traceId, result } = await inTrace(() =>
        anthropic.messages.create({
          model: MODEL,
          max_tokens: 256,
          ...sampling,
          stop_sequences: ["END"],
          tool_choice: { type: "auto" },
          system: "You are terse.",
          tools: [WEATHER_TOOL],
          messages: USER,
          stream: false,
        }),
      );
      expect(result.content[0]).toEqual({ type: "text", text: "Sunny, 21°C." });

      const span = onlyLlmSpan(traceId);
      expect(span.name).toBe("anthropic.messages");
      expect(span.status).toBe("completed");
      expect(span.modelId).toBe(RESPONSE_MODEL);
      expect(span.input).toEqual({ system: "You are terse.", messages: USER });
      expect(span.output).toBe("Sunny, 21°C.");
      expect(span.tools).toEqual([WEATHER_TOOL]);
      expect(span.toolCalls).toBeUndefined();
      expect(span.usage).toEqual({ inputTokens: 31, outputTokens: 9, cachedInputTokens: 0, cacheCreationInputTokens: 0 });
      expect(span.tags).toEqual(expect.arrayContaining(["@anthropic", "@claude"]));
      expect(span.metadata).toMatchObject({
        provider: "anthropic",
        operation: "chat",
        request_model: MODEL,
        response_model: RESPONSE_MODEL,
        response_id: "msg_01",
        finish_reasons: ["end_turn"],
        stream: false,
        http_status: 200,
        request_params: { max_tokens: 256, temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ["END"], tool_choice: { type: "auto" } },
      });
      expect(span.metadata).not.toHaveProperty("error_type");
      expect(span.metadata).not.toHaveProperty("time_to_first_token_ms");
      const trace = endedTrace(traceId)!;
      expect(trace.modelId).toBe(RESPONSE_MODEL);
      expect(trace.systemPrompt).toBe("You are terse.");
    });

    it("request_params records thinking", async () => {
      replyJson(v, message({ text: "ok" }));
      const { traceId } = await inTrace(() =>
        client(v).messages.create({ model: MODEL, max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 }, messages: USER }),
      );
      expect(onlyLlmSpan(traceId).metadata.request_params).toEqual({ max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 } });
    });

    it(".withResponse(): data and raw response, one span", async () => {
      replyJson(v, message({ text: "hello" }));
      const { traceId, result } = await inTrace(() => client(v).messages.create({ model: MODEL, max_tokens: 16, messages: USER }).withResponse());
      expect(result.data.content[0]).toEqual({ type: "text", text: "hello" });
      expect(result.response.status).toBe(200);
      expect(result.response.headers.get("request-id")).toBe("req_123");
      const span = onlyLlmSpan(traceId);
      expect(span.status).toBe("completed");
      expect(span.output).toBe("hello");
    });

    it(".asResponse(): the span ends with the HTTP status and the body is left unread", async () => {
      replyJson(v, message({ text: "raw" }));
      const { traceId, result: response } = await inTrace(() => client(v).messages.create({ model: MODEL, max_tokens: 16, messages: USER }).asResponse());
      expect(response.bodyUsed).toBe(false);
      const span = onlyLlmSpan(traceId);
      expect(span.status).toBe("completed");
      expect(span.metadata).toMatchObject({ http_status: 200, response_body_unread: true });
      expect(span.output).toBeUndefined();
      // The caller can still read the body.
      expect(((await response.json()) as { content: unknown[] }).content).toEqual([{ type: "text", text: "raw" }]);
    });

    it("the returned value is still an APIPromise", async () => {
      replyJson(v, message({ text: "x" }));
      const p = client(v).messages.create({ model: MODEL, max_tokens: 16, messages: USER });
      expect(typeof p.withResponse).toBe("function");
      expect(typeof p.asResponse).toBe("function");
      expect(p).toBeInstanceOf(Promise);
      await p;
    });

    it("messages.parse(): one span, the helper's result unchanged", async () => {
      replyJson(v, message({ text: '{"answer": 4}' }));
      const { traceId, result } = await inTrace(() => client(v).messages.parse({ model: MODEL, max_tokens: 16, messages: USER }));
      expect(result.content).toEqual([{ type: "text", text: '{"answer": 4}' }]);
      expect(onlyLlmSpan(traceId).output).toBe('{"answer": 4}');
    });

    it("beta.messages.create: its own span name, betas recorded", async () => {
      mockMessages(v, { beta: true })
        .matchHeader("anthropic-beta", "interleaved-thinking-2025-05-14")
        .reply(200, message({ text: "beta ok" }), { "content-type": "application/json" });
      const { traceId } = await inTrace(() =>
        client(v).beta.messages.create({ model: MODEL, max_tokens: 16, messages: USER, betas: ["interleaved-thinking-2025-05-14"] }),
      );
      const span = onlyLlmSpan(traceId);
      expect(span.name).toBe("anthropic.beta.messages");
      expect(span.output).toBe("beta ok");
      expect(span.metadata).toMatchObject({ provider: "anthropic", operation: "chat", request_params: { max_tokens: 16, betas: ["interleaved-thinking-2025-05-14"] } });
    });
  });

  describe("streams", () => {
    it("stream: true with for await: events unchanged, text, usage overwritten by message_delta, time to first token", async () => {
      const events = streamEvents({
        text: ["Sun", "ny ", "and warm."],
        startUsage: { input_tokens: 25, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        deltaUsage: { output_tokens: 7 },
      });
      replyStream(v, sseBody(events));
      const seen: unknown[] = [];
      const { traceId } = await inTrace(async () => {
        const stream = await client(v).messages.create({ model: MODEL, max_tokens: 64, messages: USER, stream: true });
        for await (const event of stream) seen.push(event);
      });
      expect(seen).toEqual(events.filter((e) => e.event !== "ping").map((e) => e.data));
      const span = onlyLlmSpan(traceId);
      expect(span.status).toBe("completed");
      expect(span.output).toBe("Sunny and warm.");
      expect(span.modelId).toBe(RESPONSE_MODEL);
      // 7 = the running total of message_delta, not 1 + 7.
      expect(span.usage).toEqual({ inputTokens: 25, outputTokens: 7, cachedInputTokens: 0, cacheCreationInputTokens: 0 });
      expect(span.metadata).toMatchObject({ stream: true, finish_reasons: ["end_turn"], response_id: "msg_stream_01", stream_end_reason: "done" });
      expect(typeof span.metadata.time_to_first_token_ms).toBe("number");
      expect(span.metadata.time_to_first_token_ms as number).toBeGreaterThanOrEqual(0);
      expect(span.metadata.time_to_first_token_ms as number).toBeLessThanOrEqual(span.latencyMs!);
    });

    it("stream: true with .withResponse(), tee() and toReadableStream(): one span each", async () => {
      const body = sseBody(streamEvents({ text: ["a", "b"] }));
      replyStream(v, body);
      replyStream(v, body);
      replyStream(v, body);
      const anthropic = client(v);
      const { traceId } = await inTrace(async () => {
        const { data: s1, response } = await anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: USER, stream: true }).withResponse();
        expect(response.status).toBe(200);
        for await (const _ of s1) void _;

        const s2 = await anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: USER, stream: true });
        const [left, right] = s2.tee();
        const l: unknown[] = [];
        const r: unknown[] = [];
        for await (const e of left) l.push(e);
        for await (const e of right) r.push(e);
        expect(l).toEqual(r);
        expect(l.length).toBeGreaterThan(3);

        const s3 = await anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: USER, stream: true });
        const reader = s3.toReadableStream().getReader();
        while (!(await reader.read()).done);
      });
      const spans = llmSpans(traceId);
      expect(spans).toHaveLength(3);
      for (const s of spans) {
        expect(s.status).toBe("completed");
        expect(s.output).toBe("ab");
      }
    });

    it("messages.stream(): one span, .on('text') fires, finalMessage() and finalText() work", async () => {
      replyStream(v, sseBody(streamEvents({ text: ["Hel", "lo ", "there"], deltaUsage: { output_tokens: 4 } })));
      const texts: string[] = [];
      const { traceId, result } = await inTrace(async () => {
        const stream = client(v).messages.stream({ model: MODEL, max_tokens: 64, system: "Be nice.", messages: USER });
        stream.on("text", (delta) => texts.push(delta));
        const final = await stream.finalMessage();
        const text = await stream.finalText();
        return { final, text };
      });
      expect(texts).toEqual(["Hel", "lo ", "there"]);
      expect(result.text).toBe("Hello there");
      expect(result.final.usage.output_tokens).toBe(4);
      const span = onlyLlmSpan(traceId);
      expect(span.status).toBe("completed");
      expect(span.output).toBe("Hello there");
      expect(span.input).toEqual({ system: "Be nice.", messages: USER });
      expect(span.usage.outputTokens).toBe(4);
      expect(span.metadata).toMatchObject({ stream: true });
    });

    it("early break: the span ends (completed, partial output) and the request is aborted", async () => {
      replyStream(v, sseBody(streamEvents({ text: ["one ", "two ", "three"] })));
      let stream: Awaited<ReturnType<ReturnType<typeof client>["messages"]["create"]>> | undefined;
      const { traceId } = await inTrace(async () => {
        const s = await client(v).messages.create({ model: MODEL, max_tokens: 64, messages: USER, stream: true });
        stream = s as never;
        for await (const event of s) {
          if (event.type === "content_block_delta") break;
        }
      });
      expect((stream as unknown as { controller: AbortController }).controller.signal.aborted).toBe(true);
      const span = onlyLlmSpan(traceId);
      expect(span.status).toBe("completed");
      expect(span.metadata.stream_end_reason).toBe("break");
      expect(span.output).toBe("one ");
      expect(span.usage.inputTokens).toBe(25);
    });

    it("controller.abort() on a stream that stalls: the span ends with reason abort", async () => {
      const body = new PassThrough();
      const events = streamEvents({ text: ["first", "never"] });
      mockMessages(v).reply(200, () => body, { "content-type": "text/event-stream" });
      const { traceId } = await inTrace(async () => {
        const stream = await client(v).messages.create({ model: MODEL, max_tokens: 64, messages: USER, stream: true });
        // message_start, content_block_start, ping, first delta; then the server stalls.
        body.write(events.slice(0, 4).map((e) => sse(e.event, e.data)).join(""));
        const got: string[] = [];
        for await (const event of stream) {
          got.push(event.type);
          if (event.type === "content_block_delta") stream.controller.abort();
        }
        expect(got).toContain("content_block_delta");
      });
      await settle();
      body.destroy();
      const span = onlyLlmSpan(traceId);
      expect(span.metadata.stream_end_reason).toBe("abort");
      expect(span.output).toBe("first");
    });

    it("MessageStream.abort(): the span ends", async () => {
      const body = new PassThrough();
      const events = streamEvents({ text: ["first", "never"] });
      mockMessages(v).reply(200, () => body, { "content-type": "text/event-stream" });
      const { traceId } = await inTrace(async () => {
        const stream = client(v).messages.stream({ model: MODEL, max_tokens: 64, messages: USER });
        const aborted = new Promise<void>((resolve) => stream.on("abort", () => resolve()));
        stream.on("text", () => stream.abort());
        stream.on("error", () => undefined);
        body.write(events.slice(0, 4).map((e) => sse(e.event, e.data)).join(""));
        await aborted;
        await stream.done().catch(() => undefined);
      });
      await settle();
      body.destroy();
      const span = onlyLlmSpan(traceId);
      expect(span.endedAt).toBeDefined();
      expect(span.status).toBe("completed");
      expect(span.metadata.stream_end_reason).toBe("abort");
      expect(span.output).toBe("first");
    });

    it("an error event mid-stream: same error thrown, span failed, partial output kept", async () => {
      const events = streamEvents({ text: ["partial ", "answer"] });
      const cut = events.slice(0, 5); // message_start, block start, ping, 2 deltas
      const body = sseBody(cut) + sse("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
      replyStream(v, body);
      let thrown: unknown;
      const { traceId } = await inTrace(async () => {
        const stream = await client(v).messages.create({ model: MODEL, max_tokens: 64, messages: USER, stream: true });
        try {
          for await (const _ of stream) void _;
        } catch (err) {
          thrown = err;
        }
      });
      expect(thrown).toBeInstanceOf(v.Anthropic.APIError);
      const span = onlyLlmSpan(traceId);
      expect(span.status).toBe("failed");
      expect(span.error).toContain("Overloaded");
      expect(span.output).toBe("partial answer");
      expect(span.metadata.stream_end_reason).toBe("error");
      expect(span.usage.inputTokens).toBe(25);
    });

    it("a stream cut midway (connection reset): same error thrown, span failed, partial output kept", async () => {
      const body = new PassThrough();
      const events = streamEvents({ text: ["half ", "way"] });
      mockMessages(v).reply(200, () => body, { "content-type": "text/event-stream" });
      let thrown: unknown;
      const { traceId } = await inTrace(async () => {
        const stream = await client(v).messages.create({ model: MODEL, max_tokens: 64, messages: USER, stream: true });
        body.write(events.slice(0, 4).map((e) => sse(e.event, e.data)).join(""));
        try {
          for await (const event of stream) {
            if (event.type === "content_block_delta") body.destroy(new Error("socket hang up"));
          }
        } catch (err) {
          thrown = err;
        }
      });
      await settle();
      expect(thrown).toBeInstanceOf(Error);
      const span = onlyLlmSpan(traceId);
      expect(span.status).toBe("failed");
      expect(span.output).toBe("half ");
      expect(span.metadata.stream_end_reason).toBe("error");
    });
  });

  describe("errors", () => {
    it("529 overloaded: the same error object and class reach the caller, the span is failed", async () => {
      const body = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
      replyJson(v, body, { status: 529 });
      let thrown: unknown;
      const { traceId } = await inTrace(async () => {
        try {
          await client(v).messages.create({ model: MODEL, max_tokens: 16, messages: USER });
        } catch (err) {
          thrown = err;
        }
      });
      const err = thrown as InstanceType<typeof v.Anthropic.APIError>;
      expect(err).toBeInstanceOf(v.Anthropic.APIError);
      expect(err.constructor.name).toBe(v.overloadedErrorName);
      expect(err.status).toBe(529);
      expect(err.error).toEqual(body);
      const span = onlyLlmSpan(traceId);
      expect(span.status).toBe("failed");
      expect(span.error).toContain("Overloaded");
      expect(span.metadata).toMatchObject({ error_type: v.overloadedErrorName, http_status: 529, provider: "anthropic" });
      expect(endedTrace(traceId)?.status).toBe("completed");
    });

    it("the error is the same object through .withResponse() and the stream() helper", async () => {
      const body = { type: "error", error: { type: "invalid_request_error", message: "max_tokens: bad" } };
      replyJson(v, body, { status: 400 });
      replyJson(v, body, { status: 400 });
      const anthropic = client(v);
      const errors: unknown[] = [];
      const { traceId } = await inTrace(async () => {
        await anthropic.messages.create({ model: MODEL, max_tokens: 16, messages: USER }).withResponse().catch((e: unknown) => errors.push(e));
        const stream = anthropic.messages.stream({ model: MODEL, max_tokens: 16, messages: USER });
        const fromEvent = new Promise((resolve) => stream.on("error", resolve));
        await stream.finalMessage().catch((e: unknown) => errors.push(e));
        errors.push(await fromEvent);
      });
      expect(errors).toHaveLength(3);
      for (const e of errors) expect(e).toBeInstanceOf(v.Anthropic.BadRequestError);
      expect(errors[1]).toBe(errors[2]);
      const spans = llmSpans(traceId);
      expect(spans).toHaveLength(2);
      for (const s of spans) {
        expect(s.status).toBe("failed");
        expect(s.metadata).toMatchObject({ error_type: "BadRequestError", http_status: 400 });
      }
    });

    it("a connection error fails the span with APIConnectionError", async () => {
      mockMessages(v).replyWithError("ECONNRESET");
      let thrown: unknown;
      const { traceId } = await inTrace(async () => {
        await client(v).messages.create({ model: MODEL, max_tokens: 16, messages: USER }).catch((e: unknown) => (thrown = e));
      });
      expect(thrown).toBeInstanceOf(v.Anthropic.APIConnectionError);
      const span = onlyLlmSpan(traceId);
      expect(span.status).toBe("failed");
      expect(span.metadata.error_type).toBe("APIConnectionError");
    });

    it("a synchronous throw inside create (no params) is rethrown as is and fails the span", async () => {
      let thrown: unknown;
      const { traceId } = await inTrace(async () => {
        try {
          (client(v).messages.create as unknown as (p?: unknown) => unknown)(undefined);
        } catch (err) {
          thrown = err;
        }
      });
      expect(thrown).toBeInstanceOf(TypeError);
      const span = onlyLlmSpan(traceId);
      expect(span.status).toBe("failed");
      expect(span.metadata.error_type).toBe("TypeError");
    });
  });

  describe("tool use", () => {
    it("round trip: two llm spans, the tool call recorded, the tool result sent back", async () => {
      const toolUse = { id: "toolu_01", name: "get_weather", input: { city: "Paris" } };
      replyJson(v, message({ id: "msg_a", text: "Let me check.", toolUse: [toolUse], usage: { input_tokens: 50, output_tokens: 20 } }));
      replyJson(v, message({ id: "msg_b", text: "It is sunny in Paris.", usage: { input_tokens: 90, output_tokens: 8 } }));
      const anthropic = client(v);
      const { traceId } = await inTrace(async () => {
        const first = await anthropic.messages.create({ model: MODEL, max_tokens: 256, tools: [WEATHER_TOOL], messages: USER });
        const call = first.content.find((b) => b.type === "tool_use")!;
        const result = await traciumSpan({ spanType: "tool", name: "get_weather" }, (s) => {
          s.recordInput(call.type === "tool_use" ? call.input : null);
          return "sunny";
        });
        return anthropic.messages.create({
          model: MODEL,
          max_tokens: 256,
          tools: [WEATHER_TOOL],
          messages: [
            ...USER,
            { role: "assistant", content: first.content },
            { role: "user", content: [{ type: "tool_result", tool_use_id: call.type === "tool_use" ? call.id : "", content: result }] },
          ],
        });
      });
      const spans = llmSpans(traceId);
      expect(spans).toHaveLength(2);
      const [a, b] = spans as [(typeof spans)[0], (typeof spans)[0]];
      expect(a.toolCalls).toEqual([{ id: "toolu_01", type: "tool_use", name: "get_weather", input: { city: "Paris" } }]);
      expect(a.output).toBe("Let me check.");
      expect(a.metadata.finish_reasons).toEqual(["tool_use"]);
      expect(b.toolCalls).toBeUndefined();
      expect(b.output).toBe("It is sunny in Paris.");
      expect(JSON.stringify(b.input)).toContain("tool_result");
      expect(exporter.spans(traceId).filter((s) => s.spanType === "tool")).toHaveLength(1);
      const summary = endedTrace(traceId)!.summary;
      expect(summary).toMatchObject({ llm_calls: 2, input_tokens: 140, output_tokens: 28 });
    });

    it("a tool-only reply records the call and no output", async () => {
      replyJson(v, message({ toolUse: [{ id: "toolu_9", name: "get_weather", input: { city: "Oslo" } }] }));
      const { traceId } = await inTrace(() => client(v).messages.create({ model: MODEL, max_tokens: 64, tools: [WEATHER_TOOL], messages: USER }));
      const span = onlyLlmSpan(traceId);
      expect(span.output).toBeUndefined();
      expect(span.toolCalls).toEqual([{ id: "toolu_9", type: "tool_use", name: "get_weather", input: { city: "Oslo" } }]);
    });

    it("beta.messages.toolRunner(): one span per round, the tool call recorded", async () => {
      const betaTool = await v.betaTool();
      const ran: unknown[] = [];
      const tool = betaTool({
        name: "get_weather",
        description: "Current weather for a city",
        inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        run: async (args) => {
          ran.push(args);
          return "sunny";
        },
      });
      replyJson(v, message({ toolUse: [{ id: "toolu_r", name: "get_weather", input: { city: "Paris" } }] }), { beta: true });
      mockMessages(v, { beta: true, body: (b) => JSON.stringify(b.messages).includes("tool_result") }).reply(200, message({ text: "Sunny in Paris." }), {
        "content-type": "application/json",
      });
      const { traceId, result } = await inTrace(() =>
        client(v).beta.messages.toolRunner({ model: MODEL, max_tokens: 64, messages: USER, tools: [tool] }).runUntilDone(),
      );
      expect(ran).toEqual([{ city: "Paris" }]);
      expect(result.content).toEqual([{ type: "text", text: "Sunny in Paris." }]);
      const spans = llmSpans(traceId);
      expect(spans.map((s) => s.name)).toEqual(["anthropic.beta.messages", "anthropic.beta.messages"]);
      expect(spans[0]!.toolCalls).toEqual([{ id: "toolu_r", type: "tool_use", name: "get_weather", input: { city: "Paris" } }]);
      expect(spans[1]!.output).toBe("Sunny in Paris.");
    });

    it("streamed tool use: input_json_delta fragments assembled into the tool call input", async () => {
      replyStream(v, sseBody(streamEvents({ text: ["Checking."], toolUse: { id: "toolu_s", name: "get_weather", jsonParts: ['{"ci', 'ty": "Pa', 'ris"}'] } })));
      const { traceId } = await inTrace(async () => {
        const stream = client(v).messages.stream({ model: MODEL, max_tokens: 64, tools: [WEATHER_TOOL], messages: USER });
        const final = await stream.finalMessage();
        expect(final.content[1]).toMatchObject({ type: "tool_use", input: { city: "Paris" } });
      });
      const span = onlyLlmSpan(traceId);
      expect(span.toolCalls).toEqual([{ id: "toolu_s", type: "tool_use", name: "get_weather", input: { city: "Paris" } }]);
      expect(span.output).toBe("Checking.");
      expect(span.metadata.finish_reasons).toEqual(["tool_use"]);
    });
  });

  describe("cache token accounting", () => {
    // Hand-computed: Anthropic's input_tokens (10) already excludes cache reads (6) and writes (4).
    // Tracium keeps input 10, cached 6, cache creation 4; the summary's total counts each input once.
    it("non-stream and stream spans, and the trace summary totals", async () => {
      replyJson(v, message({ text: "cached", usage: { input_tokens: 10, output_tokens: 3, cache_creation_input_tokens: 4, cache_read_input_tokens: 6 } }));
      replyStream(
        v,
        sseBody(
          streamEvents({
            text: ["streamed"],
            startUsage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 4, cache_read_input_tokens: 6 },
            // 1.x-style message_delta: cumulative totals of every counter; null means "not sent".
            deltaUsage: { output_tokens: 5, input_tokens: 10, cache_creation_input_tokens: null, cache_read_input_tokens: 6 },
          }),
        ),
      );
      const anthropic = client(v);
      const { traceId } = await inTrace(async () => {
        await anthropic.messages.create({ model: MODEL, max_tokens: 16, messages: USER });
        const s = await anthropic.messages.create({ model: MODEL, max_tokens: 16, messages: USER, stream: true });
        for await (const _ of s) void _;
      });
      const [plain, streamed] = llmSpans(traceId) as [ReturnType<typeof onlyLlmSpan>, ReturnType<typeof onlyLlmSpan>];
      expect(plain.usage).toEqual({ inputTokens: 10, outputTokens: 3, cachedInputTokens: 6, cacheCreationInputTokens: 4 });
      expect(streamed.usage).toEqual({ inputTokens: 10, outputTokens: 5, cachedInputTokens: 6, cacheCreationInputTokens: 4 });
      expect(endedTrace(traceId)!.summary).toMatchObject({
        input_tokens: 20,
        output_tokens: 8,
        cached_input_tokens: 12,
        cache_creation_input_tokens: 8,
        total_tokens: 20 + 12 + 8 + 8,
        llm_calls: 2,
        models: [RESPONSE_MODEL],
      });
    });

    it("message_delta totals overwrite message_start counts (never added)", async () => {
      replyStream(
        v,
        sseBody(
          streamEvents({
            text: ["x"],
            startUsage: { input_tokens: 100, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 50 },
            deltaUsage: { output_tokens: 40, input_tokens: 130, cache_read_input_tokens: 50 },
          }),
        ),
      );
      const { traceId } = await inTrace(async () => {
        const s = await client(v).messages.create({ model: MODEL, max_tokens: 64, messages: USER, stream: true });
        for await (const _ of s) void _;
      });
      expect(onlyLlmSpan(traceId).usage).toEqual({ inputTokens: 130, outputTokens: 40, cachedInputTokens: 50, cacheCreationInputTokens: 0 });
    });
  });

  describe("context", () => {
    it("a call with no active trace gets an implicit trace of its own", async () => {
      replyJson(v, message({ text: "alone" }));
      expect(currentTrace()).toBeUndefined();
      await client(v).messages.create({ model: MODEL, max_tokens: 16, messages: USER });
      await settle();
      const span = onlyLlmSpan();
      expect(span.output).toBe("alone");
      const trace = endedTrace(span.traceId);
      expect(trace).toBeDefined();
      expect(trace!.status).toBe("completed");
      expect(trace!.summary).toMatchObject({ llm_calls: 1 });
    });

    it("concurrent traces: each span lands in the trace that made the call", async () => {
      const anthropic = client(v);
      for (const who of ["A", "B", "C"]) {
        mockMessages(v, { body: (b) => JSON.stringify(b.messages).includes(`from ${who}`) })
          .delay(who === "A" ? 40 : who === "B" ? 5 : 20)
          .reply(200, message({ text: `reply to ${who}` }), { "content-type": "application/json" });
        mockMessages(v, { body: (b) => JSON.stringify(b.messages).includes(`stream ${who}`) }).reply(
          200,
          sseBody(streamEvents({ text: [`streamed ${who}`] })),
          { "content-type": "text/event-stream" },
        );
      }
      const ids = await Promise.all(
        ["A", "B", "C"].map((who) =>
          agentTrace({ agentName: `agent-${who}` }, async (trace) => {
            await anthropic.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: "user", content: `from ${who}` }] });
            const s = await anthropic.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: "user", content: `stream ${who}` }], stream: true });
            for await (const _ of s) void _;
            return [who, trace.id] as const;
          }),
        ),
      );
      for (const [who, id] of ids) {
        const spans = llmSpans(id);
        expect(spans.map((s) => s.output).sort()).toEqual([`reply to ${who}`, `streamed ${who}`]);
      }
    });

    it("the span is parented on the span active when create() is called, even if the stream is read elsewhere", async () => {
      replyStream(v, sseBody(streamEvents({ text: ["p"] })));
      const anthropic = client(v);
      let parentId = "";
      const { traceId } = await inTrace(async () => {
        const stream = await traciumSpan({ spanType: "chain", name: "outer" }, async (s) => {
          parentId = s.id;
          return anthropic.messages.create({ model: MODEL, max_tokens: 16, messages: USER, stream: true });
        });
        for await (const _ of stream) void _;
      });
      expect(onlyLlmSpan(traceId).parentSpanId).toBe(parentId);
    });
  });
});

describe("API shape sanity", () => {
  it("nock intercepts the Anthropic host", () => {
    expect(API).toBe("https://api.anthropic.com");
    expect(nock.isActive()).toBe(true);
  });
});
