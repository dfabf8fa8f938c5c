/**
 * Each example runs as a subprocess (offline, against the fake provider, into a temp trace file)
 * and produces the trace it promises.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), "..");
const tmp = mkdtempSync(join(tmpdir(), "tracium-examples-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let n = 0;

function run(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; file: string }> {
  const file = join(tmp, `traces-${++n}.jsonl`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(TRACIUM_|OPENAI_|ANTHROPIC_|NODE_OPTIONS$|npm_|VITEST)/.test(k)) env[k] = v;
  }
  Object.assign(env, { FAKE_PROVIDER: "1", TRACIUM_FILE: file, TRACIUM_EXAMPLE_QUIET: "1", NO_COLOR: "1" }, extraEnv);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: EXAMPLES, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, file });
    });
  });
}

function traces(file: string): Array<{ start?: Rec; spans: Rec[]; end?: Rec }> {
  if (!existsSync(file)) return [];
  const map = new Map<string, { start?: Rec; spans: Map<string, Rec>; end?: Rec }>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as Rec;
    const t = map.get(r.trace_id) ?? { spans: new Map<string, Rec>() };
    map.set(r.trace_id, t);
    if (r.type === "trace_start") t.start = r;
    else if (r.type === "span") t.spans.set(r.id, r);
    else if (r.type === "trace_end") t.end = r;
  }
  return [...map.values()].map((t) => ({ ...t, spans: [...t.spans.values()] }));
}

const ofType = (spans: Rec[], type: string) => spans.filter((s) => s.span_type === type);

describe("examples", () => {
  it("support-bot: one trace per ticket, llm calls (one streamed) and tool spans", async () => {
    const r = await run(["support-bot/index.mjs"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("T-1 Where is my order A-1001?");
    const ts = traces(r.file);
    expect(ts).toHaveLength(2);
    for (const t of ts) {
      expect(t.start?.agent_name).toBe("support-bot");
      expect(t.end).toMatchObject({ status: "completed", tags: ["example", "openai"] });
      expect(ofType(t.spans, "llm")).toHaveLength(2);
      expect(t.end!.summary.llm_calls).toBe(2);
      expect(t.end!.summary.resolved).toBe(true);
      const streamed = ofType(t.spans, "llm").find((s) => s.metadata?.time_to_first_token_ms !== undefined);
      expect(streamed?.output_tokens).toBeGreaterThan(0);
    }
    expect(ofType(ts[0]!.spans, "tool")[0]).toMatchObject({ name: "lookup_order", output: { status: "shipped" } });
    expect(ofType(ts[1]!.spans, "retrieval")[0]).toMatchObject({ name: "search_help_center" });
  });

  it("zero-code: the unchanged bot under --import gets one implicit trace per LLM call", async () => {
    const r = await run(["--import", "@tracium/sdk/auto", "zero-code/app.mjs"], { TRACIUM_AGENT_NAME: "support-bot-zero-code" });
    expect(r.code, r.stderr).toBe(0);
    const ts = traces(r.file);
    expect(ts).toHaveLength(4);
    for (const t of ts) {
      expect(t.start?.agent_name).toBe("support-bot-zero-code");
      expect(t.spans).toHaveLength(1);
      expect(t.spans[0]).toMatchObject({ span_type: "llm", name: "openai.chat.completions", model_id: "gpt-4o-mini", status: "completed" });
    }
  });

  it("anthropic-agent: tool loop and a streamed answer in one trace, cache reads counted", async () => {
    const r = await run(["anthropic-agent/index.mjs"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Lisbon");
    const [t, ...rest] = traces(r.file);
    expect(rest).toHaveLength(0);
    expect(t!.start?.agent_name).toBe("travel-agent");
    const llm = ofType(t!.spans, "llm");
    expect(llm.map((s) => s.name)).toEqual(["anthropic.messages", "anthropic.messages"]);
    expect(llm.every((s) => s.cached_input_tokens > 0)).toBe(true);
    expect(ofType(t!.spans, "tool")[0]).toMatchObject({ name: "get_weather", input: { city: "Lisbon" }, output: { conditions: "light rain" } });
    expect(t!.end?.status).toBe("completed");
  });

  it("langgraph-agent: the graph's nodes, model calls and tool as one nested trace", async () => {
    const r = await run(["langgraph-agent/index.mjs"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("shipped");
    const ts = traces(r.file).filter((t) => t.start?.agent_name === "order-agent");
    expect(ts).toHaveLength(1);
    const t = ts[0]!;
    expect(ofType(t.spans, "llm").length).toBeGreaterThanOrEqual(2);
    const tool = ofType(t.spans, "tool").find((s) => s.name === "lookup_order");
    expect(tool).toBeDefined();
    expect(ofType(t.spans, "chain").length).toBeGreaterThan(0);
    const ids = new Set(t.spans.map((s) => s.id));
    expect(t.spans.filter((s) => s.parent_span_id === null)).toHaveLength(1); // one root: the graph
    expect(t.spans.every((s) => s.parent_span_id === null || ids.has(s.parent_span_id))).toBe(true);
    expect(t.end?.status).toBe("completed");
    expect(t.end!.summary.llm_calls).toBeGreaterThanOrEqual(2);
  });

  it("concurrency: 12 documents on 4 workers, every span under its own parent in one trace", async () => {
    const r = await run(["concurrency/index.mjs"]);
    expect(r.code, r.stderr).toBe(0);
    const [t, ...rest] = traces(r.file);
    expect(rest).toHaveLength(0);
    const workers = ofType(t!.spans, "agent");
    const tools = ofType(t!.spans, "tool");
    const llm = ofType(t!.spans, "llm");
    expect([workers.length, tools.length, llm.length]).toEqual([4, 12, 12]);
    const workerIds = new Set(workers.map((s) => s.id));
    const toolIds = new Set(tools.map((s) => s.id));
    expect(tools.every((s) => workerIds.has(s.parent_span_id))).toBe(true);
    expect(llm.every((s) => toolIds.has(s.parent_span_id))).toBe(true);
    // each llm span sits under the tool span of its own document
    for (const s of llm) {
      const parent = tools.find((p) => p.id === s.parent_span_id)!;
      expect(JSON.stringify(s.input)).toContain(`number ${parent.input.id.slice(4)}:`);
    }
    expect(t!.end!.summary).toMatchObject({ llm_calls: 12, documents: 12, workers: 4 });
  });

  it("demo: runs the support bot offline, prints its traces with tracium view, ends by telling how to open the UI", async () => {
    const r = await run(["demo.mjs"]);
    expect(r.code, r.stderr).toBe(0);
    const hint = r.stdout.indexOf("\nSee these traces in your browser");
    expect(hint).toBeGreaterThan(0);
    expect(r.stdout.slice(hint)).toMatch(/\n  node \S*packages\/sdk\/dist\/cli\.js ui \S*demo\.jsonl\n/);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("In a project that installed @tracium/sdk: npx @tracium/sdk ui");
    const view = r.stdout.slice(r.stdout.indexOf("$ tracium view"), hint);
    expect(view).toContain("support-bot  completed");
    expect(view).toContain("├─ ✓  llm  openai.chat.completions  gpt-4o-mini");
    // Each llm call priced from the price table (gpt-4o-mini), per span and per trace.
    expect(view).toMatch(/├─ ✓  llm  openai\.chat\.completions  gpt-4o-mini  .*  \$0\.0000\d+  /);
    expect(view.trim().split("\n").at(-1)).toMatch(/^2 traces · 4 llm calls · 324 tokens · \$0\.0000\d+$/);
  });
});
