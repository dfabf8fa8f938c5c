/**
 * The packages as a user gets them: packed with the release command, installed with npm into a new
 * app outside the workspace (fixture.ts), then used there: an ES module app, a CommonJS app, zero
 * code (`--import` and `-r`), and the `tracium` command through `npx @tracium/sdk`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/server.js";
import { APP_NAME, cleanEnv, packedApp, run, scenario, type PackedApp } from "./fixture.js";

type Rec = Record<string, unknown>;

let app: PackedApp;
let provider: ScriptedServer;
let work: ReturnType<typeof scenario>;

beforeAll(async () => {
  app = await packedApp();
  work = scenario(app);
  // The provider: a local OpenAI-compatible endpoint answering every chat completion the same way.
  provider = await startScriptedServer((_body, res) => {
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        id: "chatcmpl-packed",
        object: "chat.completion",
        created: 0,
        model: "gpt-4o-mini",
        choices: [{ index: 0, message: { role: "assistant", content: "Hello from a packed app" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 },
      }),
    );
  });
}, 300_000);

afterAll(async () => {
  await provider?.close();
  work?.cleanup();
});

/** Runs `node ...args` in the app's folder, as its user would, with the trace file in this scenario's folder. */
function node(args: string[], traceFile: string, nodeBin = process.execPath) {
  const env = cleanEnv({ OPENAI_API_KEY: "sk-packed", OPENAI_BASE_URL: `${provider.origin}/v1`, TRACIUM_FILE: traceFile, NO_COLOR: "1" });
  return run(nodeBin, args, { cwd: app.dir, env });
}

function records(file: string): Rec[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Rec);
}

function traces(file: string): Array<{ agent: unknown; llm: Rec[]; ended: boolean }> {
  const all = records(file);
  return all
    .filter((r) => r.type === "trace_start")
    .map((start) => ({
      agent: start.agent_name,
      llm: all.filter((r) => r.type === "span" && r.trace_id === start.trace_id && r.span_type === "llm"),
      ended: all.some((r) => r.type === "trace_end" && r.trace_id === start.trace_id),
    }));
}

