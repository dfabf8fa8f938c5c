/**
 * Cloudflare Workers, for real: the fixtures' agent as a Worker (bundled with esbuild for the
 * `workerd` conditions: the core's edge build, no `node:` import), served by the registry's
 * `workerd`, calling the local fake provider through `openai` traced with `instrument()`, its
 * traces delivered after each response through `ctx.waitUntil` (`tracium.withTraceFlush`) to a
 * local collector.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../examples/fake-provider/index.mjs";
import { startCollector } from "../zero-code/helpers.js";
import { EXPECTED_ANSWER, RUNTIME_FIXTURES, expectAgentTraces, freePort, installedBinary } from "./helpers.js";

const workerd = installedBinary("workerd");
const TIMEOUT = 120_000;

function capnp(port: number, bindings: Record<string, string>): string {
  const text = Object.entries(bindings)
    .map(([k, v]) => `(name = ${JSON.stringify(k)}, text = ${JSON.stringify(v)})`)
    .join(", ");
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker), (name = "net", network = (allow = ["public", "private", "local"])) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2026-11-01",
  compatibilityFlags = [],
  globalOutbound = "net",
  bindings = [ ${text} ],
);
`;
}

describe.skipIf(!workerd)("Cloudflare Workers (the registry's workerd)", () => {
  let provider: FakeProvider;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let child: ChildProcess | undefined;
  let dir: string;
  let url: string;
  let log = "";

  beforeAll(async () => {
    provider = await startFakeProvider({ latencyMs: 5 });
    collector = await startCollector();
    dir = mkdtempSync(join(tmpdir(), "tracium-workerd-"));
    await build({
      entryPoints: [join(RUNTIME_FIXTURES, "worker", "worker.mjs")],
      bundle: true,
      format: "esm",
      // As wrangler bundles a Worker: the `workerd` build of each package, no node: module left.
      platform: "browser",
      conditions: ["workerd", "worker"],
      outfile: join(dir, "worker.js"),
      logLevel: "silent",
    });
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    writeFileSync(join(dir, "config.capnp"), capnp(port, { OPENAI_BASE_URL: provider.openaiBaseURL, TRACIUM_API_KEY: "tr-worker-key", TRACIUM_BASE_URL: collector.url }));
    child = spawn(workerd!, ["serve", join(dir, "config.capnp")], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (log += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (log += d));
    // Ready when it answers; a loaded machine can take a while to start the runtime.
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await fetch(`${url}ready`, { method: "HEAD" });
        break;
      } catch {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`workerd did not start:\n${log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }, TIMEOUT);

  afterAll(async () => {
    child?.kill("SIGTERM");
    await provider?.close();
    await collector?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function waitForCompletes(count: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (collector.requests.filter((q) => /\/complete$/.test(q.path)).length < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("traces the agent inside a Worker and delivers after the response (waitUntil)", { timeout: TIMEOUT }, async () => {
    collector.requests.length = 0;
    const res = await fetch(url);
    expect(res.status, log).toBe(200);
    expect(await res.json()).toEqual({ answer: EXPECTED_ANSWER });
    await waitForCompletes(1);
    expect(collector.requests.length, log).toBeGreaterThan(0);
    expectAgentTraces(collector.requests);
    expect(log).not.toMatch(/unref is not a function|Uncaught/);
  });

  it("every later request is traced and delivered too (the delivery context is not tied to the first request)", { timeout: TIMEOUT }, async () => {
    collector.requests.length = 0;
    for (let i = 0; i < 3; i++) expect(await (await fetch(url)).json()).toEqual({ answer: EXPECTED_ANSWER });
    await waitForCompletes(3);
    expect(collector.requests.filter((q) => /\/complete$/.test(q.path)).length, log).toBe(3);
    expectAgentTraces(collector.requests, 3);
  });

  it("delivers every trace when requests overlap", { timeout: TIMEOUT }, async () => {
    collector.requests.length = 0;
    const answers = await Promise.all(Array.from({ length: 8 }, async () => (await fetch(url)).json()));
    expect(answers).toEqual(Array(8).fill({ answer: EXPECTED_ANSWER }));
    await waitForCompletes(8);
    expect(collector.requests.filter((q) => /\/complete$/.test(q.path)).length, log).toBe(8);
    expectAgentTraces(collector.requests, 8);
  });
});
