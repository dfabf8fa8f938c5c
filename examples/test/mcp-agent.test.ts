/**
 * The mcp-agent example runs as a subprocess (offline: fake provider, MCP server in a child
 * process) and writes the linked loop it promises: llm → tool (MCP) → llm.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), "..");
const tmp = mkdtempSync(join(tmpdir(), "tracium-mcp-example-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

it("mcp-agent: one trace, llm → MCP tool span (linked to the tool call) → llm (tool_results_for)", async () => {
  const file = join(tmp, "traces.jsonl");
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(TRACIUM_|OPENAI_|ANTHROPIC_|NODE_OPTIONS$|npm_|VITEST)/.test(k)) env[k] = v;
  Object.assign(env, { FAKE_PROVIDER: "1", TRACIUM_FILE: file, TRACIUM_EXAMPLE_QUIET: "1", NO_COLOR: "1" });
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["mcp-agent/index.mjs"], { cwd: EXAMPLES, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
    child.on("error", reject);
    child.on("close", (c) => {
      clearTimeout(timer);
      resolve({ code: c, stdout: out, stderr: err });
    });
  });
  expect(code, stderr).toBe(0);
  expect(stdout).toContain("answer: ");
  const records = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Rec);
  const spans = new Map<string, Rec>();
  for (const r of records) if (r.type === "span") spans.set(r.id, r);
  const all = [...spans.values()];
  expect(new Set(all.map((s) => s.trace_id)).size).toBe(1);
  expect(records.find((r) => r.type === "trace_end")).toMatchObject({ status: "completed", tags: ["example", "mcp"] });
  const llm = all.filter((s) => s.span_type === "llm");
  const tool = all.find((s) => s.span_type === "tool")!;
  expect(llm).toHaveLength(2);
  expect(tool).toMatchObject({ name: "get_weather", status: "completed", input: { city: "Lisbon" }, metadata: { provider: "mcp", mcp_server_name: "travel-tools" } });
  const asking = llm.find((s) => s.id === tool.metadata.llm_span_id)!;
  expect(asking.tool_calls[0].id).toBe(tool.metadata.tool_call_id);
  const answering = llm.find((s) => s !== asking)!;
  expect(answering.metadata).toMatchObject({ tool_results_for: [tool.metadata.tool_call_id], tool_span_ids: [tool.id] });
  expect(all.find((s) => s.name === "mcp.tools.list")).toBeDefined();
});
