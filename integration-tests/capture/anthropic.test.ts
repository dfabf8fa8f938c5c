/**
 * Capture runs no user code, per @anthropic-ai/sdk major: request params and a response full of
 * getters, toJSON methods, Proxies and frozen/sealed/prototype-less objects cause exactly as many
 * user-code calls instrumented as uninstrumented; a toJSON spy on a tool's input schema runs once.
 */
import { agentTrace, instrument, registerPlugin, uninstrument } from "@tracium/core";
import { anthropicPlugin } from "@tracium/anthropic";
import fc from "fast-check";
import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setupTracing } from "../helpers/tracing.js";
import { MODEL, VERSIONS, client, message, replyJson, replyStream, sseBody, streamEvents, type SdkVersion } from "../anthropic/fixtures.js";
import { build, shapeArb, withGetter, type Calls, type Shape } from "./hostile.js";

const memory = setupTracing();
registerPlugin(anthropicPlugin);
beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});
beforeEach(() => memory.reset());

/* eslint-disable @typescript-eslint/no-explicit-any */

function hostileClient(v: SdkVersion, calls: Calls): any {
  const Base = v.Anthropic as any;
  class WithParser extends Base {
    post(path: string, opts: unknown): any {
      return (super.post as (p: string, o: unknown) => any)(path, opts)._thenUnwrap((data: any) => {
        if (data && typeof data === "object" && !(Symbol.asyncIterator in data)) {
          for (const key of ["usage", "model", "id", "content", "stop_reason"]) withGetter(data, key, calls);
        }
        return data;
      });
    }
  }
  return new WithParser({ apiKey: "sk-ant-test-key", maxRetries: 0 });
}

function params(shapes: Shape[], calls: Calls, stream: boolean): Record<string, unknown> {
  const [a, b, c, d, e] = shapes.map((s) => build(s, calls));
  return {
    model: MODEL,
    max_tokens: 64,
    system: [{ type: "text", text: "sys", cache_control: a }],
    messages: [{ role: "user", content: b }],
    tools: [{ name: "f", description: "d", input_schema: c }],
    tool_choice: d,
    metadata: e,
    ...(stream ? { stream: true } : {}),
  };
}

async function callCount(v: SdkVersion, shapes: Shape[], stream: boolean): Promise<number> {
  const calls: Calls = { n: 0 };
  if (stream) replyStream(v, sseBody(streamEvents({ text: ["Hel", "lo"] })));
  else replyJson(v, message({ text: "Hello" }));
  const c = hostileClient(v, calls);
  await agentTrace({ agentName: "capture" }, async () => {
    const r = await c.messages.create(params(shapes, calls, stream));
    if (stream) for await (const _ of r) void _;
  });
  return calls.n;
}

describe.each(VERSIONS)("$label: capture runs no user code", (v) => {
  it("params and responses full of getters, toJSON, Proxies: the same user-code calls instrumented and not", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(shapeArb, { minLength: 5, maxLength: 5 }), fc.boolean(), async (shapes, stream) => {
        uninstrument(v.Anthropic);
        const plain = await callCount(v, shapes, stream);
        expect(instrument(v.Anthropic)).toBe(true);
        memory.reset();
        const traced = await callCount(v, shapes, stream);
        expect(memory.spans().filter((s) => s.spanType === "llm")).toHaveLength(1);
        expect(traced).toBe(plain);
      }),
      { numRuns: 25 },
    );
  });

  it("a tool's input schema with a toJSON spy: toJSON runs once (the SDK's own serialisation)", async () => {
    instrument(v.Anthropic);
    replyJson(v, message({ text: "Hello" }));
    let toJSON = 0;
    const input_schema = {
      type: "object",
      toJSON() {
        toJSON++;
        return { type: "object" };
      },
    };
    await agentTrace({ agentName: "capture" }, () => client(v).messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: "user", content: "hi" }], tools: [{ name: "f", input_schema }] } as never));
    expect(toJSON).toBe(1);
  });
});
