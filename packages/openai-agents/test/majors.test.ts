/**
 * "A new major never means silence" for the Agents SDK, as `integration-tests/majors` checks it for
 * the provider plugins (this package holds the SDK: it needs zod 4, the integration tests zod 3):
 * an unchanged app under `--import @tracium/sdk/auto` on
 * - a copy of the real `@openai/agents` whose version says 99.0.0: traced, one `info` line naming it;
 * - a package of that name and version without the tracing processor API: left alone, one `warn`
 *   line saying it is not traced and why;
 * and in both cases the app prints exactly what it prints without Tracium.
 */
import { realpathSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../../examples/fake-provider/index.mjs";
import { installBroken, installNextMajor } from "../../../integration-tests/majors/packages.js";
import { readRecords, runNode, tempDir, tracesOf } from "../../../integration-tests/zero-code/helpers.js";
import { SKIP_REASON, tooOld } from "./harness.js";

const here = dirname(fileURLToPath(import.meta.url));
const SDK_DIST = join(dirname(createRequire(join(here, "..", "..", "sdk", "package.json")).resolve("@tracium/sdk/package.json")), "dist");
const AUTO = pathToFileURL(join(SDK_DIST, "auto.js")).href;
const CLI = join(SDK_DIST, "cli.js");
const VERSION = "99.0.0";
const SLOW = 180_000;

let provider: FakeProvider;
const dirs: Array<ReturnType<typeof tempDir>> = [];
beforeAll(async () => {
  provider = await startFakeProvider({ latencyMs: 1 });
});
afterAll(async () => {
  await provider?.close();
  for (const d of dirs) d.cleanup();
});

async function runBoth(dir: string, source: string) {
  writeFileSync(join(dir, "app.mjs"), source);
  const env = {
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: provider.openaiBaseURL,
    NODE_ENV: "production",
    TRACIUM_FILE: join(dir, "traces.jsonl"),
    TRACIUM_LOG_LEVEL: "info",
    TRACIUM_OPENAI_AGENTS_EXPORTER: "off",
  };
  // Untraced, the SDK's own tracing is off too (its exporter would post to OpenAI's servers).
  const plain = await runNode(["app.mjs"], { cwd: dir, env: { ...env, OPENAI_AGENTS_DISABLE_TRACING: "1" }, timeoutMs: SLOW / 2 });
  const traced = await runNode(["--import", AUTO, "app.mjs"], { cwd: dir, env, timeoutMs: SLOW / 2 });
  return { plain, traced, file: env.TRACIUM_FILE };
}

const count = (text: string, fragment: string) => text.split(fragment).length - 1;

describe("plugin openai-agents (@openai/agents)", () => {
  it.skipIf(tooOld)(`a next major (${VERSION}) of the same shape is traced, with one info line naming the version${tooOld ? ` (skipped: ${SKIP_REASON})` : ""}`, async () => {
    const d = tempDir("tracium-major-");
    dirs.push(d);
    installNextMajor(d.dir, "@openai/agents", VERSION, realpathSync(join(here, "..", "node_modules", "@openai", "agents")));
    const { plain, traced, file } = await runBoth(
      d.dir,
      `import { Agent, run } from "@openai/agents";
const r = await run(new Agent({ name: "Helper", instructions: "Help.", model: "gpt-4o-mini" }), "How do I get a refund?");
console.log(r.finalOutput);`,
    );
    expect(plain.code, plain.stderr).toBe(0);
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stdout).toBe(plain.stdout);
    const info = `@openai/agents ${VERSION} is outside the range plugin "openai-agents" is tested with`;
    expect(count(traced.stderr, info), traced.stderr).toBe(1);
    expect(traced.stderr).not.toContain("is not traced");
    const traces = tracesOf(readRecords(file));
    expect(traces.map((t) => t.start?.agent_name)).toEqual(["Helper"]);
    expect(traces[0]!.spans.filter((s) => s.span_type === "llm")).toHaveLength(1);

    // tracium doctor in the same directory: the version, the tested range, and that the patch took.
    const doctor = await runNode([CLI, "doctor"], { cwd: d.dir, env: { TRACIUM_FILE: join(d.dir, "t.jsonl"), NODE_ENV: "production" }, timeoutMs: SLOW / 2 });
    expect(doctor.stdout).toMatch(/! @openai\/agents +@openai\/agents 99\.0\.0 installed; plugin "openai-agents" patches it \(outside the tested range >=0\.20 <0\.21\): its shape matches/);
    expect(doctor.stdout).toMatch(/✓ @openai\/agents-core +@openai\/agents-core 0\.20\.0 installed; plugin "openai-agents" patches it \(inside the tested range >=0\.20 <0\.21\)/);
  }, SLOW);

  it("a version without the tracing processor API is left alone, with one warn line saying it is not traced and why", async () => {
    const d = tempDir("tracium-broken-");
    dirs.push(d);
    const body = `class Agent { constructor(o) { this.name = o.name; } }\nasync function run(agent, input) { return { finalOutput: agent.name + " says: " + input }; }`;
    installBroken(d.dir, "@openai/agents", VERSION, {
      ".": { esm: `${body}\nexport { Agent, run };`, cjs: `${body}\nmodule.exports = { Agent, run };` },
    });
    const { plain, traced, file } = await runBoth(d.dir, `import { Agent, run } from "@openai/agents";\nconsole.log((await run(new Agent({ name: "Helper" }), "hi")).finalOutput);`);
    expect(plain.code, plain.stderr).toBe(0);
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stdout).toBe(plain.stdout);
    const warn = `[tracium] warn: @openai/agents ${VERSION} is not traced: plugin "openai-agents" does not recognise its shape: `;
    expect(count(traced.stderr, warn), traced.stderr).toBe(1);
    expect(traced.stderr).toContain(`${warn}addTraceProcessor and setTraceProcessors are missing`);
    expect(readRecords(file)).toEqual([]);
  }, SLOW);
});
