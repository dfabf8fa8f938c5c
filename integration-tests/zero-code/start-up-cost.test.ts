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
import { runNode, TESTS_DIR } from "./helpers.js";

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

describe("zero code loads its hooks' libraries at the first watched module", () => {
  const sdkDir = (): string => dirname(createRequire(import.meta.url).resolve("@tracium/sdk/package.json"));

  it("require-in-the-middle (and the debug package it brings) is loaded at the first require of a watched package, and that copy is patched", async () => {
    const code = `const loaded = () => Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/](require-in-the-middle|debug)[\\\\/]/.test(f)).length;
const before = loaded();
require("node:path"); require("node:util");
const afterOthers = loaded();
const OpenAI = require("openai");
const { zeroCodeStatus } = require("@tracium/sdk");
const s = zeroCodeStatus();
process.stdout.write(JSON.stringify({ before, afterOthers, after: loaded() > 0, cjs: s.cjs, patched: s.patched.map((p) => p.module + ":" + p.via), openai: typeof OpenAI }) + "\\n");`;
    const run = await runNode(["-r", "@tracium/sdk/auto", "-e", code], { env: { TRACIUM_EXPORTER: "none" } });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ before: 0, afterOthers: 0, after: true, cjs: true, patched: ["openai:require"], openai: "function" });
  });

  // The gate is driven directly, as Node's loader thread drives it, with Node's own resolver as
  // `next`, in a process that runs in integration-tests/ (which has openai and @tracium/sdk).
  const iitmLoader = (): string => pathToFileURL(createRequire(join(sdkDir(), "package.json")).resolve("import-in-the-middle/hook.mjs")).href;
  const driveGate = (trigger: string, loader = iitmLoader()): string => `const gate = await import(${JSON.stringify(pathToFileURL(join(sdkDir(), "dist", "auto-loader.js")).href)});
const next = async (specifier) => ({ url: import.meta.resolve(specifier), format: "module" });
const parentURL = import.meta.url;
await gate.initialize({ include: ["openai", /[\\\\/]node_modules[\\\\/]openai[\\\\/]index\\.mjs$/], loader: ${JSON.stringify(loader)} });
const opened = () => globalThis.__import_in_the_middle_initialized__ === true;
const out = {};
out.other = (await gate.resolve("@tracium/sdk", { parentURL, conditions: ["import"] }, next)).url.includes("iitm");
const passed = await gate.load("node:path", { format: "builtin" }, async (url) => ({ url, format: "builtin", source: null }));
out.loadPassedThrough = passed.format === "builtin";
// Time enough for a loader that was loading anyway to have finished.
await new Promise((r) => setTimeout(r, 300));
out.openedByOthers = opened();
const watched = await gate.resolve(${trigger}, { parentURL, conditions: ["import"] }, next);
out.watchedWrapped = watched.url.includes("?iitm");
out.openedByWatched = opened();
out.afterOpen = (await gate.resolve("@tracium/sdk", { parentURL, conditions: ["import"] }, next)).url.includes("iitm");
process.stdout.write(JSON.stringify(out) + "\\n");`;

  it.each([
    ["by name", '"openai"'],
    ["by file URL (vitest, bundlers)", 'import.meta.resolve("openai")'],
  ])("the loader-thread gate loads import-in-the-middle's loader at the first watched module, %s, which comes back wrapped; other modules pass through", async (_how, trigger) => {
    const run = await runNode(["--input-type=module", "-e", driveGate(trigger)], { cwd: TESTS_DIR });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ other: false, loadPassedThrough: true, openedByOthers: false, watchedWrapped: true, openedByWatched: true, afterOpen: false });
  });

  it("the loader-thread gate, when import-in-the-middle's loader cannot be loaded: the watched import goes on unwrapped, with one error line", async () => {
    const missing = pathToFileURL(join(sdkDir(), "no-such-loader.mjs")).href;
    const run = await runNode(["--input-type=module", "-e", driveGate('"openai"', missing)], { cwd: TESTS_DIR });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ other: false, loadPassedThrough: true, openedByOthers: false, watchedWrapped: false, openedByWatched: false, afterOpen: false });
    expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^\[tracium\] error: zero-code: could not load the ES module hook; ES module imports are not patched: /)]);
  });

  it.each([
    ["registered after Tracium's", ["--import", "@tracium/sdk/auto", "--import", "./zero-code/fixtures/register-virtual-loader.mjs"]],
    ["registered before Tracium's", ["--import", "./zero-code/fixtures/register-virtual-loader.mjs", "--import", "@tracium/sdk/auto"]],
  ])("another loader of the app's, %s, keeps serving its modules, and openai is still patched", async (_when, flags) => {
    const code = `import answer from "virtual:answer";
import OpenAI from "openai";
import { zeroCodeStatus } from "@tracium/sdk";
process.stdout.write(JSON.stringify({ answer, openai: typeof OpenAI, patched: zeroCodeStatus().patched.map((p) => p.module + ":" + p.via) }) + "\\n");`;
    const run = await runNode([...flags, "--input-type=module", "-e", code], { cwd: TESTS_DIR, env: { TRACIUM_EXPORTER: "none" } });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ answer: 42, openai: "function", patched: ["openai:import"] });
  });
});
