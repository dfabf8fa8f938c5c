/**
 * Property-based tests: malformed or unexpected response bodies, stream chunks and SDK objects
 * never make a traced call behave differently from an untraced one (same value, same chunks,
 * same error), and never throw into user code. Per openai major, against the real SDK.
 */
import fc from "fast-check";
import { agentTrace, instrument, logger, registerPlugin, uninstrument } from "@tracium/core";
import { openaiPlugin } from "@tracium/openai";
import { afterAll, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { outcome, streamOutcome } from "../helpers/contract.js";
import { nock, useNock } from "../helpers/nock.js";
import { SSE_HEADERS, sseBody } from "../helpers/sse.js";
import { setupTracing } from "../helpers/tracing.js";
import { API, MESSAGES, MODEL, chatCompletion, textChunks } from "./fixtures.js";
import { VERSIONS, client, type OpenAIVersion } from "./versions.js";

const memory = setupTracing();
registerPlugin(openaiPlugin);
useNock();
beforeEach(() => memory.reset());

/* eslint-disable @typescript-eslint/no-explicit-any */

// ---- arbitraries: API-like shapes where any field may be missing, null or of the wrong type ----
const junk = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -5, max: 50 }), fc.string({ maxLength: 6 }), fc.constant([]), fc.constant({}));
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof(junk, arb);
const str = fc.string({ maxLength: 12 });
const count = fc.oneof(fc.nat(200), junk);
const partial = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) => fc.record(shape, { requiredKeys: [] });

const usage = partial({
  prompt_tokens: count,
  completion_tokens: count,
  input_tokens: count,
  output_tokens: count,
  prompt_tokens_details: maybe(partial({ cached_tokens: count })),
  completion_tokens_details: maybe(partial({ reasoning_tokens: count })),
  input_tokens_details: maybe(partial({ cached_tokens: count })),
  output_tokens_details: maybe(partial({ reasoning_tokens: count })),
});
const toolCall = partial({
  index: count,
  id: maybe(str),
  type: maybe(fc.constantFrom("function", "custom")),
  function: maybe(partial({ name: maybe(str), arguments: maybe(str) })),
  custom: maybe(partial({ name: maybe(str), input: maybe(str) })),
});
const message = partial({ role: maybe(fc.constant("assistant")), content: maybe(str), refusal: maybe(str), tool_calls: maybe(fc.array(toolCall, { maxLength: 3 })) });
const choice = partial({ index: count, message: maybe(message), delta: maybe(message), text: maybe(str), finish_reason: maybe(fc.constantFrom("stop", "length", "tool_calls")) });
const outputItem = partial({
  type: maybe(fc.constantFrom("message", "function_call", "custom_tool_call", "reasoning")),
  content: maybe(fc.array(partial({ type: maybe(fc.constantFrom("output_text", "refusal")), text: maybe(str), refusal: maybe(str) }), { maxLength: 3 })),
  call_id: maybe(str),
  id: maybe(str),
  name: maybe(str),
  arguments: maybe(str),
  input: maybe(str),
});
const responseCore = {
  id: maybe(str),
  model: maybe(str),
  usage: maybe(usage),
  output: maybe(fc.array(outputItem, { maxLength: 3 })),
  output_text: maybe(str),
  status: maybe(fc.constantFrom("completed", "failed", "incomplete", "in_progress")),
  incomplete_details: maybe(partial({ reason: maybe(str) })),
};
const responseLike = partial({
  ...responseCore,
  object: maybe(str),
  choices: maybe(fc.array(choice, { maxLength: 3 })),
  system_fingerprint: maybe(str),
  data: maybe(fc.array(partial({ index: count, embedding: maybe(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 4 })) }), { maxLength: 3 })),
  type: maybe(fc.constantFrom("response.created", "response.completed", "response.incomplete", "response.failed", "response.output_text.delta", "response.output_item.done")),
  response: maybe(partial(responseCore)),
  delta: maybe(str),
  item: maybe(outputItem),
});
/** A body: mostly API-like objects, sometimes any JSON at all. */
const body = fc.oneof({ weight: 5, arbitrary: responseLike }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });
/** Stream chunks: like `body`, minus top-level `error` keys the SDK turns into thrown APIErrors half of the time. */
const chunks = fc.array(body, { maxLength: 6 });

