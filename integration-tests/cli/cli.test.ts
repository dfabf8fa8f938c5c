/** The `tracium` command, run as a subprocess from the built @tracium/sdk. */
import { appendFileSync, copyFileSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runNode, startCollector, tempDir } from "../zero-code/helpers.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "traces.jsonl");
let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir("tracium-cli-");
});
afterAll(() => tmp.cleanup());

const tracium = (args: string[], env: Record<string, string | undefined> = {}, onStdout?: Parameters<typeof runNode>[1]["onStdout"]) =>
  runNode([CLI, ...args], { env: { NO_COLOR: "1", ...env }, ...(onStdout ? { onStdout } : {}) });

const SUPPORT_BOT = `support-bot  completed  1.50 s  2026-01-02 03:04:05 UTC  trace aaaaaaaa-0000-4000-8000-000000000001
  model gpt-4o-mini · tags beta
  └─ ✓  agent  handle_ticket  1.45 s
     ├─ ✓  llm  openai.chat.completions  gpt-4o-mini  in 120 · out 35 · cached 64  800 ms  ttft 211 ms
     ├─ ✓  tool  lookup_order  12 ms
     └─ ✓  llm  openai.chat.completions  gpt-4o-mini  in 200 · out 50  500 ms
  total  2 llm calls · 320 in · 85 out · 64 cached · 469 tokens · models gpt-4o-mini · outcome="resolved"`;

