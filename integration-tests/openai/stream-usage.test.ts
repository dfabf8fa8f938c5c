/**
 * Streamed chat completions and the request body, per openai major, with the plugin's default
 * (nothing added to the request) and with `injectStreamUsage: true` (include_usage added to the
 * serialised JSON, never to the body object). In both, the SDK gets the caller's own body object:
 * openai 7's ChatCompletionStream binds its tool and response-format parsers to that object by
 * identity, so a copy changes what its helpers resolve or reject. The untraced SDK (same process,
 * plugin removed) is the oracle for every outcome.
 */
import { agentTrace, registerPlugin, type SpanData } from "@tracium/core";
import { instrumentOpenAI, openaiPlugin, uninstrumentOpenAI } from "@tracium/openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { nock, useNock } from "../helpers/nock.js";
import { startScriptedServer } from "../helpers/server.js";
import { SSE_HEADERS, sseBody } from "../helpers/sse.js";
import { setupTracing } from "../helpers/tracing.js";
import { API, CHAT_TOKENS, MESSAGES, MODEL, chunk, textChunks, usageChunk } from "./fixtures.js";
import { VERSIONS, type OpenAIVersion } from "./versions.js";

const memory = setupTracing();
registerPlugin(openaiPlugin);
useNock();
beforeEach(() => memory.reset());

/* eslint-disable @typescript-eslint/no-explicit-any */
const MODES = [
  { mode: "default options", inject: false },
  { mode: "injectStreamUsage: true", inject: true },
];

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

async function outcome(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: JSON.parse(JSON.stringify(await fn())) };
  } catch (err) {
    return { ok: false, error: `${(err as Error).constructor.name}: ${(err as Error).message}` };
  }
}

const isUsageOnly = (item: unknown): boolean => Array.isArray((item as { choices?: unknown }).choices) && (item as { choices: unknown[] }).choices.length === 0;

/** One streamed chat completion as the API answers it (the usage chunk only when asked); `sent` gets each request body. */
function mockStream(items: unknown[], sent?: (body: any) => void): void {
  nock(API)
    .post("/v1/chat/completions", (b) => (sent?.(b), true))
    .reply(200, (_uri, body: any) => sseBody(body?.stream_options?.include_usage ? [...items, usageChunk()] : items.filter((i) => !isUsageOnly(i))), SSE_HEADERS);
}

/** A streamed tool call to `get_weather` with these raw `arguments`. */
function toolCallStream(args: string): Record<string, unknown>[] {
  return [
    chunk({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] }),
    chunk({}, "tool_calls"),
  ];
}

/** A client that records the options each `post()` was given. */
function recordingClient(v: OpenAIVersion): any {
  const Base = v.OpenAI as new (options: Record<string, unknown>) => any;
  class RecordingClient extends Base {
    readonly posted: unknown[] = [];
    override post(path: string, options?: unknown): unknown {
      this.posted.push(options);
      return super.post(path, options);
    }
  }
  return new RecordingClient({ apiKey: "sk-test", maxRetries: 0 });
}

const helpersOf = (v: OpenAIVersion, client: any): any => v.helpers(client);
const zodHelpers = (v: OpenAIVersion): Promise<any> => import(`openai-v${v.major}/helpers/zod`);