// ---- what the user observes: the contract kit's outcome() and streamOutcome() ----

const isUsageOnly = (c: any): boolean =>
  c !== null && typeof c === "object" && Array.isArray(c.choices) && c.choices.length === 0 && c.usage !== null && typeof c.usage === "object" && !Array.isArray(c.usage);

type Endpoint = { path: string; call: (oai: any) => Promise<unknown> };
const ENDPOINTS: Endpoint[] = [
  { path: "/v1/chat/completions", call: (oai) => oai.chat.completions.create({ model: MODEL, messages: MESSAGES }) },
  { path: "/v1/responses", call: (oai) => oai.responses.create({ model: MODEL, input: "Hi" }) },
  { path: "/v1/embeddings", call: (oai) => oai.embeddings.create({ model: MODEL, input: "Hi", encoding_format: "float" }) },
  { path: "/v1/completions", call: (oai) => oai.completions.create({ model: MODEL, prompt: "Hi" }) },
];
type StreamEndpoint = { path: string; open: (oai: any) => Promise<AsyncIterable<unknown>> };
const STREAM_ENDPOINTS: StreamEndpoint[] = [
  { path: "/v1/chat/completions", open: (oai) => oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true }) },
  { path: "/v1/chat/completions", open: (oai) => oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true, stream_options: { include_usage: true } }) },
  { path: "/v1/responses", open: (oai) => oai.responses.create({ model: MODEL, input: "Hi", stream: true }) },
  { path: "/v1/completions", open: (oai) => oai.completions.create({ model: MODEL, prompt: "Hi", stream: true }) },
];

/** Runs `observe` untraced, then traced, and returns both observations. */
async function bothWays(v: OpenAIVersion, observe: () => Promise<string>): Promise<[string, string]> {
  uninstrument(v.ns);
  const plain = await observe();
  instrument(v.ns);
  memory.reset();
  const traced = await agentTrace({ agentName: "property" }, observe);
  return [plain, traced];
}

