/**
 * Tracing never changes what the user gets: every call below is made with the SDK uninstrumented,
 * then instrumented inside a trace, and what the user observes (values, events, bytes, raw
 * responses, errors) and the request bodies sent must serialise to the same bytes, with one llm
 * span per HTTP call (the contract kit's suite). On @anthropic-ai/sdk 1.x and 0.137.
 */
import { describe } from "vitest";
import { collect, describeError, sameResultTracedOrNot, type Scenario } from "../helpers/contract.js";
import { nockRequests } from "../helpers/nock.js";
import { MODEL, VERSIONS, client, message, mockMessages, replyJson, replyStream, sse, sseBody, streamEvents, type SdkVersion } from "./fixtures.js";
import { exporter, useTracium } from "./harness.js";

useTracium();
const requests = nockRequests();

type Client = ReturnType<typeof client>;
const USER = [{ role: "user" as const, content: "What is the weather in Paris?" }];
const TOOL = { name: "get_weather", description: "Current weather", input_schema: { type: "object" as const, properties: { city: { type: "string" } } } };
const params = { model: MODEL, max_tokens: 64, messages: USER };
/** An error as the user sees it, with what Anthropic's errors carry. */
const seen = (e: unknown) => ({ ...describeError(e), error: (e as { error?: unknown })?.error, requestID: (e as { requestID?: unknown })?.requestID });

function scenarios(v: SdkVersion): Record<string, Scenario<Client>> {
  const json = (body: unknown, opts: { beta?: boolean; status?: number } = {}): void => void requests.record(replyJson(v, body, opts));
  const stream = (body: string): void => void requests.record(replyStream(v, body));
  const text = sseBody(streamEvents({ text: ["Sun", "ny ", "and warm."] }));
  return {
    "await": async (c) => {
      json(message({ text: "Hello" }));
      const r = await c.messages.create(params);
      return { r, keys: Object.keys(r) };
    },
    "withResponse": async (c) => {
      json(message({ text: "Hello" }));
      const { data, response, request_id } = await c.messages.create(params).withResponse();
      return { data, request_id, status: response.status, type: response.headers.get("content-type") };
    },
    "asResponse": async (c) => {
      json(message({ text: "raw" }));
      const response = await c.messages.create(params).asResponse();
      return { status: response.status, bodyUsed: response.bodyUsed, text: await response.text() };
    },
    "tool use reply": async (c) => {
      json(message({ toolUse: [{ id: "toolu_01", name: "get_weather", input: { city: "Paris" } }] }));
      return c.messages.create({ ...params, tools: [TOOL] });
    },
    "parse()": async (c) => {
      json(message({ text: '{"answer": 4}' }));
      return c.messages.parse(params);
    },
    "beta.messages.create": async (c) => {
      json(message({ text: "beta ok" }), { beta: true });
      return c.beta.messages.create({ ...params, betas: ["interleaved-thinking-2025-05-14"] });
    },
    "stream: true, for await": async (c) => {
      stream(text);
      return collect(await c.messages.create({ ...params, stream: true }));
    },
    "streamed tool use": async (c) => {
      stream(sseBody(streamEvents({ toolUse: { id: "toolu_02", name: "get_weather", jsonParts: ['{"ci', 'ty": "Paris"}'] } })));
      return collect(await c.messages.create({ ...params, tools: [TOOL], stream: true }));
    },
    "tee()": async (c) => {
      stream(text);
      const [a, b] = (await c.messages.create({ ...params, stream: true })).tee();
      return [await collect(a), await collect(b)];
    },
    "toReadableStream() bytes": async (c) => {
      stream(text);
      return new Response((await c.messages.create({ ...params, stream: true })).toReadableStream()).text();
    },
    "messages.stream() helper": async (c) => {
      stream(text);
      const s = c.messages.stream(params);
      const deltas: string[] = [];
      s.on("text", (d) => deltas.push(d));
      return { final: await s.finalMessage(), text: await s.finalText(), deltas };
    },
    "early break": async (c) => {
      stream(text);
      const s = await c.messages.create({ ...params, stream: true });
      const out: unknown[] = [];
      for await (const event of s) {
        out.push(event);
        if (event.type === "content_block_delta") break;
      }
      return { out, aborted: s.controller.signal.aborted };
    },
    "error 529": async (c) => {
      json({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, { status: 529 });
      return c.messages.create(params).then(() => "no error", seen);
    },
    "error 400 through the stream() helper": async (c) => {
      json({ type: "error", error: { type: "invalid_request_error", message: "max_tokens: bad" } }, { status: 400 });
      const s = c.messages.stream(params);
      s.on("error", () => undefined);
      return s.finalMessage().then(() => "no error", seen);
    },
    "error event mid-stream": async (c) => {
      stream(sseBody(streamEvents({ text: ["partial ", "answer"] }).slice(0, 5)) + sse("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }));
      const out: unknown[] = [];
      try {
        for await (const event of await c.messages.create({ ...params, stream: true })) out.push(event);
      } catch (e) {
        out.push(seen(e));
      }
      return out;
    },
    "connection error": async (c) => {
      requests.record(mockMessages(v).replyWithError("ECONNRESET"));
      return c.messages.create(params).then(() => "no error", (e: unknown) => describeError(e).class);
    },
  };
}

describe.each(VERSIONS)("$label", (v) => {
  sameResultTracedOrNot("byte-identical results and requests, instrumented or not", { memory: exporter, requests }, v.Anthropic, () => client(v), scenarios(v));
});
