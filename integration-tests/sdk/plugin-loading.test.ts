/**
 * `@tracium/sdk` loads a plugin's code only when it is needed (issue 16, "nothing regresses": idle
 * heap and start-up). Checked in fresh processes through the built package, as users load it: which
 * files of the `@tracium/*` packages a process has run (the inspector lists every script V8
 * parsed), what `instrument()` and zero code load, that the stand-ins the sdk exports behave as the
 * plugin packages' own exports, and that a bundle (which cannot load anything later) holds them all.
 */
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import * as eager from "../../packages/sdk/dist/eager.js";
import * as sdk from "@tracium/sdk";
import { readRecords, runNode, tempDir, TESTS_DIR } from "../zero-code/helpers.js";

/** Prints `SCRIPTS [...]`: the `<package>/dist/<file>` of every `@tracium/*` script this process parsed. */
const PRINT_SCRIPTS = `
const { Session } = await import("node:inspector");
const session = new Session();
session.connect();
const urls = [];
session.on("Debugger.scriptParsed", (m) => urls.push(m.params.url));
await new Promise((r) => session.post("Debugger.enable", r));
session.disconnect();
const files = urls.map((u) => /(?:packages|@tracium)\\/([a-z-]+)\\/dist\\/([\\w.-]+)$/.exec(u)).filter(Boolean).map((m) => m[1] + "/" + m[2]);
process.stdout.write("SCRIPTS " + JSON.stringify([...new Set(files)].sort()) + "\\n");`;

function scripts(stdout: string): string[] {
  const line = stdout.split("\n").find((l) => l.startsWith("SCRIPTS "));
  return line ? (JSON.parse(line.slice(8)) as string[]) : [];
}

const tmp = tempDir("tracium-plugin-loading-");
afterAll(() => tmp.cleanup());

describe("a plugin's code is loaded when it is needed, and only then", () => {
  it("importing the sdk and init() load @tracium/core and nothing of the plugins or the prices", async () => {
    const code = `import * as tracium from "@tracium/sdk";
tracium.init({ apiKey: "tr-loading-key", baseUrl: "http://127.0.0.1:9", logLevel: "silent" });
${PRINT_SCRIPTS}`;
    const run = await runNode(["--input-type=module", "-e", code]);
    expect(run.stderr).toBe("");
    expect(scripts(run.stdout)).toEqual(["core/index.js", "sdk/index.js"]);
  });

  it("instrument() of a value no plugin could patch (undefined, a string) loads none of them", async () => {
    const code = `import * as tracium from "@tracium/sdk";
tracium.init({ apiKey: "tr-loading-key", baseUrl: "http://127.0.0.1:9", logLevel: "silent" });
process.stdout.write("TOOK " + JSON.stringify([tracium.instrument(undefined), tracium.instrument("openai"), tracium.uninstrument(42)]) + "\\n");
${PRINT_SCRIPTS}`;
    const run = await runNode(["--input-type=module", "-e", code]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("TOOK [false,false,false]");
    expect(scripts(run.stdout)).toEqual(["core/index.js", "sdk/index.js"]);
  });

  it("instrument(OpenAI) loads @tracium/openai alone, the ES module build (one copy of core), and patches the class", async () => {
    const code = `import * as tracium from "@tracium/sdk";
import OpenAI from "openai";
tracium.init({ apiKey: "tr-loading-key", baseUrl: "http://127.0.0.1:9", logLevel: "silent" });
const took = tracium.instrument(OpenAI);
const { isOpenAIInstrumented } = await import("@tracium/openai");
process.stdout.write("TOOK " + JSON.stringify([took, isOpenAIInstrumented(OpenAI)]) + "\\n");
${PRINT_SCRIPTS}`;
    const run = await runNode(["--input-type=module", "-e", code]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("TOOK [true,true]");
    expect(scripts(run.stdout)).toEqual(["core/index.js", "openai/index.js", "sdk/index.js"]);
  });

  it("the CommonJS build loads the plugin's CommonJS build on first use, and nothing before", async () => {
    // instrument() asks the plugins in registration order (openai first), loading each it asks.
    const code = `const tracium = require("@tracium/sdk");
const before = Object.keys(require.cache).filter((f) => /(packages|@tracium)\\/[a-z-]+\\/dist\\//.test(f)).length;
tracium.init({ apiKey: "tr-loading-key", baseUrl: "http://127.0.0.1:9", logLevel: "silent" });
const took = tracium.instrument(require("openai"));
const after = Object.keys(require.cache).filter((f) => /(packages|@tracium)\\/[a-z-]+\\/dist\\//.test(f)).map((f) => f.replace(/.*\\/([a-z-]+)\\/dist\\//, "$1/")).sort();
process.stdout.write(JSON.stringify({ before, took, after }) + "\\n");`;
    const run = await runNode(["-e", code]);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ before: 2, took: true, after: ["core/index.cjs", "openai/index.cjs", "sdk/index.cjs"] });
  });

  it("zero code loads the plugin of each SDK the app imports, and the call is traced", async () => {
    const file = join(tmp.dir, "zero-code.jsonl");
    const code = `import Anthropic from "@anthropic-ai/sdk";
const client = new Anthropic({ apiKey: "sk-test", baseURL: "http://127.0.0.1:9", maxRetries: 0 });
await client.messages.create({ model: "claude-test", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }).catch(() => {});
${PRINT_SCRIPTS}`;
    const run = await runNode(["--import", "@tracium/sdk/auto", "--input-type=module", "-e", code], { env: { TRACIUM_FILE: file, TRACIUM_AGENT_NAME: "loading" } });
    expect(run.code, run.stderr).toBe(0);
    expect(scripts(run.stdout)).toEqual(["anthropic/index.js", "core/index.js", "sdk/auto.js"]);
    const llm = readRecords(file).filter((r) => r.type === "span" && r.span_type === "llm");
    expect(llm.map((s) => s.name)).toContain("anthropic.messages");
  });
});

