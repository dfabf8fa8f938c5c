/**
 * Capture runs no user code, per openai major: a request body and a response full of getters,
 * toJSON methods, Proxies and frozen/sealed/prototype-less objects cause exactly as many user-code
 * calls instrumented as uninstrumented (the SDK's own serialisation is the only reader). Also the
 * two reported cases: a streamed chat whose tool parameters have a toJSON spy (called once, not
 * twice), and a custom parser's getter on the embeddings data (not read by response capture).
 */
import { agentTrace, instrument, registerPlugin, uninstrument } from "@tracium/core";
import { openaiPlugin } from "@tracium/openai";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { nock, useNock } from "../helpers/nock.js";
import { SSE_HEADERS, sseBody } from "../helpers/sse.js";
import { setupTracing } from "../helpers/tracing.js";
import { API, MODEL, chatCompletion, embeddingsResponse, textChunks, usageChunk } from "../openai/fixtures.js";
import { VERSIONS, client, type OpenAIVersion } from "../openai/versions.js";
import { build, shapeArb, withGetter, type Calls, type Shape } from "./hostile.js";

const memory = setupTracing();
registerPlugin(openaiPlugin);
useNock();
beforeEach(() => memory.reset());

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A client whose parsed responses get counting getters, as a custom response parser would add. */
function hostileClient(v: OpenAIVersion, calls: Calls): any {
  const Base = v.OpenAI;
  class WithParser extends Base {
    post(path: string, opts: unknown): any {
      return (super.post as (p: string, o: unknown) => any)(path, opts)._thenUnwrap((data: any) => {
        if (data && typeof data === "object") {
          for (const key of ["usage", "model", "id", "choices", "data", "output"]) withGetter(data, key, calls);
          const first = Array.isArray(data.choices) ? data.choices[0] : Array.isArray(data.data) ? data.data[0] : undefined;
          if (first && typeof first === "object") for (const key of ["message", "embedding", "finish_reason"]) withGetter(first, key, calls);
        }
        return data;
      });
    }
  }
  return new WithParser({ apiKey: "sk-test", maxRetries: 0 });
}

function body(shapes: Shape[], calls: Calls, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const [a, b, c, d, e] = shapes.map((s) => build(s, calls));
  return {
    model: MODEL,
    messages: [{ role: "user", content: a }, { role: "assistant", content: "ok", tool_calls: b }],
    tools: [{ type: "function", function: { name: "f", description: "d", parameters: c } }],
    tool_choice: d,
    response_format: e,
    metadata: { k: build(shapes[0]!, calls) },
    ...extra,
  };
}

/** User-code calls made by one chat call (and reading the result as a user would not). */
async function chatCalls(v: OpenAIVersion, shapes: Shape[], stream: boolean): Promise<number> {
  const calls: Calls = { n: 0 };
  if (stream) nock(API).post("/v1/chat/completions").reply(200, sseBody([...textChunks(), usageChunk()]), SSE_HEADERS);
  else nock(API).post("/v1/chat/completions").reply(200, chatCompletion());
  const oai = hostileClient(v, calls);
  await agentTrace({ agentName: "capture" }, async () => {
    const r = await oai.chat.completions.create(body(shapes, calls, stream ? { stream: true, stream_options: { include_usage: true } } : {}));
    if (stream) for await (const _ of r) void _;
  });
  return calls.n;
}

describe.each(VERSIONS)("openai v$major: capture runs no user code", (v) => {
  it("request bodies and responses full of getters, toJSON, Proxies: the same user-code calls instrumented and not", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(shapeArb, { minLength: 5, maxLength: 5 }), fc.boolean(), async (shapes, stream) => {
        uninstrument(v.ns);
        const plain = await chatCalls(v, shapes, stream);
        expect(instrument(v.ns)).toBe(true);
        memory.reset();
        const traced = await chatCalls(v, shapes, stream);
        expect(memory.spans().filter((s) => s.spanType === "llm")).toHaveLength(1);
        expect(traced).toBe(plain);
      }),
      { numRuns: 25 },
    );
  });

  it("a streamed chat with a tool whose parameters have a toJSON spy: toJSON runs once, a getter as often as untraced", async () => {
    instrument(v.ns);
    nock(API).post("/v1/chat/completions").reply(200, sseBody([...textChunks(), usageChunk()]), SSE_HEADERS);
    let toJSON = 0;
    let getter = 0;
    const parameters = {
      type: "object",
      toJSON() {
        toJSON++;
        return { type: "object", properties: {} };
      },
    };
    const message = { role: "user" };
    Object.defineProperty(message, "content", {
      enumerable: true,
      get() {
        getter++;
        return "hi";
      },
    });
    const oai = client(v);
    await agentTrace({ agentName: "capture" }, async () => {
      const stream = await oai.chat.completions.create({ model: MODEL, stream: true, messages: [message], tools: [{ type: "function", function: { name: "f", parameters } }] });
      for await (const _ of stream) void _;
    });
    // The SDK serialises the body once: one toJSON call and one getter read; capture adds none.
    expect(toJSON).toBe(1);
    expect(getter).toBe(1);
    const span = memory.spans()[0]!;
    // Recorded as data: the method is named, not called.
    expect(span.tools).toEqual([{ type: "function", function: { name: "f", parameters: { type: "object", toJSON: "[Function toJSON]" } } }]);
    expect(span.input).toEqual({ messages: [{ role: "user", content: "[getter]" }] });
  });

  it("a custom parser's getter on the embeddings data is not read by response capture", async () => {
    instrument(v.ns);
    nock(API).post("/v1/embeddings").reply(200, embeddingsResponse());
    const calls: Calls = { n: 0 };
    const Base = v.OpenAI;
    class WithParser extends Base {
      post(path: string, opts: unknown): any {
        return (super.post as (p: string, o: unknown) => any)(path, opts)._thenUnwrap((data: any) => {
          withGetter(data.data[0], "embedding", calls);
          return data;
        });
      }
    }
    const oai = new WithParser({ apiKey: "sk-test", maxRetries: 0 });
    const result = await agentTrace({ agentName: "capture" }, () => oai.embeddings.create({ model: "text-embedding-3-small", input: "hi", encoding_format: "float" }));
    expect(calls.n).toBe(0);
    expect(Array.isArray(result.data[0].embedding)).toBe(true);
    expect(calls.n).toBe(1); // the user's own read
    expect(memory.spans()[0]!.output).toEqual({ embeddings_count: result.data.length });
  });
});
