/**
 * Property-based (fast-check): malformed Messages API responses and stream events never throw into
 * user code. For every generated response the traced call must behave exactly like the same call
 * made untraced (same value, or same error class and message), end its span exactly once, and
 * log no extractor failure.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentTrace, logger, suppressProviderSpans } from "@tracium/core";
// The pure extractors, straight from the plugin's source (they are not part of its public API).
import { MessageAccumulator } from "../../packages/anthropic/src/stream.js";
import { recordMessage } from "../../packages/anthropic/src/response.js";
import { outcome } from "../helpers/contract.js";
import { MODEL, VERSIONS, client, mockMessages, sse } from "./fixtures.js";
import { exporter, settle, useTracium } from "./harness.js";

useTracium();

const logged: string[] = [];
beforeAll(() => logger.setSink((level, line) => logged.push(`${level} ${line}`)));
afterAll(() => logger.setSink(undefined));

const USER = [{ role: "user" as const, content: "hi" }];
const RUNS = Number(process.env.FC_RUNS ?? 40);

// ---- arbitraries: shaped like the API's objects, with any field possibly wrong ----
const junk = fc.jsonValue({ maxDepth: 2 });
const count = fc.oneof(fc.nat({ max: 100_000 }), fc.constant(null), fc.integer({ min: -5, max: -1 }), fc.double(), junk);
const usage = fc.oneof(
  junk,
  fc.record(
    {
      input_tokens: count,
      output_tokens: count,
      cache_read_input_tokens: count,
      cache_creation_input_tokens: count,
      output_tokens_details: fc.oneof(junk, fc.record({ thinking_tokens: count })),
    },
    { requiredKeys: [] },
  ),
);
const blockType = fc.oneof(fc.constantFrom("text", "tool_use", "thinking", "server_tool_use", "redacted_thinking"), junk);
const block = fc.oneof(
  junk,
  fc.record({ type: blockType, text: fc.oneof(fc.string(), junk), id: fc.oneof(fc.string(), junk), name: fc.oneof(fc.string(), junk), input: junk }, { requiredKeys: [] }),
);
const messageBody = fc.oneof(
  { weight: 1, arbitrary: junk },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        id: fc.oneof(fc.string(), junk),
        type: fc.constantFrom("message", "error", "x"),
        role: fc.constantFrom("assistant", "user"),
        model: fc.oneof(fc.string(), junk),
        content: fc.oneof({ weight: 4, arbitrary: fc.array(block, { maxLength: 4 }) }, { weight: 1, arbitrary: junk }),
        stop_reason: fc.oneof(fc.constantFrom("end_turn", "tool_use", "max_tokens"), junk),
        usage,
      },
      { requiredKeys: [] },
    ),
  },
);
const index = fc.oneof({ weight: 4, arbitrary: fc.nat({ max: 3 }) }, { weight: 1, arbitrary: junk });
const delta = fc.oneof(
  junk,
  fc.record(
    {
      type: fc.oneof(fc.constantFrom("text_delta", "input_json_delta", "thinking_delta", "signature_delta", "citations_delta"), junk),
      text: fc.oneof(fc.string(), junk),
      partial_json: fc.oneof(fc.string(), fc.constantFrom('{"a":', "1}", '"x"'), junk),
      thinking: fc.string(),
      stop_reason: fc.oneof(fc.constantFrom("end_turn", "tool_use"), junk),
    },
    { requiredKeys: [] },
  ),
);
const event = fc.oneof(
  fc.record({ type: fc.constant("message_start"), message: messageBody }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("content_block_start"), index, content_block: block }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("content_block_delta"), index, delta }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("content_block_stop"), index }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("message_delta"), delta, usage }, { requiredKeys: ["type"] }),
  fc.constant({ type: "message_stop" }),
  junk,
);
/** SSE frames: mostly the event's own type as the event name; sometimes `ping` or `error`. */
const frames = fc.array(
  fc.tuple(event, fc.constantFrom("same", "same", "same", "same", "same", "same", "ping", "error")).map(([data, name]) => {
    const t = (data as { type?: unknown } | null)?.type;
    const eventName = name === "same" ? (typeof t === "string" && t ? t : "message") : name;
    return sse(eventName, data);
  }),
  { maxLength: 12 },
);

