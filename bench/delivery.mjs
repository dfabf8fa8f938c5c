/**
 * Delivery under API faults (issue 13, items 1 and 3), measured, never asserted:
 * - exit latency: an app with TRACIUM_API_KEY that never calls flush()/shutdown(), in a fresh
 *   process per run; the time from its last call to its exit, per fault (design: ≤ 2 s), next to
 *   the same app with tracing off (the process teardown alone);
 * - serverless overhead: `forceSync` clients in this process; what `agentTrace` takes for the first
 *   trace after the API fails (design: ≤ the 1 s budget) and for the traces after it (design: ~0 ms
 *   while the circuit breaker is open), per fault.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tracium from "@tracium/core";
import { emit, log, smoke } from "./lib/cli.mjs";
import { FAULTS, startFault } from "./lib/fault-servers.mjs";
import { summary } from "./lib/stats.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const EXIT_RUNS = smoke ? 1 : 5;
const LATER_TRACES = smoke ? 3 : 30;

function exitLatency(env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, "lib", "exit-app.mjs")], { cwd: here, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("close", () => {
      clearTimeout(timer);
      const last = /LAST (\d+)/.exec(out);
      resolve(last ? Date.now() - Number(last[1]) : NaN);
    });
  });
}

async function timedTrace(client, i) {
  const started = performance.now();
  await client.agentTrace({ agentName: "bench-lambda" }, async (trace) => {
    await trace.span({ spanType: "tool", name: "step" }, (span) => span.recordOutput({ i }));
  });
  return performance.now() - started;
}

const exitMs = {};
const serverless = {};
const off = [];
for (let r = 0; r < EXIT_RUNS; r++) off.push(await exitLatency({ TRACIUM_EXPORTER: "none" }));
exitMs["tracing off"] = summary(off);
for (const fault of FAULTS) {
  const api = await startFault(fault);
  const runs = [];
  for (let r = 0; r < EXIT_RUNS; r++) runs.push(await exitLatency({ TRACIUM_API_KEY: "tr-bench-key", TRACIUM_BASE_URL: api.url, TRACIUM_LOG_LEVEL: "silent" }));
  exitMs[fault] = { ...summary(runs), max: Math.max(...runs) };
  log(`exit after the last call, ${fault}: ${runs.map((x) => Math.round(x)).join(", ")} ms`);

  const client = new tracium.TraciumClient(tracium.resolveConfig({ apiKey: "tr-bench-key", baseUrl: api.url, forceSync: true, logLevel: "silent" }));
  const first = await timedTrace(client, 0);
  const later = [];
  for (let i = 1; i <= LATER_TRACES; i++) later.push(await timedTrace(client, i));
  serverless[fault] = { firstMs: first, laterMs: summary(later), laterMaxMs: Math.max(...later) };
  log(`serverless ${fault}: first trace ${first.toFixed(1)} ms, later median ${summary(later).median.toFixed(2)} ms`);
  await client.shutdown(200);
  await api.close();
}
emit({ bench: "delivery", exitMs, serverless, budgetMs: 1000, runs: EXIT_RUNS, laterTraces: LATER_TRACES });
