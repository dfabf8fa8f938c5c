/** The UI waterfall's tree: every span of a trace gets a row, whatever its parent ids say. */
import { describe, expect, it } from "vitest";
import { flatten } from "../src/cli/ui/page/tree.js";

const span = (id: string, parent: string | null, at: number) => ({
  id,
  parent_span_id: parent,
  name: id,
  span_type: "tool",
  status: "completed",
  started_at: new Date(Date.UTC(2026, 0, 1, 0, 0, at)).toISOString(),
  completed_at: new Date(Date.UTC(2026, 0, 1, 0, 0, at + 1)).toISOString(),
  latency_ms: 1000,
});

describe("flatten", () => {
  it("shows spans whose parents form a cycle (a hand-made file) at the top, each once", () => {
    const spans = [span("root", null, 0), span("child", "root", 1), span("cyc-a", "cyc-b", 2), span("cyc-b", "cyc-a", 3), span("self", "self", 4)];
    const { rows } = flatten(spans as never);
    expect(rows.map((r) => r.span.id).sort()).toEqual(["child", "cyc-a", "cyc-b", "root", "self"]);
    expect(rows.find((r) => r.span.id === "cyc-a")!.depth).toBe(0);
    expect(rows.find((r) => r.span.id === "cyc-b")!.depth).toBe(1);
  });
});
