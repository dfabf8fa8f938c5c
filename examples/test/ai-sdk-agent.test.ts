/**
 * The ai-sdk-agent example runs as a subprocess under zero code (offline, against the fake
 * provider) and writes the trace it promises: one trace, the agent's chain span, an llm span per
 * step with its tokens, the tool span linked to the call that asked for it, a streamed answer.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), "..");
const tmp = mkdtempSync(join(tmpdir(), "tracium-ai-sdk-example-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

it("ai-sdk-agent under --import @tracium/sdk/auto: one trace, chain → llm, tool (linked), llm; streamed answer", async () => {
  const file = join(tmp, "traces.jsonl");
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(TRACIUM_|OPENAI_|ANTHROPIC_|NODE_OPTIONS$|npm_|VITEST)/.test(k)) env[k] = v;
  Object.assign(env, { FAKE_PROVIDER: "1", TRACIUM_FILE: file, TRACIUM_EXAMPLE_QUIET: "1", NO_COLOR: "1" });
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "@tracium/sdk/auto", "ai-sdk-agent/index.mjs"], { cwd: EXAMPLES, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (c) => {
      clearTimeout(timer);
      resolve({ code: c, stdout: out, stderr: err });
    });
  });
  expect(code, stderr).toBe(0);
  expect(stdout).toContain("light rain");
  const records = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Rec);
  const starts = records.filter((r) => r.type === "trace_start");
  expect(starts.map((r) => r.agent_name)).toEqual(["ai-sdk-travel-agent"]);
  const spans = new Map<string, Rec>();
  for (const r of records) if (r.type === "span") spans.set(r.id, r);
  const all = [...spans.values()];
  const chain = all.find((s) => s.span_type === "chain")!;
  expect(chain).toMatchObject({ name: "ai.streamText", status: "completed" });
  const llms = all.filter((s) => s.span_type === "llm").sort((a, b) => a.started_at.localeCompare(b.started_at));
  expect(llms.map((s) => s.name)).toEqual(["ai.streamText.doStream", "ai.streamText.doStream"]);
  for (const s of llms) {
    expect(s).toMatchObject({ parent_span_id: chain.id, model_id: "gpt-4o-mini", status: "completed" });
    expect(s.input_tokens).toBeGreaterThan(0);
    expect(s.metadata.time_to_first_token_ms).toBeGreaterThan(0);
  }
  const [tool] = all.filter((s) => s.span_type === "tool");
  expect(tool).toMatchObject({ name: "get_weather", parent_span_id: chain.id, input: { city: "Lisbon" }, output: { conditions: "light rain" } });
  expect(tool!.metadata.llm_span_id).toBe(llms[0]!.id);
  expect(llms[1]!.metadata.tool_span_ids).toEqual([tool!.id]);
  const end = records.find((r) => r.type === "trace_end")!;
  expect(end.status).toBe("completed");
  expect(end.summary.llm_calls).toBe(2);
});