describe("the stand-ins @tracium/sdk exports", () => {
  it("are the same names as the bundlers' entry, which re-exports the plugin packages' own", () => {
    expect(Object.keys(sdk).sort()).toEqual(Object.keys(eager).sort());
  });

  it("each stand-in plugin has the real plugin's name, modules and tested versions, in the same order", () => {
    expect(sdk.builtinPlugins.map((p) => [p.name, p.modules, p.testedVersions])).toEqual(eager.builtinPlugins.map((p) => [p.name, p.modules, p.testedVersions]));
  });

  it("classes: new, instanceof, extends and copy() give the package's own objects; the processor is the package's", async () => {
    // In a child: Node.js loads the packages as users get them (the test runner would give this
    // file its own copies of the plugin packages).
    const code = `import * as sdk from "@tracium/sdk";
import * as lc from "@tracium/langchain";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
// Not a dependency of the tests: found from the sdk, as the sdk finds it.
const agentsDir = dirname(createRequire(import.meta.resolve("@tracium/sdk")).resolve("@tracium/openai-agents/package.json"));
const agents = await import(pathToFileURL(join(agentsDir, "dist", "index.js")).href);
const handler = new sdk.TraciumCallbackHandler({ maxRuns: 5 });
class Mine extends sdk.TraciumCallbackHandler {
  extra() { return "mine"; }
}
const mine = new Mine();
const out = {
  instance: handler instanceof lc.TraciumCallbackHandler && handler instanceof sdk.TraciumCallbackHandler,
  proto: Object.getPrototypeOf(handler) === lc.TraciumCallbackHandler.prototype,
  name: [handler.name, sdk.TraciumCallbackHandler.name],
  copy: handler.copy() instanceof lc.TraciumCallbackHandler,
  sub: [mine instanceof lc.TraciumCallbackHandler, mine instanceof Mine, mine.extra(), typeof mine.handleLLMStart],
  global: sdk.globalHandler() === lc.globalHandler(),
  processor: [sdk.traciumProcessor() === agents.traciumProcessor(), sdk.traciumProcessor() instanceof sdk.TraciumTracingProcessor, new sdk.TraciumTracingProcessor() instanceof agents.TraciumTracingProcessor],
};
process.stdout.write(JSON.stringify(out) + "\\n");`;
    const run = await runNode(["--input-type=module", "-e", code]);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      instance: true,
      proto: true,
      name: ["tracium", "TraciumCallbackHandler"],
      copy: true,
      sub: [true, true, "mine", "function"],
      global: true,
      processor: [true, true, true],
    });
  });

  it("functions call the package's own and carry its names", () => {
    expect(sdk.instrumentOpenAI({})).toBe(false);
    expect(sdk.uninstrumentGroq(undefined)).toBe(false);
    expect(sdk.wrapAiSdk.name).toBe("wrapAiSdk");
    expect(sdk.instrumentOpenAI.name).toBe("instrumentOpenAI");
  });
});

describe("a bundle of an app holds every plugin (the module condition gives bundlers the eager entry)", () => {
  it("runs from a folder with no node_modules: instrument(OpenAI) takes it, and every plugin is in the bundle", async () => {
    const dir = join(tmp.dir, "bundle");
    mkdirSync(dir, { recursive: true });
    const entry = join(tmp.dir, "bundle-entry.mjs");
    writeFileSync(
      entry,
      `import * as tracium from "@tracium/sdk";
import OpenAI from "openai";
tracium.init({ apiKey: "tr-loading-key", baseUrl: "http://127.0.0.1:9", logLevel: "warn" });
process.stdout.write("TOOK " + JSON.stringify([tracium.instrument(OpenAI), tracium.builtinPlugins.every((p) => typeof p.testedVersions === "object")]) + "\\n");`,
    );
    const outfile = join(dir, "app.mjs");
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile,
      metafile: true,
      logLevel: "silent",
      nodePaths: [join(TESTS_DIR, "node_modules")],
      banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
      // Optional peers of the SDKs the bundle does not use.
      external: ["@langchain/core", "@langchain/core/*", "@pydantic/genai-prices"],
    });
    const inputs = Object.keys(result.metafile.inputs);
    for (const pkg of ["openai", "anthropic", "langchain", "mcp", "google-genai", "ai-sdk", "bedrock", "groq", "mistral", "ollama", "openai-agents", "cost"]) {
      expect(inputs.some((f) => new RegExp(`(packages|@tracium)/${pkg}/dist/index\\.js$`).test(f)), pkg).toBe(true);
    }
    expect(inputs.some((f) => /sdk\/dist\/eager\.js$/.test(f))).toBe(true);
    cpSync(outfile, join(dir, "copy.mjs"));
    const run = await runNode([join(dir, "copy.mjs")], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("TOOK [true,true]");
  });
});
