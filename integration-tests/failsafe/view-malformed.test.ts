/**
 * `tracium view` on files it did not expect: lines with fields of the wrong type, a parent chain
 * far deeper than the stack, values nested too deeply to stringify, and a file much bigger than the
 * heap it is given. The viewer skips and counts what it cannot read, and never crashes.
 */
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runNode, tempDir } from "../zero-code/helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir("tracium-failsafe-view-");
});
afterAll(() => tmp.cleanup());

const T0 = "2026-01-02T03:04:05.000Z";
const T1 = "2026-01-02T03:04:06.000Z";
const span = (traceId: string, id: string, parent: string | null, extra: Record<string, unknown> = {}) => ({
  type: "span",
  trace_id: traceId,
  id,
  span_type: "tool",
  name: id,
  status: "completed",
  started_at: T0,
  completed_at: T1,
  latency_ms: 1000,
  parent_span_id: parent,
  ...extra,
});
const jsonl = (records: unknown[]) => `${records.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n")}\n`;
const view = (file: string, args: string[] = [], node: string[] = []) => runNode([...node, CLI, "view", file, ...args], { env: { NO_COLOR: "1" }, timeoutMs: 120_000 });

describe("tracium view: lines with fields of the wrong type", () => {
  it("skips and counts them, and shows the rest", async () => {
    const file = join(tmp.dir, "malformed.jsonl");
    const good = "aaaaaaaa-0000-4000-8000-000000000001";
    const bad = "bbbbbbbb-0000-4000-8000-000000000002";
    const malformed = [
      span(bad, "s-start", null, { started_at: 5 }),
      span(bad, "s-name", null, { name: { toString: 1 } }),
      span(bad, "s-latency", null, { latency_ms: "slow" }),
      span(bad, "s-error", null, { status: "failed", error: 42 }),
      span(bad, "s-tags", null, { tags: [{}] }),
      span(bad, "s-meta", null, { metadata: "x" }),
      span(bad, "s-tokens", null, { input_tokens: "10" }),
      { type: "span", trace_id: bad, name: "no id" },
      { type: "trace_start", trace_id: bad, agent_name: 7 },
      { type: "trace_start", trace_id: bad, tags: [{ toString: 1 }] },
      { type: "trace_end", trace_id: bad, status: "failed", error: 42 },
      { type: "trace_end", trace_id: bad, status: "completed", summary: "x" },
      { type: "trace_end", trace_id: bad, started_at: 5 },
      { type: "trace_end", trace_id: 12 },
      "null",
      "[]",
      '"text"',
      "5",
      "{broken",
    ];
    writeFileSync(
      file,
      jsonl([
        { type: "trace_start", trace_id: good, agent_name: "fine-agent", tags: ["ok"] },
        ...malformed,
        span(good, "root", null, { span_type: "llm", model_id: "m-1", input_tokens: 3, output_tokens: 4 }),
        // Odd but readable: missing optional fields, and a summary whose models hold non-strings.
        { type: "span", trace_id: good, id: "bare" },
        {
          type: "trace_end",
          trace_id: good,
          status: "completed",
          agent_name: "fine-agent",
          started_at: T0,
          completed_at: T1,
          summary: { llm_calls: 1, input_tokens: 3, output_tokens: 4, models: ["m-1", { toString: 1 }, 5] },
        },
      ]),
    );
    const r = await view(file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("fine-agent  completed  1.00 s");
    expect(r.stdout).toContain("llm  root  m-1  in 3 · out 4  1.00 s");
    expect(r.stdout).toContain("custom  ?");
    expect(r.stdout).toContain("models m-1");
    expect(r.stdout.trim().split("\n").at(-1)).toContain(`${malformed.length} unreadable lines skipped`);
    const json = await view(file, ["--json"]);
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as Array<{ agent_name: string }>).map((t) => t.agent_name)).toEqual(["fine-agent"]);
  });
});

describe("tracium view: deep and deeply nested traces", () => {
  it("draws a 20,000-deep parent chain (the SDK writes such traces) without overflowing the stack", async () => {
    const file = join(tmp.dir, "deep.jsonl");
    const id = "cccccccc-0000-4000-8000-000000000003";
    const depth = 20_000;
    const records: unknown[] = [{ type: "trace_start", trace_id: id, agent_name: "deep-agent" }];
    for (let i = 0; i < depth; i++) records.push(span(id, `s${i}`, i === 0 ? null : `s${i - 1}`));
    records.push({ type: "trace_end", trace_id: id, status: "completed", started_at: T0, completed_at: T1, summary: {} });
    writeFileSync(file, jsonl(records));
    const r = await view(file);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    const spanLines = lines.filter((l) => /[└├]─ /.test(l));
    expect(spanLines).toHaveLength(depth);
    expect(spanLines.at(-1)).toContain(`[depth ${depth - 1}]`);
    expect(spanLines.at(-1)).toContain(`s${depth - 1}`);
    // Indentation stops growing: the output stays proportional to the number of spans.
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(200);
  });

  it("--json shows a value nested too deeply to stringify as a note, and the rest of the trace", async () => {
    const file = join(tmp.dir, "nested.jsonl");
    const id = "dddddddd-0000-4000-8000-000000000004";
    const nested = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    const line = JSON.stringify(span(id, "s1", null, { input: "PLACEHOLDER" })).replace('"PLACEHOLDER"', nested);
    writeFileSync(file, jsonl([{ type: "trace_start", trace_id: id, agent_name: "nested-agent" }, line, { type: "trace_end", trace_id: id, status: "completed", summary: {} }]));
    const r = await view(file, ["--json"]);
    expect(r.code, r.stderr).toBe(0);
    const [trace] = JSON.parse(r.stdout) as Array<{ agent_name: string; spans: Array<{ id: string; input: unknown }> }>;
    expect(trace!.agent_name).toBe("nested-agent");
    expect(trace!.spans[0]).toMatchObject({ id: "s1", input: "[not shown: nested too deeply]" });
    const text = await view(file);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("tool  s1");
  });
});

describe("tracium view: a file much bigger than the heap", () => {
  it("reads a 64 MB file with a 24 MB heap: streamed, keeping only the traces it shows", async () => {
    const file = join(tmp.dir, "big.jsonl");
    const fd = openSync(file, "w");
    const output = "lorem ipsum ".repeat(170);
    let bytes = 0;
    let traces = 0;
    try {
      while (bytes < 64 * 1024 * 1024) {
        const id = `t-${String(traces).padStart(8, "0")}`;
        bytes += writeSync(
          fd,
          jsonl([
            { type: "trace_start", trace_id: id, agent_name: "bulk" },
            span(id, `s-${traces}`, null, { span_type: "llm", input_tokens: 1, output_tokens: 2, output }),
            { type: "trace_end", trace_id: id, status: "completed", agent_name: "bulk", started_at: T0, completed_at: T1, summary: { llm_calls: 1, input_tokens: 1, output_tokens: 2 } },
          ]),
        );
        traces++;
      }
    } finally {
      closeSync(fd);
    }
    const r = await view(file, ["--last", "3"], ["--max-old-space-size=24"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`trace t-${String(traces - 1).padStart(8, "0")}`);
    expect(r.stdout.trim().split("\n").at(-1)).toMatch(new RegExp(`^3 traces \\(of ${traces}\\) · 3 llm calls · 9 tokens`));
    // The one asked for by id, from the start of the file.
    const first = await view(file, ["--trace", "t-00000000"], ["--max-old-space-size=24"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("trace t-00000000");
    expect(first.stdout).toContain("1 trace ·");
  }, 120_000);
});
