/**
 * Property-based (fast-check): malformed Bedrock responses, stream events and model-native bodies
 * never reach user code. For every generated reply the traced call behaves exactly like the same
 * call made untraced (same value, or same error class and message), ends its span exactly once, and
 * logs no extractor failure.
 */
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { agentTrace, init, instrument, logger, MemoryExporter, registerPlugin, suppressProviderSpans } from "@tracium/core";
import { bedrockPlugin } from "@tracium/bedrock";
// The pure extractors, straight from the plugin's source (they are not part of its public API).
import { recordConverseOutput, converseInput, converseTools, converseParams } from "../../packages/bedrock/src/converse.js";
import { ConverseStreamAccumulator } from "../../packages/bedrock/src/converse-stream.js";
import { InvokeStreamAccumulator, invokeRequest, invokeResult, recordInvokeOutput } from "../../packages/bedrock/src/invoke.js";
import { b64, bedrock, client, startScriptedBedrock, type ScriptedBedrock } from "./fixtures.js";

const exporter = new MemoryExporter();
let server: ScriptedBedrock;
const logged: string[] = [];
const RUNS = Number(process.env.FC_RUNS ?? 25);
const MODEL = "anthropic.claude-3-haiku";

beforeAll(async () => {
  server = await startScriptedBedrock();
  init({ exporter, logLevel: "warn" });
  logger.setSink((level, line) => logged.push(`${level} ${line}`));
  registerPlugin(bedrockPlugin);
  instrument(bedrock);
});
afterEach(() => server.clear());
afterAll(async () => {
  logger.setSink(undefined);
  await server.close();
});

const junk = fc.jsonValue({ maxDepth: 2 });
const count = fc.oneof(fc.nat({ max: 100_000 }), fc.constant(null), fc.integer({ min: -5, max: -1 }), junk);
const usage = fc.oneof(junk, fc.record({ inputTokens: count, outputTokens: count, cacheReadInputTokens: count, cacheWriteInputTokens: count, input_tokens: count, output_tokens: count }, { requiredKeys: [] }));
const block = fc.oneof(junk, fc.record({ text: fc.oneof(fc.string(), junk), toolUse: fc.oneof(junk, fc.record({ toolUseId: junk, name: junk, input: junk }, { requiredKeys: [] })) }, { requiredKeys: [] }));
const converseOutput = fc.oneof(
  { weight: 1, arbitrary: junk },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        output: fc.oneof(junk, fc.record({ message: fc.oneof(junk, fc.record({ role: fc.constant("assistant"), content: fc.oneof(fc.array(block, { maxLength: 3 }), junk) }, { requiredKeys: [] })) })),
        stopReason: fc.oneof(fc.constantFrom("end_turn", "tool_use", "guardrail_intervened"), junk),
        usage,
        metrics: fc.oneof(junk, fc.record({ latencyMs: count })),
      },
      { requiredKeys: [] },
    ),
  },
);
const streamEvent = fc.oneof(
  fc.record({ type: fc.constantFrom("messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata", "unknownEvent"), payload: fc.oneof(junk, fc.record({ contentBlockIndex: fc.oneof(fc.nat({ max: 3 }), junk), delta: fc.oneof(junk, fc.record({ text: fc.string() })), start: junk, stopReason: junk, usage, metrics: junk }, { requiredKeys: [] })) }),
);
const nativeBody = fc.oneof(
  junk,
  fc.record({ content: fc.oneof(fc.array(fc.record({ type: fc.constantFrom("text", "tool_use"), text: junk, id: junk, name: junk, input: junk }, { requiredKeys: [] }), { maxLength: 3 }), junk), usage, type: fc.constantFrom("message", "x") }, { requiredKeys: [] }),
  fc.record({ generation: fc.oneof(fc.string(), junk), prompt_token_count: count, generation_token_count: count }, { requiredKeys: [] }),
  fc.record({ outputs: fc.oneof(fc.array(junk, { maxLength: 2 }), junk), choices: fc.oneof(fc.array(junk, { maxLength: 2 }), junk), results: fc.oneof(fc.array(junk, { maxLength: 2 }), junk) }, { requiredKeys: [] }),
);

type Outcome = { ok: true; value: string } | { ok: false; error: string };

async function outcome(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: JSON.stringify(await fn(), (k, v) => (k === "$metadata" || k === "requestId" ? undefined : v)) ?? "undefined" };
  } catch (err) {
    const e = err as Error;
    return { ok: false, error: `${e?.constructor?.name}: ${e?.message}` };
  }
}

async function tracedOutcome(fn: () => Promise<unknown>): Promise<{ result: Outcome; spans: number }> {
  exporter.reset();
  let traceId = "";
  const result = await agentTrace({ agentName: "property" }, async (t) => {
    traceId = t.id;
    return outcome(fn);
  });
  const ends = exporter.records.filter((r) => r.kind === "span_end" && r.span.traceId === traceId && r.span.spanType === "llm");
  return { result, spans: ends.length };
}

