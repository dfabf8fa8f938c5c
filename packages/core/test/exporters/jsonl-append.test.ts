/** Line-aligned chunks: what one write(2) of the file exporter carries. */
import { describe, expect, it } from "vitest";
import { lineChunks } from "../../src/export/exporters/jsonl-append.js";

describe("lineChunks", () => {
  it("packs whole lines up to the limit, in order, with each line's end offset", () => {
    const lines = ["aaaa\n", "bb\n", "cccccc\n", "d\n"];
    const chunks = lineChunks(lines, 9);
    expect(chunks.map((c) => c.bytes.toString())).toEqual(["aaaa\nbb\n", "cccccc\nd\n"]);
    expect(chunks.map((c) => c.ends)).toEqual([[5, 8], [7, 9]]);
  });

  it("writes a line longer than the limit alone, whole", () => {
    const big = `${"x".repeat(50)}\n`;
    const chunks = lineChunks(["a\n", big, "b\n"], 10);
    expect(chunks.map((c) => c.bytes.toString())).toEqual(["a\n", big, "b\n"]);
  });

  it("counts bytes, not characters", () => {
    const chunks = lineChunks(["é€\n", "z\n"], 6);
    expect(chunks.map((c) => c.ends)).toEqual([[6], [2]]);
    expect(Buffer.concat(chunks.map((c) => c.bytes)).toString()).toBe("é€\nz\n");
  });
});