// ---- running the same call traced and untraced (outcome(): the contract kit's) ----
async function tracedOutcome(fn: () => Promise<unknown>): Promise<{ result: string; spans: number; ended: boolean }> {
  exporter.reset();
  let traceId = "";
  const result = await agentTrace({ agentName: "property" }, async (t) => {
    traceId = t.id;
    const r = await outcome(fn);
    await settle();
    return r;
  });
  const ends = exporter.records.filter((r) => r.kind === "span_end" && r.span.traceId === traceId && r.span.spanType === "llm");
  return { result, spans: ends.length, ended: ends.every((r) => r.kind === "span_end" && r.span.endedAt !== undefined) };
}

function extractorFailures(): string[] {
  return logged.filter((l) => /anthropic/i.test(l) && /(extractor failed|internal error|could not)/.test(l));
}

describe.each(VERSIONS)("$label: malformed responses never reach user code", (v) => {
  it("non-stream: any JSON body behaves as untraced, one span, no extractor failure", async () => {
    await fc.assert(
      fc.asyncProperty(messageBody, async (body) => {
        const text = JSON.stringify(body);
        const reply = (): void => {
          mockMessages(v).reply(200, text, { "content-type": "application/json" });
        };
        const anthropic = client(v);
        reply();
        const expected = await suppressProviderSpans(() => outcome(() => anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: USER })));
        reply();
        const got = await tracedOutcome(() => anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: USER }));
        expect(got.result).toEqual(expected);
        expect(got.spans).toBe(1);
        expect(got.ended).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(extractorFailures()).toEqual([]);
  });

  it("stream: true: any event sequence yields the same events or error as untraced, one span", async () => {
    await fc.assert(
      fc.asyncProperty(frames, async (f) => {
        const body = f.join("");
        const reply = (): void => {
          mockMessages(v).reply(200, body, { "content-type": "text/event-stream" });
        };
        const read = async (): Promise<unknown[]> => {
          const stream = await client(v).messages.create({ model: MODEL, max_tokens: 8, messages: USER, stream: true });
          const seen: unknown[] = [];
          for await (const e of stream) seen.push(e);
          return seen;
        };
        reply();
        const expected = await suppressProviderSpans(() => outcome(read));
        reply();
        const got = await tracedOutcome(read);
        expect(got.result).toEqual(expected);
        expect(got.spans).toBe(1);
      }),
      { numRuns: RUNS },
    );
    expect(extractorFailures()).toEqual([]);
  });

  it("messages.stream(): any event sequence gives the same finalMessage() result or error as untraced", async () => {
    await fc.assert(
      fc.asyncProperty(frames, async (f) => {
        const body = f.join("");
        const reply = (): void => {
          mockMessages(v).reply(200, body, { "content-type": "text/event-stream" });
        };
        const run = async (): Promise<unknown> => {
          const stream = client(v).messages.stream({ model: MODEL, max_tokens: 8, messages: USER });
          stream.on("error", () => undefined);
          return stream.finalMessage();
        };
        reply();
        const expected = await suppressProviderSpans(() => outcome(run));
        reply();
        const got = await tracedOutcome(run);
        expect(got.result).toEqual(expected);
        expect(got.spans).toBe(1);
      }),
      { numRuns: RUNS },
    );
    expect(extractorFailures()).toEqual([]);
  });
});

/** A span stand-in that accepts every call (the extractors' only dependency). */
const fakeSpan = new Proxy({}, { get: () => () => undefined }) as Parameters<typeof recordMessage>[0];

describe("extractors on arbitrary values", () => {
  it("the stream accumulator and the response extractors never throw", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(event, fc.anything()), { maxLength: 30 }), fc.oneof(messageBody, fc.anything()), (events, body) => {
        const acc = new MessageAccumulator();
        for (const e of events) acc.add(e);
        recordMessage(fakeSpan, acc.message());
        recordMessage(fakeSpan, body);
      }),
      { numRuns: 500 },
    );
  });
});
