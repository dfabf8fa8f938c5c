/**
 * Serverless mode with the API in trouble (issue 13, item 3). In serverless mode (`forceSync`,
 * or detected from the platform's environment) each trace is delivered before `agentTrace`
 * resolves. Before the fix a dead, failing or hanging API added 10 s to every trace (a Lambda with
 * its default 3 s timeout failed every invocation). Now: a per-trace budget (default 1 s), one
 * attempt on the caller's path, and a circuit breaker so that later traces add ~0 ms until the
 * API answers again. The figures are measured in bench/delivery.mjs; the bounds here leave room
 * for a loaded machine.
 */
import { afterEach, describe, expect, it } from "vitest";
import { TraciumClient, init, resolveConfig, shutdown, span, type TraciumOptions } from "@tracium/sdk";
import { answerOk, startApi, startFault, FAULTS, type ApiServer } from "./faults.js";

const KEY = "tr-failsafe-key-0002";
/** Time added to the first trace: its budget plus room for a loaded machine. */
const SLACK_MS = 1_500;
/** Time a later trace may take while the breaker is open: ~0 ms by design. */
const OPEN_BREAKER_MS = 250;

const clients: TraciumClient[] = [];
const servers: ApiServer[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.shutdown(200)));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function serverless(api: ApiServer, extra: TraciumOptions = {}): TraciumClient {
  const client = new TraciumClient(resolveConfig({ apiKey: KEY, baseUrl: api.url, forceSync: true, logLevel: "error", ...extra }));
  clients.push(client);
  return client;
}

/** Runs one small agent trace and returns how long agentTrace took, ms. */
async function timedTrace(client: TraciumClient, i: number): Promise<number> {
  const started = performance.now();
  await client.agentTrace({ agentName: "lambda-fn" }, async (trace) => {
    await trace.span({ spanType: "tool", name: "step" }, (span) => span.recordOutput({ i }));
  });
  return performance.now() - started;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("serverless mode with the API down costs one budget, then ~0 ms per trace", () => {
  for (const fault of FAULTS) {
    it(`API fault: ${fault}`, async () => {
      const api = await startFault(fault);
      servers.push(api);
      const client = serverless(api);
      const first = await timedTrace(client, 0);
      // One attempt on the caller's path: the trace's create, sent once (its other records wait
      // behind it); retries, if any, happen in the background after agentTrace resolved.
      expect(api.requests.length).toBeLessThanOrEqual(1);
      const later: number[] = [];
      for (let i = 1; i <= 10; i++) later.push(await timedTrace(client, i));

      expect(first).toBeLessThan(1_000 + SLACK_MS);
      expect(median(later)).toBeLessThan(OPEN_BREAKER_MS);
      expect(later.reduce((a, b) => a + b, 0)).toBeLessThan(10 * OPEN_BREAKER_MS);
    }, 30_000);
  }

  it("the budget is an option and an environment variable", async () => {
    const api = await startFault("hang");
    servers.push(api);
    const env = { AWS_LAMBDA_FUNCTION_NAME: "fn", TRACIUM_API_KEY: KEY, TRACIUM_BASE_URL: api.url, TRACIUM_SYNC_BUDGET_MS: "300", TRACIUM_LOG_LEVEL: "error" };
    const config = resolveConfig(undefined, env);
    expect(config).toMatchObject({ forceSync: true, syncBudgetMs: 300 });
    const client = new TraciumClient(config);
    clients.push(client);
    const first = await timedTrace(client, 0);
    expect(first).toBeGreaterThanOrEqual(280);
    expect(first).toBeLessThan(300 + SLACK_MS);

    const viaOption = serverless(api, { syncBudgetMs: 200 });
    const t = await timedTrace(viaOption, 0);
    expect(t).toBeGreaterThanOrEqual(180);
    expect(t).toBeLessThan(200 + SLACK_MS);
  }, 30_000);
});

describe("serverless mode with a healthy or recovering API", () => {
  it("a call made outside any trace (zero code's implicit trace) is sent when it ends, not with the next batch", async () => {
    const api = await startApi(answerOk);
    servers.push(api);
    init({ apiKey: KEY, baseUrl: api.url, forceSync: true, logLevel: "error", flushIntervalMs: 60_000 });
    try {
      span({ spanType: "llm", name: "openai.chat.completions", modelId: "gpt-4o-mini" }, () => "hello");
      const until = Date.now() + 2_000;
      while (!api.requests.some((q) => q.path.endsWith("/complete")) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(api.requests.map((q) => q.path.split("/").pop())).toEqual(["traces", "spans", "complete"]);
    } finally {
      await shutdown(200);
    }
  });

  it("a healthy API gets each trace before agentTrace resolves", async () => {
    const api = await startApi(answerOk);
    servers.push(api);
    const client = serverless(api);
    for (let i = 0; i < 5; i++) {
      await timedTrace(client, i);
      expect(api.requests.filter((q) => q.path.endsWith("/complete"))).toHaveLength(i + 1);
    }
    expect(client.stats()).toMatchObject({ queued: 0, failed: 0, dropped: 0, sent: 15 });
  });

  it("once the API answers again (background retries are the probe), traces are delivered before agentTrace resolves again", async () => {
    let down = true;
    const api = await startApi((req, res) => {
      if (!down) return answerOk(req, res);
      res.writeHead(503, { "content-type": "application/json" });
      res.end('{"detail":"unavailable"}');
    });
    servers.push(api);
    const client = serverless(api);
    await timedTrace(client, 0);
    expect(await timedTrace(client, 1)).toBeLessThan(OPEN_BREAKER_MS); // breaker open
    down = false;
    // The queued records are retried in the background; their success closes the breaker.
    const deadline = Date.now() + 20_000;
    while (client.stats().queued > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(client.stats().queued).toBe(0);

    const completes = (): number => api.requests.filter((q) => q.path.endsWith("/complete")).length;
    const before = completes();
    await timedTrace(client, 2);
    expect(completes()).toBe(before + 1);
    expect(client.stats()).toMatchObject({ failed: 0, dropped: 0 });
  }, 30_000);
});
