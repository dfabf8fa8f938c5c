/**
 * Property-based (fast-check): malformed Gemini responses and stream chunks never reach user code.
 * For every generated body the traced call must behave exactly like the same call made untraced
 * (same value, or same error class and message), end its span exactly once, and log no extractor
 * failure.
 */
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { agentTrace, init, instrument, logger, MemoryExporter, registerPlugin, suppressProviderSpans } from "@tracium/core";
import { googleGenAIPlugin } from "@tracium/google-genai";
// The pure extractors, straight from the plugin's source (they are not part of its public API).
import { recordResponse, recordEmbedding } from "../../packages/google-genai/src/response.js";
import { ResponseAccumulator, isTokenChunk } from "../../packages/google-genai/src/stream.js";
import { requestInput, requestTools, requestParams } from "../../packages/google-genai/src/request.js";
import { MODEL, VERSIONS, client, startGeminiServer, type GeminiServer } from "./fixtures.js";

const exporter = new MemoryExporter();
let server: GeminiServer;
const logged: string[] = [];
const RUNS = Number(process.env.FC_RUNS ?? 30);

beforeAll(async () => {
  server = await startGeminiServer();
  init({ exporter, logLevel: "warn" });
  logger.setSink((level, line) => logged.push(`${level} ${line}`));
  registerPlugin(googleGenAIPlugin);
  for (const v of VERSIONS) instrument(v.sdk);
});
afterEach(() => server.clear());
afterAll(async () => {
  logger.setSink(undefined);
  await server.close();
});

// ---- arbitraries: shaped like the API's objects, with any field possibly wrong ----
const junk = fc.jsonValue({ maxDepth: 2 });
const count = fc.oneof(fc.nat({ max: 100_000 }), fc.constant(null), fc.integer({ min: -5, max: -1 }), fc.double({ noNaN: true, noDefaultInfinity: true }), junk);
const usage = fc.oneof(
  junk,
  fc.record(
    { promptTokenCount: count, candidatesTokenCount: count, cachedContentTokenCount: count, thoughtsTokenCount: count, toolUsePromptTokenCount: count, totalTokenCount: count },
    { requiredKeys: [] },
  ),
);
const part = fc.oneof(
  junk,
  fc.record({ text: fc.oneof(fc.string(), junk), thought: fc.oneof(fc.boolean(), junk) }, { requiredKeys: [] }),
  fc.record({ functionCall: fc.oneof(junk, fc.record({ name: fc.oneof(fc.string(), junk), args: junk, id: fc.oneof(fc.string(), junk) }, { requiredKeys: [] })) }),
);
const candidate = fc.oneof(
  junk,
  fc.record(
    {
      content: fc.oneof(junk, fc.record({ role: fc.constantFrom("model", "user"), parts: fc.oneof({ weight: 4, arbitrary: fc.array(part, { maxLength: 4 }) }, { weight: 1, arbitrary: junk }) }, { requiredKeys: [] })),
      finishReason: fc.oneof(fc.constantFrom("STOP", "MAX_TOKENS", "SAFETY"), junk),
      safetyRatings: junk,
      index: junk,
    },
    { requiredKeys: [] },
  ),
);
const responseBody = fc.oneof(
  { weight: 1, arbitrary: junk },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        candidates: fc.oneof({ weight: 4, arbitrary: fc.array(candidate, { maxLength: 3 }) }, { weight: 1, arbitrary: junk }),
        usageMetadata: usage,
        modelVersion: fc.oneof(fc.string(), junk),
        responseId: fc.oneof(fc.string(), junk),
        promptFeedback: fc.oneof(junk, fc.record({ blockReason: fc.oneof(fc.string(), junk), safetyRatings: junk }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    ),
  },
);

// ---- running the same call traced and untraced ----
type Outcome = { ok: true; value: string } | { ok: false; error: string };

async function outcome(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: JSON.stringify(await fn()) ?? "undefined" };
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
  return logged.filter((l) => /google/i.test(l) && /(extractor failed|internal error|could not)/.test(l));
}

describe.each(VERSIONS)("$label: malformed responses never reach user code", (v) => {
  it("generateContent: any JSON body behaves as untraced, one span, no extractor failure", async () => {
    const ai = client(v, server);
    await fc.assert(
      fc.asyncProperty(responseBody, async (body) => {
        const run = (): Promise<unknown> => ai.models.generateContent({ model: MODEL, contents: "hi" });
        server.reply({ raw: JSON.stringify(body) });
        const expected = await suppressProviderSpans(() => outcome(run));
        server.reply({ raw: JSON.stringify(body) });
        const got = await tracedOutcome(run);
        expect(got.result).toEqual(expected);
        expect(got.spans).toBe(1);
      }),
      { numRuns: RUNS },
    );
    expect(extractorFailures()).toEqual([]);
  });

  it("generateContentStream: any chunk sequence yields the same chunks or error as untraced, one span", async () => {
    const ai = client(v, server);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ weight: 6, arbitrary: responseBody }, { weight: 1, arbitrary: fc.constantFrom("{not json", "") }), { maxLength: 6 }), async (chunks) => {
        const read = async (): Promise<unknown[]> => {
          const seen: unknown[] = [];
          for await (const c of await ai.models.generateContentStream({ model: MODEL, contents: "hi" })) seen.push(c);
          return seen;
        };
        server.reply({ sse: chunks });
        const expected = await suppressProviderSpans(() => outcome(read));
        server.reply({ sse: chunks });
        const got = await tracedOutcome(read);
        expect(got.result).toEqual(expected);
        expect(got.spans).toBe(1);
      }),
      { numRuns: RUNS },
    );
    expect(extractorFailures()).toEqual([]);
  });
});

/** A span stand-in that accepts every call (the extractors' only dependency). */
const fakeSpan = new Proxy({}, { get: (_t, key) => (key === "id" ? "span-1" : () => undefined) }) as Parameters<typeof recordResponse>[0];

describe("extractors never throw, whatever they are given", () => {
  it("request, response, embedding and stream extractors accept any value", () => {
    fc.assert(
      fc.property(fc.anything(), fc.array(fc.anything(), { maxLength: 5 }), (value, chunks) => {
        requestInput(value);
        requestTools(value);
        requestParams(value);
        recordResponse(fakeSpan, value);
        recordEmbedding(fakeSpan, value);
        isTokenChunk(value);
        const acc = new ResponseAccumulator();
        for (const c of chunks) acc.add(c);
        recordResponse(fakeSpan, acc.response());
      }),
      { numRuns: 300 },
    );
  });

  it("a hostile response (throwing getters, a revoked proxy) is survived without running into the caller", () => {
    const hostile = Object.defineProperty({}, "candidates", { get: () => { throw new Error("boom"); } });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    for (const value of [hostile, proxy, { candidates: [proxy] }, { usageMetadata: hostile }]) {
      expect(() => recordResponse(fakeSpan, value)).not.toThrow();
      const acc = new ResponseAccumulator();
      acc.add(value);
      expect(() => recordResponse(fakeSpan, acc.response())).not.toThrow();
    }
  });
});