describe.each(VERSIONS)("openai v$major", (v) => {
  describe.each(MODES)("$mode", ({ inject }) => {
    const patch = (): void => {
      expect(inject ? instrumentOpenAI(v.ns, { injectStreamUsage: true }) : instrumentOpenAI(v.ns)).toBe(true);
    };
    beforeAll(() => {
      uninstrumentOpenAI(v.ns);
      patch();
    });
    afterAll(() => {
      uninstrumentOpenAI(v.ns);
    });

    /** Runs `fn` untraced (plugin removed), then puts the plugin back in this mode. */
    async function untraced<T>(fn: () => Promise<T>): Promise<T> {
      uninstrumentOpenAI(v.ns);
      try {
        return await fn();
      } finally {
        patch();
      }
    }
    const traced = <T>(fn: () => Promise<T>): Promise<T> => agentTrace({ agentName: "openai-test" }, fn);

    function onlySpan(): SpanData {
      const spans = memory.spans();
      expect(spans.map((s) => s.name)).toHaveLength(1);
      return spans[0]!;
    }

    it("create({ stream: true }): the SDK gets the caller's own body object", async () => {
      const observe = async (): Promise<{ sameBody: boolean; chunks: number }> => {
        mockStream(textChunks());
        const oai = recordingClient(v);
        const body = { model: MODEL, messages: MESSAGES, stream: true };
        const stream = await oai.chat.completions.create(body);
        let chunks = 0;
        for await (const _ of stream) chunks++;
        const options = (await oai.posted[0]) as { body?: unknown };
        return { sameBody: options.body === body, chunks };
      };
      const plain = await untraced(observe);
      const withTracing = await traced(observe);
      expect(withTracing).toEqual(plain);
      expect(withTracing.sameBody).toBe(true);
    });

    it("the request on the wire and the chunks the caller reads; the span's usage says where it came from", async () => {
      const observe = async (): Promise<{ sent: unknown; seen: unknown[] }> => {
        let sent: unknown;
        mockStream(textChunks(), (b) => (sent = b));
        const oai = recordingClient(v);
        const seen: unknown[] = [];
        for await (const c of await oai.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true })) seen.push(JSON.parse(JSON.stringify(c)));
        return { sent, seen };
      };
      const plain = await untraced(observe);
      const withTracing = await traced(observe);
      expect(withTracing.seen).toEqual(plain.seen);
      const span = onlySpan();
      if (inject) {
        expect(withTracing.sent).toEqual({ ...(plain.sent as object), stream_options: { include_usage: true } });
        expect(span).toMatchObject({ output: "Hello", usage: CHAT_TOKENS, metadata: { stream_usage: "injected" } });
      } else {
        expect(withTracing.sent).toEqual(plain.sent);
        expect(span).toMatchObject({ output: "Hello", usage: {}, metadata: { stream_usage: "not_requested" } });
      }
    });

    it("over a real socket: the body the server reads is whole JSON and content-length matches it (non-ASCII text too)", async () => {
      const received: { length: string | undefined; body: any }[] = [];
      const server = await startScriptedServer((body, res, req) => {
        received.push({ length: req.headers["content-length"], body });
        res.writeHead(200, SSE_HEADERS);
        const items = (body as any)?.stream_options?.include_usage ? [...textChunks(), usageChunk()] : textChunks();
        res.end(sseBody(items));
      });
      try {
        const oai = new v.OpenAI({ apiKey: "sk-test", maxRetries: 0, baseURL: `${server.origin}/v1` });
        const messages = [{ role: "user", content: "Grüße, ça va? 日本語 🙂" }];
        const seen: unknown[] = [];
        await traced(async () => {
          for await (const c of await oai.chat.completions.create({ model: MODEL, messages, stream: true })) seen.push(JSON.parse(JSON.stringify(c)));
        });
        expect(seen).toEqual(textChunks());
        expect(received).toHaveLength(1);
        const [{ length, body }] = received;
        expect(body).toMatchObject({ model: MODEL, messages, stream: true });
        expect(body.stream_options).toEqual(inject ? { include_usage: true } : undefined);
        if (length !== undefined) expect(Number(length)).toBeGreaterThan(0);
        expect(onlySpan().usage).toEqual(inject ? CHAT_TOKENS : {});
      } finally {
        await server.close();
      }
    });

    it("a custom fetch gets the request bytes the SDK builds (with include_usage inserted when opted in) and a content-length that counts them", async () => {
      const observe = async (): Promise<{ body: string; length: string | null }> => {
        const seenInit: { body: string; length: string | null }[] = [];
        const fetch = async (_url: unknown, init: { body: string; headers: unknown }): Promise<Response> => {
          seenInit.push({ body: init.body, length: new Headers(init.headers as HeadersInit).get("content-length") });
          const asked = JSON.parse(init.body).stream_options?.include_usage === true;
          return new Response(sseBody(asked ? [...textChunks(), usageChunk()] : textChunks()), { headers: SSE_HEADERS });
        };
        const oai = new v.OpenAI({ apiKey: "sk-test", maxRetries: 0, fetch });
        for await (const _ of await oai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Grüße 🙂" }], stream: true })) void _;
        expect(seenInit).toHaveLength(1);
        return seenInit[0]!;
      };
      const plain = await untraced(observe);
      const withTracing = await traced(observe);
      const open = withTracing.body.indexOf("{") + 1;
      const expected = inject ? `${plain.body.slice(0, open)}"stream_options":{"include_usage":true},${plain.body.slice(open)}` : plain.body;
      expect(withTracing.body).toBe(expected);
      if (v.major === 4) expect(withTracing.length).toBe(String(Buffer.byteLength(withTracing.body, "utf8")));
      else expect(withTracing.length).toBe(plain.length);
    });

    it("ChatCompletionStream: a tool whose serialised schema differs from its parser's resolves or rejects exactly as untraced", async () => {
      const { zodFunction } = await zodHelpers(v);
      const observe = async (): Promise<Outcome> => {
        mockStream(toolCallStream('{"city": 5}'));
        const tool = zodFunction({ name: "get_weather", parameters: z.object({ city: z.string() }) });
        // What goes on the wire is another schema: openai 7 then keeps the zod parser away from the reply.
        const wire = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "number" } } } } };
        Object.defineProperty(tool, "toJSON", { value: () => wire });
        const runner = helpersOf(v, recordingClient(v)).stream({ model: MODEL, messages: MESSAGES, tools: [tool] });
        return outcome(async () => (await runner.finalChatCompletion()).choices[0].message.tool_calls);
      };
      const plain = await untraced(observe);
      const withTracing = await traced(observe);
      expect(withTracing).toEqual(plain);
      // openai 7 reads the serialised request: the stale zod parser does not run (older majors run it and reject).
      if (v.major >= 7) expect(plain).toMatchObject({ ok: true });
      expect(memory.spans()).toHaveLength(1);
    });

    it("ChatCompletionStream: a response_format sent as text is not parsed as JSON, exactly as untraced", async () => {
      const { zodResponseFormat } = await zodHelpers(v);
      const observe = async (): Promise<Outcome> => {
        mockStream([chunk({ role: "assistant", content: "" }), chunk({ content: "not json [[[" }), chunk({}, "stop")]);
        const response_format = zodResponseFormat(z.object({ answer: z.string() }), "answer");
        Object.defineProperty(response_format, "toJSON", { value: () => ({ type: "text" }) });
        const runner = helpersOf(v, recordingClient(v)).stream({ model: MODEL, messages: MESSAGES, response_format });
        return outcome(async () => {
          const message = (await runner.finalChatCompletion()).choices[0].message;
          return { content: message.content, parsed: message.parsed ?? null };
        });
      };
      const plain = await untraced(observe);
      const withTracing = await traced(observe);
      expect(withTracing).toEqual(plain);
      // openai 7 reads the serialised request: no JSON parse of a text reply (older majors parse it and reject).
      if (v.major >= 7) expect(plain).toEqual({ ok: true, value: { content: "not json [[[", parsed: null } });
    });

    it("runTools (streamed): the tool's parse runs exactly once and its bad-JSON error goes back to the model, as untraced", async () => {
      const observe = async (): Promise<Outcome & { parses: number }> => {
        mockStream(toolCallStream('{"city": bad'));
        mockStream(textChunks(["Sun", "ny"]));
        let parses = 0;
        const tool = {
          type: "function",
          function: {
            name: "get_weather",
            parameters: { type: "object", properties: { city: { type: "string" } } },
            function: () => "sunny",
            parse: (raw: string) => {
              parses++;
              return JSON.parse(raw);
            },
          },
        };
        const runner = helpersOf(v, recordingClient(v)).runTools({ model: MODEL, messages: MESSAGES, stream: true, tools: [tool] });
        const result = await outcome(async () => ({
          content: await runner.finalContent(),
          toolReply: runner.messages.find((m: any) => m.role === "tool")?.content,
        }));
        return { ...result, parses };
      };
      const plain = await untraced(observe);
      const withTracing = await traced(observe);
      expect(withTracing).toEqual(plain);
      expect(plain.parses).toBe(1);
      expect(memory.spans()).toHaveLength(2);
    });
  });
});
