/**
 * A large span's JSON is written in pieces, its long strings escaped and encoded once and reused
 * (src/export/delivery/span-json.ts): what reaches the API must be exactly what
 * `JSON.stringify` of the span body says, for any value, and the cache must stay bounded.
 */
import { describe, expect, it } from "vitest";
import { spansBody } from "../../src/export/delivery/batch.js";
import { jsonTextString } from "../../src/export/delivery/json-bytes.js";
import { LARGE_SPAN_BYTES, encodedStringCacheBytes, spanJson } from "../../src/export/delivery/span-json.js";
import { toSpanBody, type SpanBody } from "../../src/export/wire.js";
import { T0, endSpan, makeSpan, makeTrace } from "../exporters/fixtures.js";
import { rng } from "../helpers.js";

/** Characters that JSON escapes or UTF-8 encodes in more than one byte, and plain ones. */
const POOL = ["a", "b", " ", '"', "\\", "\n", "\t", "\u0001", "\u007f", "é", "€", "日", "😀", "\ud800", "\udfff", "\u2028"];

function text(r: () => number, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += r() < 0.7 ? "lorem ipsum "[i % 12]! : POOL[Math.floor(r() * POOL.length)]!;
  return out;
}

/** A JSON-like value with long and short strings, and values JSON has no form for. */
function value(r: () => number, depth: number): unknown {
  const pick = r();
  if (depth > 4 || pick < 0.3) {
    const leaf = Math.floor(r() * 9);
    return [text(r, 5), text(r, 300 + Math.floor(r() * 3000)), 42.5, -0, true, null, undefined, () => 1, Symbol("s")][leaf];
  }
  const n = Math.floor(r() * 6);
  if (pick < 0.6) return Array.from({ length: n }, () => value(r, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) out[text(r, 1 + (i % 4))] = value(r, depth + 1);
  return out;
}

const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bodyOf = (over: Partial<Parameters<typeof makeSpan>[1]> = {}): SpanBody => {
  const trace = makeTrace();
  return toSpanBody(endSpan(makeSpan(trace, { metadata: { k: "v" }, ...over }), T0 + 5));
};

describe("span JSON", () => {
  it("is JSON.stringify's text, whole, for a span estimated small", () => {
    const body = bodyOf({ input: { messages: [{ role: "user", content: "hi" }] } });
    expect(spanJson(body, LARGE_SPAN_BYTES - 1)).toBe(JSON.stringify(body));
  });

  it("parses back to what JSON.stringify makes of the body, for 300 generated large spans", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const body = bodyOf({ input: value(r, 0), output: value(r, 0), tools: [value(r, 1)], toolCalls: r() < 0.5 ? undefined : [value(r, 1)] });
      const json = spanJson(body, LARGE_SPAN_BYTES);
      const sent = decode(spansBody([json]));
      expect(JSON.parse(sent), `seed ${seed}`).toEqual(JSON.parse(JSON.stringify({ spans: [body] })));
      expect(JSON.parse(jsonTextString(json)), `seed ${seed}`).toEqual(JSON.parse(JSON.stringify(body)));
    }
  });

  it("encodes a long string once: the next span that carries it reuses the same bytes", () => {
    const prompt = `You are a support agent. ${"Answer politely and cite the policy. ".repeat(20)}`;
    const a = spanJson(bodyOf({ input: { messages: [{ role: "system", content: prompt }, { role: "user", content: "first" }] } }), LARGE_SPAN_BYTES);
    const b = spanJson(bodyOf({ input: { messages: [{ role: "system", content: prompt }, { role: "user", content: "second" }] } }), LARGE_SPAN_BYTES);
    if (typeof a === "string" || typeof b === "string") throw new Error("pieces expected");
    const bytesOf = (j: typeof a): Uint8Array[] => j.parts.filter((p): p is Uint8Array => typeof p !== "string");
    expect(bytesOf(a)).toHaveLength(1);
    expect(bytesOf(b)[0]).toBe(bytesOf(a)[0]);
    expect(decode(bytesOf(a)[0]!)).toBe(JSON.stringify(prompt));
  });

  it("keeps the cache of encoded strings within its budget however many strings go through", () => {
    for (let i = 0; i < 60; i++) {
      const big = `${i} ${"distinct text ".repeat(8_000)}`; // ~112 KB each, ~6.7 MB in all
      const json = spanJson(bodyOf({ output: big }), LARGE_SPAN_BYTES);
      expect(JSON.parse(jsonTextString(json)).output).toBe(big);
      expect(encodedStringCacheBytes()).toBeLessThanOrEqual(2 * 1024 * 1024);
    }
  });

  it("throws as JSON.stringify does on a value it cannot serialise (the batch counts the span as broken)", () => {
    expect(() => spanJson(bodyOf({ input: { n: 10n, text: "x".repeat(10_000) } }), LARGE_SPAN_BYTES)).toThrow(TypeError);
  });
});
