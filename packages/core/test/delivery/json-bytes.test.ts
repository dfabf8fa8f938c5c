/**
 * Spans request bodies are encoded piece by piece into one UTF-8 byte array
 * (src/export/delivery/json-bytes.ts): the bytes must be exactly those of the joined text, for
 * any text, including text whose UTF-8 form outgrows the first, ASCII-sized array.
 */
import { describe, expect, it } from "vitest";
import { jsonArrayBytes } from "../../src/export/delivery/json-bytes.js";
import { spansBody } from "../../src/export/delivery/batch.js";

const joined = (open: string, items: readonly string[], close: string): Buffer => Buffer.from(open + items.join(",") + close, "utf8");

/** Characters of every UTF-8 length: 1 byte, 2, 3, and 4 (a surrogate pair). */
const POOL = ["a", "{", '"', "é", "ß", "€", "日", "本", "😀", "🧪"];

/** A deterministic pseudo-random text of `n` characters from POOL (`asciiShare` of them ASCII). */
function text(seed: number, n: number, asciiShare: number): string {
  let x = seed >>> 0 || 1;
  let out = "";
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const r = (x >>> 0) / 2 ** 32;
    out += r < asciiShare ? POOL[Math.floor(r * 1000) % 3]! : POOL[3 + (Math.floor(r * 1000) % 7)]!;
  }
  return out;
}

describe("jsonArrayBytes", () => {
  it("is the UTF-8 of the joined text for ASCII, for any number of items", () => {
    for (const n of [0, 1, 2, 10, 1000]) {
      const items = Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, name: "lookup", ok: true }));
      expect(Buffer.from(jsonArrayBytes('{"spans":[', items, "]}")).equals(joined('{"spans":[', items, "]}"))).toBe(true);
    }
  });

  it("is the UTF-8 of the joined text when non-ASCII text makes it outgrow its first array", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const items = Array.from({ length: seed % 7 }, (_, i) => text(seed * 31 + i, (seed * 13 + i * 7) % 300, (seed % 5) / 4));
      const open = seed % 3 === 0 ? "[" : '{"é":[';
      const bytes = jsonArrayBytes(open, items, "]}");
      expect(Buffer.from(bytes).equals(joined(open, items, "]}")), `seed ${seed}`).toBe(true);
    }
  });

  it("a spans body parses back to the spans it was made of", () => {
    const spans = [{ id: "a", name: "日本語 🧪" }, { id: "b", input: "x".repeat(5000) }].map((s) => JSON.stringify(s));
    expect(JSON.parse(new TextDecoder().decode(spansBody(spans)))).toEqual({ spans: spans.map((s) => JSON.parse(s)) });
  });
});
