/**
 * Next.js, for real: the example app in examples/nextjs-agent built with `next build` and served
 * with `next start`, its route handlers (Node.js and edge runtimes) calling the local fake
 * provider through `openai`, their traces asserted at a local collector. The batch interval is set
 * far beyond the test's reach, so a trace only arrives if the route's own flush after the response
 * (`after()`, `withTraceFlush`) sent it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../examples/fake-provider/index.mjs";
import { childEnv, startCollector, TESTS_DIR } from "../zero-code/helpers.js";
import { EXPECTED_ANSWER, expectAgentTraces, freePort, runBinary } from "./helpers.js";

const APP = resolve(TESTS_DIR, "..", "examples", "nextjs-agent");
const NEXT = join(APP, "node_modules", ".bin", "next");
const DIST = ".next-test";
const TIMEOUT = 240_000;
const QUESTION = "What is the weather in Paris?";

describe.skipIf(!existsSync(NEXT))("Next.js (next build && next start, examples/nextjs-agent)", () => {
  let provider: FakeProvider;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let server: ChildProcess | undefined;
  let url: string;
  let log = "";

  beforeAll(async () => {
    provider = await startFakeProvider({ latencyMs: 5 });
    collector = await startCollector();
    const env = { NEXT_DIST_DIR: DIST, NEXT_TELEMETRY_DISABLED: "1" };
    const build = await runBinary(NEXT, ["build"], { cwd: APP, env, timeoutMs: TIMEOUT - 30_000 });
    if (build.code !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = spawn(NEXT, ["start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: APP,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: childEnv({
        ...env,
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: provider.openaiBaseURL,
        TRACIUM_API_KEY: "tr-next-key",
        TRACIUM_BASE_URL: collector.url,
        // Ten minutes: only a flush made by the route itself can deliver within the test.
        TRACIUM_FLUSH_INTERVAL_MS: "600000",
      }),
    });
    server.stdout?.setEncoding("utf8").on("data", (d: string) => (log += d));
    server.stderr?.setEncoding("utf8").on("data", (d: string) => (log += d));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await fetch(`${url}/ready`, { method: "HEAD" });
        break;
      } catch {
        if (Date.now() > deadline || server.exitCode !== null) throw new Error(`next start did not start:\n${log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }, TIMEOUT);

  afterAll(async () => {
    if (server?.pid && server.exitCode === null) process.kill(-server.pid, "SIGKILL");
    await provider?.close();
    await collector?.close();
    rmSync(join(APP, DIST), { recursive: true, force: true });
  });

  async function ask(route: string): Promise<unknown> {
    const res = await fetch(`${url}${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question: QUESTION }) });
    expect(res.status, log).toBe(200);
    return res.json();
  }

  async function waitForCompletes(count: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (collector.requests.filter((q) => /\/complete$/.test(q.path)).length < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("node runtime, zero code: instrumentation.js loads @tracium/sdk/auto, the external openai is patched, after() delivers", { timeout: 60_000 }, async () => {
    collector.requests.length = 0;
    expect(await ask("/api/agent")).toEqual({ answer: EXPECTED_ANSWER });
    await waitForCompletes(1);
    expectAgentTraces(collector.requests, 1, "nextjs-agent");
    // Loaded from register(), before any route: not the "imported by the app itself" warning.
    expect(log).not.toMatch(/\[tracium\] (warn|error)/);
  });

  it("node runtime: overlapping requests each deliver their own complete trace", { timeout: 60_000 }, async () => {
    collector.requests.length = 0;
    const answers = await Promise.all([ask("/api/agent"), ask("/api/agent"), ask("/api/agent")]);
    expect(answers).toEqual(Array(3).fill({ answer: EXPECTED_ANSWER }));
    await waitForCompletes(3);
    expectAgentTraces(collector.requests, 3, "nextjs-agent");
  });

  // `next start` gives an edge route no waitUntil (Vercel does): withTraceFlush leaves the flush to
  // the serverless per-trace flush, the default on edge runtimes, and the trace arrives all the same.
  it("edge runtime (what Vercel Edge runs): the SDK's edge build, instrument(), withTraceFlush; the trace is delivered", { timeout: 60_000 }, async () => {
    collector.requests.length = 0;
    expect(await ask("/api/agent-edge")).toEqual({ answer: EXPECTED_ANSWER, runtime: "edge-runtime" });
    await waitForCompletes(1);
    expectAgentTraces(collector.requests, 1, "nextjs-edge-agent");
    // Next.js's edge runtime defines process.on and setImmediate that only throw: neither is used.
    expect(log).not.toMatch(/\[tracium\] (warn|error)/);
  });

  it("edge runtime: overlapping requests each deliver their own complete trace", { timeout: 60_000 }, async () => {
    collector.requests.length = 0;
    const answers = await Promise.all([ask("/api/agent-edge"), ask("/api/agent-edge"), ask("/api/agent-edge")]);
    expect(answers).toEqual(Array(3).fill({ answer: EXPECTED_ANSWER, runtime: "edge-runtime" }));
    await waitForCompletes(3);
    expectAgentTraces(collector.requests, 3, "nextjs-edge-agent");
  });
});
