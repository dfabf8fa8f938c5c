/** Shared pieces of the runtime scenarios: run a runtime's binary, and check what reached the collector. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { expect } from "vitest";
import { childEnv, TESTS_DIR, type Rec, type RunResult } from "../zero-code/helpers.js";

export const RUNTIME_FIXTURES = resolve(TESTS_DIR, "runtimes", "fixtures");

/** The binary a registry package installed into integration-tests/node_modules/.bin, if it is there. */
export function installedBinary(name: string): string | undefined {
  const bin = join(TESTS_DIR, "node_modules", ".bin", name);
  return existsSync(bin) ? bin : undefined;
}

/** Runs `bin ...args` in integration-tests/ and collects its output (killed after `timeoutMs`). */
export function runBinary(bin: string, args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd ?? TESTS_DIR, env: childEnv(opts.env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** What the fixtures' agent answers (the fake provider quotes the tool result). */
export const EXPECTED_ANSWER = 'Here is what I found: {"city":"Paris","forecast":"sunny"}. Anything else I can help with?';

type Requests = Array<{ method: string; path: string; body: Rec }>;

/**
 * Asserts the collector got exactly `count` complete agent traces of the fixtures' agent (or the
 * same agent under another name): one
 * trace per run, two `llm` spans (gpt-4o-mini, with tokens, the second streamed) and the tool
 * span between them, all direct children of the trace, and the trace completed.
 */
export function expectAgentTraces(requests: Requests, count = 1, agentName = "runtime-agent"): void {
  const creates = requests.filter((q) => q.method === "POST" && q.path === "/agents/traces");
  const completes = requests.filter((q) => /\/complete$/.test(q.path));
  expect(creates.map((q) => q.body.agent_name)).toEqual(Array(count).fill(agentName));
  expect(completes).toHaveLength(count);
  for (const create of creates) {
    const id = create.body.trace_id as string;
    const done = new Map<string, Rec>();
    const spans = requests.filter((q) => q.path === `/agents/traces/${id}/spans`).flatMap((q) => q.body.spans as Rec[]);
    // A span may be sent twice (started, then completed): the completed one counts.
    for (const s of spans) if (s.status === "completed") done.set(s.id as string, s);
    const list = [...done.values()].sort((a, b) => String(a.started_at).localeCompare(String(b.started_at)));
    expect(list.map((s) => `${s.span_type}:${s.name}`)).toEqual(["llm:openai.chat.completions", "tool:get_weather", "llm:openai.chat.completions"]);
    for (const s of list) expect(s.parent_span_id).toBeNull();
    for (const s of list.filter((s) => s.span_type === "llm")) {
      expect(s.model_id).toMatch(/^gpt-4o-mini/);
      expect(s.input_tokens).toBeGreaterThan(0);
      expect(s.output_tokens).toBeGreaterThan(0);
    }
    const complete = completes.find((q) => q.path === `/agents/traces/${id}/complete`);
    expect(complete?.body.summary.llm_calls).toBe(2);
  }
}