describe.each(VERSIONS)("openai v$major", (v) => {
  afterAll(() => {
    uninstrument(v.ns);
  });

  it("malformed response bodies: the traced call returns or throws exactly what the untraced call does", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), body, async (endpoint, payload) => {
        const [plain, traced] = await bothWays(v, async () => {
          nock(API).post(endpoint.path).reply(200, JSON.stringify(payload), { "content-type": "application/json" });
          return outcome(() => endpoint.call(client(v)));
        });
        expect(traced).toBe(plain);
        expect(memory.spans()).toHaveLength(1);
      }),
      { numRuns: 60 },
    );
  });

  it("malformed stream chunks: the traced stream yields (and throws) exactly what the untraced one does", async () => {
    // String items go out as raw (non-JSON) SSE data: the SDK logs them to the console before throwing.
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    onTestFinished(() => quiet.mockRestore());
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...STREAM_ENDPOINTS), chunks, async (endpoint, items) => {
        const [plain, traced] = await bothWays(v, async () => {
          nock(API)
            .post(endpoint.path)
            // As the API does: a usage-only chunk only when the request asks for usage.
            .reply(200, (_uri, req) => sseBody((req as any).stream_options?.include_usage ? items : items.filter((c) => !isUsageOnly(c))), SSE_HEADERS);
          return streamOutcome(() => endpoint.open(client(v, { logLevel: "off" })));
        });
        expect(traced).toBe(plain);
        const spans = memory.spans();
        expect(spans).toHaveLength(1);
        expect(spans[0]!.endedAt).toBeDefined();
      }),
      { numRuns: 60 },
    );
  });

  it("hostile SDK objects (throwing getters, revoked proxies) reach the user untouched; nothing throws", async () => {
    uninstrument(v.ns);
    const proto = v.OpenAI.Chat.Completions.prototype;
    const real = proto.create;
    const hostile = (kind: number): any => {
      if (kind === 0) {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      }
      if (kind === 1) {
        const trap = () => {
          throw new Error("hostile trap");
        };
        return new Proxy({}, { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap });
      }
      const o: Record<string, unknown> = {};
      for (const k of ["choices", "usage", "model", "id", "output", "output_text", "status", "data", "type", "response", "delta", "then"]) {
        Object.defineProperty(o, k, { enumerable: true, get: () => { throw new Error(`hostile ${k}`); } });
      }
      return kind === 3 ? Object.freeze(o) : o;
    };
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.boolean(), async (kind, stream) => {
          const produced: unknown[] = [];
          uninstrument(v.ns);
          // An "SDK" whose results are hostile: installed under the Tracium wrapper.
          proto.create = function (this: unknown, ...args: unknown[]) {
            return real.apply(this, args)._thenUnwrap((r: any) => {
              if (!stream) {
                const h = hostile(kind);
                produced.push(h);
                return h;
              }
              const original = r.iterator;
              r.iterator = async function* (this: unknown) {
                for await (const _ of original.call(this)) {
                  const h = hostile(kind);
                  produced.push(h);
                  yield h;
                }
              };
              return r;
            });
          };
          const observe = async (): Promise<unknown[]> => {
            produced.length = 0;
            if (stream) nock(API).post("/v1/chat/completions").reply(200, sseBody(textChunks()), SSE_HEADERS);
            else nock(API).post("/v1/chat/completions").reply(200, chatCompletion());
            const got: unknown[] = [];
            try {
              const result = await client(v).chat.completions.create({ model: MODEL, messages: MESSAGES, ...(stream ? { stream: true } : {}) });
              if (stream) for await (const c of result) got.push(c);
              else got.push(result);
            } catch (e) {
              got.push(`error: ${(e as Error)?.message}`);
            }
            return got.map((g) => (produced.includes(g) ? `hostile#${produced.indexOf(g)}` : typeof g === "string" ? g : "other"));
          };
          const plain = JSON.stringify(await observe());
          instrument(v.ns);
          memory.reset();
          const traced = JSON.stringify(await agentTrace({ agentName: "hostile" }, observe));
          expect(traced).toBe(plain);
          expect(memory.spans()).toHaveLength(1);
        }),
        { numRuns: 16 },
      );
    } finally {
      uninstrument(v.ns);
      proto.create = real;
    }
  });

  it("a response part that is a throwing Proxy is not entered: no trap runs, nothing is logged, the call goes on", async () => {
    uninstrument(v.ns);
    const proto = v.OpenAI.Chat.Completions.prototype;
    const real = proto.create;
    const lines: string[] = [];
    let traps = 0;
    proto.create = function (this: unknown, ...args: unknown[]) {
      // `choices` is an array whose every trap throws: capture reads plain data only, so it never enters it.
      const choices = new Proxy([], {
        get: () => {
          traps++;
          throw new Error("choices trap");
        },
      });
      return real.apply(this, args)._thenUnwrap((r: any) => ({ ...r, choices }));
    };
    instrument(v.ns);
    logger.resetOnce();
    logger.setLevel("warn");
    logger.setSink((_level, line) => lines.push(line));
    try {
      nock(API).post("/v1/chat/completions").times(2).reply(200, chatCompletion());
      const oai = client(v, { apiKey: "sk-secret-key-123" });
      await agentTrace({ agentName: "logs" }, async () => {
        for (let i = 0; i < 2; i++) {
          const r = await oai.chat.completions.create({ model: MODEL, messages: MESSAGES });
          expect(r.id).toBe("chatcmpl-1");
        }
      });
      expect(traps).toBe(0);
      expect(lines).toEqual([]);
      expect(memory.spans().map((s) => s.status)).toEqual(["completed", "completed"]);
    } finally {
      logger.setSink(undefined);
      logger.setLevel("silent");
      uninstrument(v.ns);
      proto.create = real;
    }
  });
});