function extractorFailures(): string[] {
  return logged.filter((l) => /bedrock/i.test(l) && /(extractor failed|internal error|could not)/.test(l));
}

async function same(reply: () => void, run: () => Promise<unknown>): Promise<void> {
  reply();
  const expected = await suppressProviderSpans(() => outcome(run));
  reply();
  const got = await tracedOutcome(run);
  expect(got.result).toEqual(expected);
  expect(got.spans).toBe(1);
}

describe("malformed responses never reach user code", () => {
  const c = (): bedrock.BedrockRuntimeClient => client(server.endpoint);
  const messages = [{ role: "user" as const, content: [{ text: "hi" }] }];

  it("Converse: any JSON body behaves as untraced", async () => {
    await fc.assert(fc.asyncProperty(converseOutput, (body) => same(() => server.reply({ json: body }), () => c().send(new bedrock.ConverseCommand({ modelId: MODEL, messages })))), { numRuns: RUNS });
    expect(extractorFailures()).toEqual([]);
  });

  it("ConverseStream: any event sequence yields the same events or error as untraced", async () => {
    const read = async (): Promise<unknown[]> => {
      const out = await c().send(new bedrock.ConverseStreamCommand({ modelId: MODEL, messages }));
      const seen: unknown[] = [];
      for await (const e of out.stream!) seen.push(e);
      return seen;
    };
    await fc.assert(fc.asyncProperty(fc.array(streamEvent, { maxLength: 6 }), (events) => same(() => server.reply({ events }), read)), { numRuns: RUNS });
    expect(extractorFailures()).toEqual([]);
  });

  it("InvokeModel: any native body behaves as untraced", async () => {
    const run = async (): Promise<unknown> => {
      const out = await c().send(new bedrock.InvokeModelCommand({ modelId: MODEL, body: JSON.stringify({ prompt: "hi" }) }));
      return out.body.transformToString();
    };
    await fc.assert(fc.asyncProperty(nativeBody, (body) => same(() => server.reply({ json: body }), run)), { numRuns: RUNS });
    expect(extractorFailures()).toEqual([]);
  });

  it("InvokeModelWithResponseStream: any chunk bytes (JSON or not) yield the same chunks as untraced", async () => {
    const chunk = fc.oneof(nativeBody.map((b) => b64(b)), fc.constantFrom(Buffer.from("{not json").toString("base64"), ""));
    const read = async (): Promise<unknown[]> => {
      const out = await c().send(new bedrock.InvokeModelWithResponseStreamCommand({ modelId: MODEL, body: "{}" }));
      const seen: unknown[] = [];
      for await (const e of out.body!) seen.push(e.chunk ? Buffer.from(e.chunk.bytes!).toString("base64") : e);
      return seen;
    };
    await fc.assert(fc.asyncProperty(fc.array(chunk, { maxLength: 5 }), (chunks) => same(() => server.reply({ events: chunks.map((bytes) => ({ type: "chunk", payload: { bytes } })) }), read)), { numRuns: RUNS });
    expect(extractorFailures()).toEqual([]);
  });
});

const fakeSpan = new Proxy({}, { get: () => () => undefined }) as Parameters<typeof recordConverseOutput>[0];

describe("extractors never throw, whatever they are given", () => {
  it("request, response and stream extractors accept any value", () => {
    fc.assert(
      fc.property(fc.anything(), fc.array(fc.anything(), { maxLength: 5 }), (value, events) => {
        converseInput(value);
        converseTools(value);
        converseParams(value);
        invokeRequest(value);
        invokeResult(value);
        recordConverseOutput(fakeSpan, value);
        recordInvokeOutput(fakeSpan, value);
        const conv = new ConverseStreamAccumulator();
        const inv = new InvokeStreamAccumulator();
        for (const e of events) {
          conv.add(e);
          inv.add(e);
          inv.add({ chunk: { bytes: Buffer.from(JSON.stringify(e ?? null) ?? "null") } });
        }
        recordConverseOutput(fakeSpan, conv.output());
        inv.result();
      }),
      { numRuns: 300 },
    );
  });

  it("hostile values (throwing getters, a revoked proxy) are survived", () => {
    const hostile = Object.defineProperty({}, "output", { get: () => { throw new Error("boom"); } });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    for (const value of [hostile, proxy, { output: { message: proxy } }, { toolConfig: { tools: [proxy] } }]) {
      expect(() => recordConverseOutput(fakeSpan, value)).not.toThrow();
      expect(() => converseTools(value)).not.toThrow();
      expect(() => invokeResult(value)).not.toThrow();
    }
  });
});
