/** Reading the trace file in chunks, and keeping only the traces that will be shown. */
import { describe, expect, it } from "vitest";
import { LineSplitter } from "../src/cli/lines.js";
import { TraceReader } from "../src/cli/traces.js";

function split(chunks: string[], maxBytes?: number): { lines: string[]; overlong: number } {
  const s = new LineSplitter(maxBytes);
  const lines: string[] = [];
  for (const c of chunks) s.push(Buffer.from(c), (l) => lines.push(l));
  s.end((l) => lines.push(l));
  return { lines, overlong: s.overlongLines };
}

describe("LineSplitter", () => {
  it("joins lines across chunks, including multi-byte characters cut between chunks", () => {
    const bytes = Buffer.from("ab\ncé€d\n\nlast");
    const chunks = [bytes.subarray(0, 5), bytes.subarray(5, 7), bytes.subarray(7)];
    const s = new LineSplitter();
    const lines: string[] = [];
    for (const c of chunks) s.push(c, (l) => lines.push(l));
    s.end((l) => lines.push(l));
    expect(lines).toEqual(["ab", "cé€d", "last"]);
  });

  it("skips and counts a line longer than the limit, and goes on after it", () => {
    expect(split(["short\n", "x".repeat(6), "x".repeat(6), "\nnext\n"], 10)).toEqual({ lines: ["short", "next"], overlong: 1 });
    expect(split(["y".repeat(11)], 10)).toEqual({ lines: [], overlong: 1 });
  });
});

describe("TraceReader", () => {
  const start = (id: string) => JSON.stringify({ type: "trace_start", trace_id: id, agent_name: id });
  const span = (id: string, sid: string) => JSON.stringify({ type: "span", trace_id: id, id: sid });

  it("with keep N holds only the last N traces to appear, and ignores later lines of those let go", () => {
    const r = new TraceReader({ keep: 2 });
    for (const line of [start("a"), start("b"), span("a", "a1"), start("c"), span("a", "a2"), span("b", "b1")]) r.addLine(line);
    expect(r.all().map((t) => [t.trace_id, t.spans.map((s) => s.id)])).toEqual([
      ["b", ["b1"]],
      ["c", []],
    ]);
    expect([r.matching, r.total]).toEqual([3, 3]);
  });

  it("with match keeps and counts only the traces it accepts", () => {
    const r = new TraceReader({ match: (id) => id.startsWith("x") });
    for (const line of [start("x1"), start("y1"), start("x2"), span("y1", "s")]) r.addLine(line);
    expect(r.all().map((t) => t.trace_id)).toEqual(["x1", "x2"]);
    expect([r.matching, r.total, r.badLines]).toEqual([2, 3, 0]);
  });
});
