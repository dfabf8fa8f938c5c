/**
 * "A new major never means silence", per plugin: an unchanged app run with
 * `--import @tracium/sdk/auto` on
 * - a copy of the real SDK whose version says 99.0.0 (outside every tested range): it is traced,
 *   and one `info` line names the version;
 * - a package of the same name and version whose API changed shape: nothing is patched, one `warn`
 *   line says this version is not traced and why;
 * and in both cases the app prints exactly what it prints without Tracium. `tracium doctor` in the
 * same directory reports each SDK's version, the tested range, and whether the patch took.
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../examples/fake-provider/index.mjs";
import { CLI, readRecords, runNode, tempDir, tracesOf } from "../zero-code/helpers.js";
import { installBroken, installNextMajor } from "./packages.js";
import { SCENARIOS } from "./scenarios.js";

const AUTO = pathToFileURL(createRequire(import.meta.url).resolve("@tracium/sdk/auto")).href;
const VERSION = "99.0.0";
/** Copying a large SDK and starting Node processes on a loaded machine can take a while. */
const SLOW = 180_000;

let provider: FakeProvider;
const dirs: Array<ReturnType<typeof tempDir>> = [];
beforeAll(async () => {
  provider = await startFakeProvider({ latencyMs: 1 });
});
afterAll(async () => {
  await provider.close();
  for (const d of dirs) d.cleanup();
});

function providerEnv(dir: string): Record<string, string> {
  return {
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: provider.openaiBaseURL,
    ANTHROPIC_API_KEY: "sk-ant-test",
    ANTHROPIC_BASE_URL: provider.anthropicBaseURL,
    GROQ_API_KEY: "gsk-test",
    GROQ_BASE_URL: provider.groqBaseURL,
    MISTRAL_SERVER_URL: provider.mistralServerURL,
    OLLAMA_HOST: provider.ollamaHost,
    TRACIUM_FILE: join(dir, "traces.jsonl"),
    TRACIUM_LOG_LEVEL: "info",
  };
}

/** Runs `app.mjs` in `dir` without and with Tracium; returns both runs. */
async function runBoth(dir: string, source: string) {
  writeFileSync(join(dir, "app.mjs"), source);
  const env = providerEnv(dir);
  const plain = await runNode(["app.mjs"], { cwd: dir, env, timeoutMs: SLOW / 2 });
  const traced = await runNode(["--import", AUTO, "app.mjs"], { cwd: dir, env, timeoutMs: SLOW / 2 });
  return { plain, traced, env };
}

const count = (text: string, fragment: string) => text.split(fragment).length - 1;


describe.each(SCENARIOS)("plugin $plugin ($pkg)", (s) => {
  it(`a next major (${VERSION}) of the same shape is traced, with one info line naming the version`, async () => {
    const d = tempDir("tracium-major-");
    dirs.push(d);
    installNextMajor(d.dir, s.pkg, VERSION);
    const { plain, traced, env } = await runBoth(d.dir, s.nextApp);
    expect(plain.code, plain.stderr).toBe(0);
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stdout).toBe(plain.stdout);
    const info = `${s.pkg} ${VERSION} is outside the range plugin "${s.plugin}" is tested with`;
    expect(count(traced.stderr, info), traced.stderr).toBe(1);
    expect(traced.stderr).toContain("its shape matches, so it is traced");
    expect(traced.stderr).not.toContain("is not traced");
    const spans = tracesOf(readRecords(env.TRACIUM_FILE)).flatMap((t) => t.spans);
    expect(spans.map((x) => x.name)).toEqual(s.spans);
  }, SLOW);

  it("a shape-broken version is left alone, with one warn line saying it is not traced and why", async () => {
    const d = tempDir("tracium-broken-");
    dirs.push(d);
    installBroken(d.dir, s.pkg, VERSION, s.broken);
    const { plain, traced, env } = await runBoth(d.dir, s.brokenApp);
    expect(plain.code, plain.stderr).toBe(0);
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stdout).toBe(plain.stdout);
    const warn = `[tracium] warn: ${s.pkg} ${VERSION} is not traced: plugin "${s.plugin}" does not recognise its shape: `;
    expect(count(traced.stderr, warn), traced.stderr).toBe(1);
    expect(traced.stderr).toContain(`${warn}${s.reason}`);
    expect(readRecords(env.TRACIUM_FILE)).toEqual([]);
  }, SLOW);
});

describe("tracium doctor", () => {
  it("lists each provider SDK with its version, the tested range, and whether the patch took", async () => {
    const d = tempDir("tracium-doctor-");
    dirs.push(d);
    installNextMajor(d.dir, "openai", VERSION);
    installNextMajor(d.dir, "groq-sdk", "1.6.0");
    installBroken(d.dir, "ollama", VERSION, SCENARIOS.find((x) => x.plugin === "ollama")!.broken);
    const r = await runNode([CLI, "doctor"], { cwd: d.dir, env: { TRACIUM_FILE: join(d.dir, "t.jsonl") }, timeoutMs: SLOW / 2 });
    expect(r.stdout).toMatch(/! openai +openai 99\.0\.0 installed; plugin "openai" patches it \(outside the tested range >=4 <8\): its shape matches/);
    expect(r.stdout).toMatch(/✓ groq-sdk +groq-sdk 1\.6\.0 installed; plugin "groq" patches it \(inside the tested range >=1 <2\)/);
    expect(r.stdout).toMatch(/✗ ollama +ollama 99\.0\.0 is not traced: plugin "ollama" does not recognise its shape: Ollama\.prototype\.chat.* \(outside the tested range 0\.6\.x\)/);
    expect(r.stdout).toMatch(/· @mistralai\/mistralai +not installed here/);
    expect(r.stdout).not.toContain("[tracium]");
    expect(r.code).toBe(1);
  }, SLOW);
});