describe("tracium view", () => {
  it("prints each trace as a tree: agent, status, duration, spans with type, model, tokens, latency, and totals", async () => {
    const r = await tracium(["view", FIXTURE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith(`${SUPPORT_BOT}\n\n`)).toBe(true);
    expect(r.stdout).toContain(`research-agent  failed  310 ms  2026-01-02 03:05:00 UTC  trace bbbbbbbb-0000-4000-8000-000000000002
  model claude-sonnet-4-6
  error: RateLimitError: 429 rate limited
  ├─ ✓  retrieval  search_docs  40 ms
  └─ ✗  llm  anthropic.messages  claude-sonnet-4-6  250 ms  RateLimitError: 429 rate limited`);
    expect(r.stdout).toContain("long-job  in progress  –");
    expect(r.stdout.trim().split("\n").at(-1)).toBe("3 traces · 1 failed · 1 in progress · 3 llm calls · 469 tokens  1 unreadable line skipped");
  });

  it("reads TRACIUM_FILE when no file is given", async () => {
    const r = await tracium(["view", "--last", "1"], { TRACIUM_FILE: FIXTURE });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^long-job {2}in progress/);
    expect(r.stdout).toContain("1 trace (of 3)");
    expect(r.stdout).not.toContain("support-bot");
  });

  it("--json gives the traces with their spans", async () => {
    const r = await tracium(["view", FIXTURE, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const traces = JSON.parse(r.stdout);
    expect(traces.map((t: { agent_name: string; status: string }) => [t.agent_name, t.status])).toEqual([
      ["support-bot", "completed"],
      ["research-agent", "failed"],
      ["long-job", "in_progress"],
    ]);
    expect(traces[0].spans).toHaveLength(4);
    expect(traces[0].duration_ms).toBe(1500);
    expect(traces[0].summary.total_tokens).toBe(469);
    expect(traces[0].metadata).toEqual({ channel: "email" });
  });

  it("--trace picks one trace by id prefix, and says so when none matches", async () => {
    const one = await tracium(["view", FIXTURE, "--trace", "bbbb"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^research-agent/);
    expect(one.stdout).not.toContain("support-bot");
    const none = await tracium(["view", FIXTURE, "--trace", "zzzz"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No trace with an id starting with "zzzz"');
  });

  it("says plainly when the file does not exist, and rejects bad flags", async () => {
    const missing = await tracium(["view", join(tmp.dir, "nope.jsonl")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("No trace file at");
    const bad = await tracium(["view", FIXTURE, "--last", "two"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--last needs a whole number");
    const unknown = await tracium(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it("ui on a directory: one line saying why and exit code 1, not a server that cannot read it", async () => {
    const r = await tracium(["ui", tmp.dir, "--port", "0"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tracium: cannot read .*: it is not a file/);
  });

  it("--follow on a directory: one line saying why, exit code 1, no stack trace", async () => {
    const r = await tracium(["view", tmp.dir, "--follow"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not read .*EISDIR/);
    expect(r.stderr).not.toContain("    at ");
  });

  it("--follow prints traces as they end", async () => {
    const file = join(tmp.dir, "follow.jsonl");
    copyFileSync(FIXTURE, file);
    let appended = false;
    const r = await tracium(["view", file, "--follow", "--last", "1"], {}, (out, kill) => {
      if (!appended && out.includes("following")) {
        appended = true;
        const id = "dddddddd-0000-4000-8000-000000000004";
        appendFileSync(file, `${JSON.stringify({ type: "trace_start", agent_name: "late-agent", trace_id: id })}\n`);
        appendFileSync(
          file,
          `${JSON.stringify({ type: "span", trace_id: id, id: "d1", span_type: "llm", name: "openai.chat.completions", status: "completed", started_at: "2026-01-02T04:00:00.000Z", completed_at: "2026-01-02T04:00:00.100Z", latency_ms: 100, parent_span_id: null, model_id: "gpt-4o-mini", input_tokens: 5, output_tokens: 7, metadata: {}, tags: [] })}\n`,
        );
        appendFileSync(file, JSON.stringify({ type: "trace_end", trace_id: id, status: "completed", agent_name: "late-agent", started_at: "2026-01-02T04:00:00.000Z", completed_at: "2026-01-02T04:00:00.200Z", summary: { llm_calls: 1, input_tokens: 5, output_tokens: 7, total_tokens: 12, models: ["gpt-4o-mini"] }, tags: [] }) + "\n");
      }
      if (out.includes("late-agent  completed")) kill("SIGTERM");
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("long-job");
    expect(r.stdout).toContain("late-agent  completed  200 ms");
    expect(r.stdout).toContain("in 5 · out 7  100 ms");
  });

  it("--follow on a file replaced by a bigger one (renamed over it) reads the new file from its start", async () => {
    const file = join(tmp.dir, "follow-replaced.jsonl");
    copyFileSync(FIXTURE, file);
    let replaced = false;
    const r = await tracium(["view", file, "--follow", "--last", "1"], {}, (out, kill) => {
      if (!replaced && out.includes("following")) {
        replaced = true;
        // The new trace first, then filler: bigger than the old file, but nothing where the old one ended.
        const id = "eeeeeeee-0000-4000-8000-000000000005";
        const lines = [
          JSON.stringify({ type: "trace_start", agent_name: "replacement-agent", trace_id: id }),
          JSON.stringify({ type: "trace_end", trace_id: id, status: "completed", agent_name: "replacement-agent", started_at: "2026-01-02T05:00:00.000Z", completed_at: "2026-01-02T05:00:00.300Z", summary: {}, tags: [] }),
          JSON.stringify({ type: "trace_start", agent_name: "filler", trace_id: "filler", metadata: { pad: "x".repeat(readFileSync(FIXTURE).length) } }),
        ];
        writeFileSync(`${file}.next`, `${lines.join("\n")}\n`);
        renameSync(`${file}.next`, file);
      }
      if (out.includes("replacement-agent  completed")) kill("SIGTERM");
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("replacement-agent  completed  300 ms");
  });
});

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("tracium doctor", () => {
  it("with no configuration: local file, no problem, installed providers patchable", async () => {
    const r = await tracium(["doctor"], { TRACIUM_FILE: join(tmp.dir, "d1.jsonl") });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ exporter +file \(default: no API key is set\)/);
    expect(r.stdout).toMatch(/· API key +not set: traces stay on this machine/);
    expect(r.stdout).toMatch(/✓ trace file +.*d1\.jsonl \(not written yet\)/);
    expect(r.stdout).toMatch(/✓ openai +openai 6\.\d+\.\d+ installed; plugin "openai" patches it/);
    expect(r.stdout).toMatch(/✓ @anthropic-ai\/sdk +@anthropic-ai\/sdk 1\.\d+\.\d+ installed; plugin "anthropic" patches it/);
    expect(r.stdout).toContain("No problems found");
  });

  it("a trace file that is a directory is a problem, not a pass", async () => {
    const r = await tracium(["doctor", "--no-load"], { TRACIUM_FILE: tmp.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ trace file +.*: it is not a file/);
  });

  it("the tracium exporter without an API key is a problem", async () => {
    const r = await tracium(["doctor", "--no-load"], { TRACIUM_EXPORTER: "tracium" });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ API key +the tracium exporter is selected but TRACIUM_API_KEY is not set/);
    expect(r.stdout).toContain("1 problem:");
  });

  it("checks the endpoint: reachable, key rejected, unreachable, insecure; never prints the key", async () => {
    const ok = await startCollector(200);
    const rejected = await startCollector(401);
    try {
      const key = "tr-secret-key-abcdef";
      const good = await tracium(["doctor", "--no-load"], { TRACIUM_API_KEY: key, TRACIUM_BASE_URL: ok.url });
      expect(good.code, good.stdout).toBe(0);
      expect(good.stdout).toMatch(/✓ exporter +tracium \(default: an API key is set\)/);
      expect(good.stdout).toMatch(/✓ API key +TRACIUM_API_KEY is set \(20 characters, not shown\)/);
      expect(good.stdout).toMatch(new RegExp(`✓ endpoint +${ok.url} is reachable \\(HTTP 200\\)`));
      expect(ok.requests[0]?.headers["x-api-key"]).toBe(key);
      expect(good.stdout + good.stderr).not.toContain(key);

      const bad = await tracium(["doctor", "--no-load"], { TRACIUM_API_KEY: key, TRACIUM_BASE_URL: rejected.url });
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain("answered HTTP 401: the API key was rejected");

      const port = await closedPort();
      const down = await tracium(["doctor", "--no-load", "--timeout", "1000"], { TRACIUM_API_KEY: key, TRACIUM_BASE_URL: `http://127.0.0.1:${port}` });
      expect(down.code).toBe(1);
      expect(down.stdout).toMatch(/✗ endpoint +http:\/\/127\.0\.0\.1:\d+ is not reachable: ECONNREFUSED/);

      const insecure = await tracium(["doctor", "--no-load"], { TRACIUM_API_KEY: key, TRACIUM_BASE_URL: "http://traces.example.com" });
      expect(insecure.code).toBe(1);
      expect(insecure.stdout).toContain("is plain http:// to a non-loopback host");
    } finally {
      await ok.close();
      await rejected.close();
    }
  });

  it("reports bad environment values as problems", async () => {
    const r = await tracium(["doctor", "--no-load"], { TRACIUM_SAMPLE_RATE: "lots", TRACIUM_EXPORTER: "file,carrier-pigeon" });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ configuration +option TRACIUM_SAMPLE_RATE|✗ configuration +option sampleRate/);
    expect(r.stdout).toContain("carrier-pigeon");
  });
});