function tarballEntries(file: string): string[] {
  return spawnSync("tar", ["-tzf", file], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
}

function packedManifest(file: string): Rec & { name: string; version: string; dependencies?: Record<string, string>; scripts?: Record<string, string> } {
  return JSON.parse(spawnSync("tar", ["-xzOf", file, "package/package.json"], { encoding: "utf8" }).stdout) as never;
}

describe("the packed packages", () => {
  it("are every package under packages/, with LICENSE, README and dist only (no source maps), and no workspace: range", () => {
    const names = Object.keys(app.sources);
    expect(names.length).toBeGreaterThanOrEqual(6);
    const versions = Object.fromEntries(names.map((n) => [n, packedManifest(app.tarballs[n]!).version]));
    for (const name of names) {
      const file = app.tarballs[name];
      expect(file, `${name} was not packed`).toBeDefined();
      const entries = tarballEntries(file!);
      expect(entries, name).toEqual(expect.arrayContaining(["package/LICENSE", "package/README.md", "package/package.json"]));
      expect(entries.filter((e) => !/^package\/(LICENSE|README\.md|package\.json|dist\/.+)$/.test(e)), name).toEqual([]);
      expect(entries.filter((e) => e.endsWith(".map")), name).toEqual([]);
      const manifest = packedManifest(file!);
      expect(JSON.stringify(manifest), name).not.toContain("workspace:");
      expect(manifest.scripts?.prepack, `${name}: the packed manifest keeps no prepack`).toBeUndefined();
      for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
        if (dep.startsWith("@tracium/")) expect(range, `${name} → ${dep}`).toBe(versions[dep]);
      }
    }
  });

  it("have types that import only their own dependencies, never an optional peer (a user may not have it)", () => {
    for (const name of Object.keys(app.sources)) {
      const dir = join(app.dir, "node_modules", name);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
      const allowed = new Set(Object.keys(manifest.dependencies ?? {}));
      for (const file of readdirSync(join(dir, "dist")).filter((f) => /\.d\.c?ts$/.test(f))) {
        const code = readFileSync(join(dir, "dist", file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
        const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map((m) => m[1]!);
        const packages = specifiers.filter((s) => !s.startsWith(".") && !s.startsWith("node:")).map((s) => s.split("/").slice(0, s.startsWith("@") ? 2 : 1).join("/"));
        expect(packages.filter((p) => !allowed.has(p)), `${name}/dist/${file}`).toEqual([]);
      }
    }
  });

  it("install with npm, with no engine warning on this Node", () => {
    expect(app.installOutput).not.toMatch(/EBADENGINE|unsupported engine/i);
    expect(app.installOutput).not.toMatch(/npm (warn|error)/i);
    for (const name of Object.keys(app.sources)) expect(existsSync(join(app.dir, "node_modules", name, "package.json")), name).toBe(true);
  });
});

describe("an app that installed @tracium/sdk and openai", () => {
  it("ES module app: init, instrument(OpenAI), agentTrace: one trace with the llm span", async () => {
    const file = join(work.cwd, "esm", "traces.jsonl");
    const r = await node(["esm-app.mjs"], file);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ answer: "Hello from a packed app", handler: "tracium" });
    expect(traces(file)).toEqual([{ agent: "esm-bot", llm: [expect.objectContaining({ model_id: "gpt-4o-mini", input_tokens: 9, output_tokens: 5 })], ended: true }]);
  });

  it("CommonJS app: the same through require()", async () => {
    const file = join(work.cwd, "cjs", "traces.jsonl");
    const r = await node(["cjs-app.cjs"], file);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ answer: "Hello from a packed app", handler: "tracium" });
    expect(traces(file)).toEqual([{ agent: "cjs-bot", llm: [expect.objectContaining({ model_id: "gpt-4o-mini", input_tokens: 9, output_tokens: 5 })], ended: true }]);
  });

  it("zero code (--import and -r): traces named after the app's package.json, a notice on the first run only, .tracium/.gitignore", async () => {
    const file = join(work.cwd, "zero", ".tracium", "traces.jsonl");
    const first = await node(["--import", "@tracium/sdk/auto", "plain.mjs"], file);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ answer: "Hello from a packed app" });
    expect(first.stderr.match(/no TRACIUM_API_KEY set/g)).toHaveLength(1);
    expect(first.stderr).toContain("npx @tracium/sdk view");

    const second = await node(["-r", "@tracium/sdk/auto", "plain.cjs"], file);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({ answer: "Hello from a packed app" });
    expect(second.stderr).not.toContain("no TRACIUM_API_KEY set"); // the file exists now

    const found = traces(file);
    expect(found.map((t) => t.agent)).toEqual([APP_NAME, APP_NAME]);
    expect(found.every((t) => t.ended && t.llm.length === 1 && t.llm[0]!.model_id === "gpt-4o-mini")).toBe(true);
    expect(readFileSync(join(work.cwd, "zero", ".tracium", ".gitignore"), "utf8").split("\n")).toContain("*");
  });

  it("`npx @tracium/sdk view` and `doctor` run the installed command, with no registry reachable", async () => {
    const file = join(work.cwd, "npx", "traces.jsonl");
    expect((await node(["esm-app.mjs"], file)).code).toBe(0);
    // A registry that refuses connections: a command that npx had to fetch would fail here.
    const env = cleanEnv({ npm_config_registry: "http://127.0.0.1:9/", npm_config_update_notifier: "false", TRACIUM_FILE: file, NO_COLOR: "1" });
    const view = await run("npx", ["@tracium/sdk", "view"], { cwd: app.dir, env });
    expect(view.code, view.stderr).toBe(0);
    expect(view.stdout).toMatch(/^esm-bot {2}completed/m);
    const doctor = await run("npx", ["@tracium/sdk", "doctor", "--no-load"], { cwd: app.dir, env });
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/✓ Node\.js/);
    expect(doctor.stdout).toMatch(/✓ openai\s+openai \d/);
  });
});

// `npm test` passes the oldest Node that `engines` allows (vitest cannot run on it).
const minNode = process.env.TEST_MIN_NODE;

describe.skipIf(!minNode)("on the oldest Node that engines allows (TEST_MIN_NODE, set by npm test)", () => {
  it("the ES module app, the CommonJS app and zero code (--import, -r) run and trace", async () => {
    const version = spawnSync(minNode!, ["--version"], { encoding: "utf8" }).stdout.trim();
    const engines = (JSON.parse(readFileSync(join(app.dir, "node_modules", "@tracium", "sdk", "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
    expect(engines).toBe(`>=${version.slice(1)}`);
    const file = join(work.cwd, "oldest", "traces.jsonl");
    for (const args of [["esm-app.mjs"], ["cjs-app.cjs"], ["--import", "@tracium/sdk/auto", "plain.mjs"], ["-r", "@tracium/sdk/auto", "plain.cjs"]]) {
      const r = await node(args, file, minNode);
      expect(r.code, `${version} ${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(r.stderr, args.join(" ")).not.toMatch(/\[tracium\] error/);
    }
    expect(traces(file).map((t) => [t.agent, t.llm.length, t.ended])).toEqual([
      ["esm-bot", 1, true],
      ["cjs-bot", 1, true],
      [APP_NAME, 1, true],
      [APP_NAME, 1, true],
    ]);
  });
});
