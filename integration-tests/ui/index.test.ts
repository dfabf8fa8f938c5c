/**
 * A big trace file's index is saved next to it (`<file>.ui-index`) and reused on the next start
 * only when it was built from that file: lines appended since are read on top of it, and a file
 * replaced by another is indexed again.
 */
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { api, startUi, tempFile, type RunningUi } from "./server.js";

let ui: RunningUi | undefined;
afterEach(async () => {
  await ui?.stop();
  ui = undefined;
});

/** About 20 MB of finished traces (the index is saved from 16 MB on). */
function bigFile(count: number, agent: string): string {
  const pad = "x".repeat(900);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${agent}-${i}`;
    lines.push(JSON.stringify({ type: "trace_start", trace_id: id, agent_name: agent }));
    lines.push(JSON.stringify({ type: "span", trace_id: id, id: `${id}-s`, span_type: "llm", name: "chat", status: "completed", started_at: "2026-01-01T00:00:00.000Z", completed_at: "2026-01-01T00:00:01.000Z", latency_ms: 1000, parent_span_id: null, model_id: "m", output: pad, input_tokens: 3, output_tokens: 4 }));
    lines.push(JSON.stringify({ type: "trace_end", trace_id: id, status: "completed", agent_name: agent, started_at: "2026-01-01T00:00:00.000Z", completed_at: "2026-01-01T00:00:01.000Z", summary: {}, tags: [] }));
  }
  return `${lines.join("\n")}\n`;
}

/** Its startup lines on stderr (the reuse line, when any, comes before "collector at"). */
async function startupLog(u: RunningUi): Promise<string> {
  await expect.poll(() => u.stderr(), { timeout: 10_000 }).toContain("collector at");
  return u.stderr();
}

type List = { total: number; rows: Array<{ trace_id: string; agent_name: string; total_tokens: number }> };

describe("tracium ui: saved index", () => {
  it("is saved for a big file, reused with the lines appended since, and ignored for another file", async () => {
    const file = tempFile();
    writeFileSync(file, bigFile(20_000, "first"));
    ui = await startUi(file);
    expect((await api<List>(ui, "/api/traces?limit=1")).total).toBe(20_000);
    await expect.poll(() => existsSync(`${file}.ui-index`), { timeout: 20_000 }).toBe(true);
    await ui.stop();

    expect(await startupLog(ui)).not.toContain("reused the saved index");
    appendFileSync(file, bigFile(1, "appended"));
    ui = await startUi(file);
    expect(await startupLog(ui)).toContain("reused the saved index");
    const list = await api<List>(ui, "/api/traces?limit=1&agent=appended");
    expect(list.total).toBe(20_001);
    expect(list.rows.map((r) => [r.trace_id, r.total_tokens])).toEqual([["appended-0", 7]]);
    const { trace } = await api<{ trace: { spans: unknown[] } }>(ui, "/api/traces/first-19999");
    expect(trace.spans).toHaveLength(1);
    await ui.stop();

    // Another file of the same size under the same name: the saved index must not be used.
    writeFileSync(file, bigFile(20_000, "other").replace(/"agent_name":"other"/g, '"agent_name":"again"'));
    ui = await startUi(file);
    expect(await startupLog(ui)).not.toContain("reused the saved index");
    const other = await api<List>(ui, "/api/traces?limit=5");
    expect(other.total).toBe(20_000);
    expect(new Set(other.rows.map((r) => r.agent_name))).toEqual(new Set(["again"]));
  }, 120_000);

  it("indexes and searches lines longer than one read (a 3 MB tool output), and the lines around them", async () => {
    const file = tempFile();
    const line = (id: string, output: string) =>
      [
        JSON.stringify({ type: "trace_start", trace_id: id, agent_name: id }),
        JSON.stringify({ type: "span", trace_id: id, id: `${id}-s`, span_type: "tool", name: "fetch", status: "completed", started_at: "2026-01-01T00:00:00.000Z", completed_at: "2026-01-01T00:00:01.000Z", latency_ms: 1000, parent_span_id: null, output }),
        JSON.stringify({ type: "trace_end", trace_id: id, status: "completed", agent_name: id, summary: {}, tags: [] }),
      ].join("\n");
    writeFileSync(file, `${[line("before", "small"), line("long", `${"y".repeat(3 * 1024 * 1024)} needle-at-the-end`), line("after", "small")].join("\n")}\n`);
    ui = await startUi(file);
    expect((await api<List>(ui, "/api/traces")).rows.map((r) => r.trace_id)).toEqual(["after", "long", "before"]);
    expect((await api<List>(ui, "/api/traces?q=needle-at-the-end")).rows.map((r) => r.trace_id)).toEqual(["long"]);
    const { trace } = await api<{ trace: { spans: Array<{ output: string }> } }>(ui, "/api/traces/long");
    expect(trace.spans[0]!.output).toHaveLength(3 * 1024 * 1024 + 18);
  });
});
