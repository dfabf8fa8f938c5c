/**
 * What the SDK costs a process that never sends (issue 16, "nothing regresses"): importing it,
 * init() with an API key and instrument() load none of the network modules (`node:net`,
 * `node:tls`, `node:http`, `node:https`) nor `node:zlib` (`http`, `https` and `zlib` together are
 * ~0.8 MB of heap and 5–20 ms of start-up), nor `node:crypto` (~0.38 MB and ~5 ms) nor
 * `node:perf_hooks` (~70 KB); the first trace loads those two, the first request to an `http:`
 * URL `node:net` alone (no `node:http`), and the trace arrives. Nor does importing it build the ES module facades of
 * `node:fs` and `node:util`, which load streams and more (~3 ms). Checked in fresh processes
 * through the built package, as users load it.
 */
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runNode } from "./helpers.js";

const KEY = "tr-startup-key-0001";
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** The Node built-ins among `names` that this child loaded, printed as LOADED [...]. */
const PRINT_LOADED = `const names = ["net", "tls", "http", "https", "zlib", "crypto", "perf_hooks"];
const loaded = names.filter((n) => process.moduleLoadList.includes("NativeModule " + n));
process.stdout.write("LOADED " + JSON.stringify(loaded) + "\\n");`;

describe("start-up cost of a process that never sends", () => {
  it("import, init() with an API key and instrument() load no HTTP, zlib, crypto or perf_hooks module", async () => {
    const code = `import * as tracium from "@tracium/sdk";
import OpenAI from "openai";
tracium.init({ apiKey: "${KEY}", baseUrl: "http://127.0.0.1:9", logLevel: "silent" });
tracium.instrument(OpenAI);
${PRINT_LOADED}`;
    const run = await runNode(["--input-type=module", "-e", code]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain('LOADED []');
  });

  it("import, init() and instrument() build no ES module facade of node:fs or node:util (no streams, fs/promises or argument parser), nor an AbortController", async () => {
    // A facade reads every export of its built-in: node:fs's loads fs.promises and streams with it.
    // What was loaded before Tracium (Node 22 loads internal/mime at start-up) is not counted.
    const code = `import OpenAI from "openai";
const before = new Set(process.moduleLoadList);
const tracium = await import("@tracium/sdk");
tracium.init({ apiKey: "${KEY}", baseUrl: "http://127.0.0.1:9", logLevel: "silent" });
tracium.instrument(OpenAI);
const names = ["stream", "fs/promises", "internal/util/parse_args/parse_args", "internal/mime", "internal/abort_controller"];
// Listed before process.stdout is touched: the first use of stdout loads node:stream itself.
const loaded = names.filter((n) => !before.has("NativeModule " + n) && process.moduleLoadList.includes("NativeModule " + n));
process.stdout.write("LOADED " + JSON.stringify(loaded) + "\\n");`;
    const run = await runNode(["--input-type=module", "-e", code]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("LOADED []");
  });

  it("the first trace loads node:crypto and node:perf_hooks, the first request node:net only, and the trace is delivered", async () => {
    const paths: string[] = [];
    server = createServer((req, res) => {
      paths.push(req.url ?? "");
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
      });
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const code = `import * as tracium from "@tracium/sdk";
tracium.init({ apiKey: "${KEY}", baseUrl: "http://127.0.0.1:${port}", logLevel: "silent" });
await tracium.agentTrace({ agentName: "lazy" }, async () => tracium.span({ spanType: "tool", name: "t" }, () => 1));
await tracium.flush();
${PRINT_LOADED}
process.stdout.write("STATS " + JSON.stringify(tracium.stats()) + "\\n");`;
    const run = await runNode(["--input-type=module", "-e", code]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain('LOADED ["net","crypto","perf_hooks"]');
    expect(paths.some((p) => p.endsWith("/spans"))).toBe(true);
    expect(run.stdout).toMatch(/STATS \{"queued":0,"sent":\d+,"failed":0,"dropped":0/);
  });
});

describe("where the ES module hooks run", () => {
  it("on this thread where import-in-the-middle can run there (Node >= 22.22.3 / 24.11.1), else on Node's loader thread; imports are patched either way", async () => {
    const sdkDir = dirname(createRequire(import.meta.url).resolve("@tracium/sdk/package.json"));
    const { supportsSyncHooks } = (await import(pathToFileURL(createRequire(join(sdkDir, "package.json")).resolve("import-in-the-middle/supports-sync-hooks.mjs")).href)) as { supportsSyncHooks(): boolean };
    const code = `import OpenAI from "openai";
import { zeroCodeStatus } from "@tracium/sdk";
const s = zeroCodeStatus();
process.stdout.write(JSON.stringify({ hooks: s.esmHooks, patched: s.patched.map((p) => p.module + ":" + p.via), openai: typeof OpenAI }) + "\\n");`;
    const run = await runNode(["--import", "@tracium/sdk/auto", "--input-type=module", "-e", code], { env: { TRACIUM_EXPORTER: "none" } });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ hooks: supportsSyncHooks() ? "in-thread" : "loader-thread", patched: ["openai:import"], openai: "function" });
  });
});
