/**
 * Zero code: an unchanged Agents SDK app run with `--import @tracium/sdk/auto` becomes one Tracium
 * trace (not one implicit trace per model call), with one llm span per model call, the tool and
 * the handoff, and prints exactly what it prints untraced.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../../examples/fake-provider/index.mjs";
import { readRecords, runNode, tempDir, tracesOf } from "../../../integration-tests/zero-code/helpers.js";
import { SKIP_REASON, tooOld } from "./harness.js";

const here = dirname(fileURLToPath(import.meta.url));
const app = join(here, "fixtures", "handoff-app.mjs");
const cjsApp = join(here, "fixtures", "handoff-app.cjs");
// The sdk's build, by path: this package is one of its dependencies, not the other way round.
const auto = join(dirname(createRequire(join(here, "..", "..", "sdk", "package.json")).resolve("@tracium/sdk/package.json")), "dist", "auto.js");

describe.skipIf(tooOld)(`zero-code Agents SDK app (${tooOld ? SKIP_REASON : "real @openai/agents"})`, () => {
  let provider: FakeProvider;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    provider = await startFakeProvider();
    tmp = tempDir();
  });
  afterAll(async () => {
    await provider?.close();
    tmp?.cleanup();
  });

  const env = (extra: Record<string, string>) => ({
    OPENAI_API_KEY: "sk-fake-local",
    OPENAI_BASE_URL: provider.openaiBaseURL,
    // As an app runs (vitest's "test" would turn the SDK's tracing off).
    NODE_ENV: "production",
    ...extra,
  });

  it.each([
    ["ES module app, --import", app, "--import"],
    ["CommonJS app, -r", cjsApp, "-r"],
  ])("%s: one trace with agents, one llm span per model call, the tool and the handoff; output unchanged", async (_name, entry, flag) => {
    const plain = await runNode([entry], { cwd: here, env: env({ OPENAI_AGENTS_DISABLE_TRACING: "1" }) });
    expect(plain.code, plain.stderr).toBe(0);
    const file = join(tmp.dir, `traces-${flag}.jsonl`);
    // The SDK's own exporter off (it would post to OpenAI's servers).
    const traced = await runNode([flag, flag === "-r" ? auto.replace(/auto\.js$/, "auto.cjs") : auto, entry], { cwd: here, env: env({ TRACIUM_FILE: file, TRACIUM_EXPORTER: "file", TRACIUM_OPENAI_AGENTS_EXPORTER: "off" }) });
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stdout).toBe(plain.stdout);
    expect(traced.stdout).toContain("sunny in Paris");
    expect(traced.stderr).not.toMatch(/Tracing: request failed/);

    const traces = tracesOf(readRecords(file));
    expect(traces).toHaveLength(1);
    const [trace] = traces;
    expect(trace!.start?.agent_name).toBe("Triage");
    expect(trace!.end?.status).toBe("completed");
    const spans = trace!.spans;
    const llm = spans.filter((s) => s.span_type === "llm");
    expect(llm).toHaveLength(3);
    for (const s of llm) {
      expect(s.model_id).toBe("gpt-4o-mini");
      expect(s.input_tokens).toBeGreaterThan(0);
    }
    expect(spans.filter((s) => s.span_type === "agent").map((s) => s.name)).toEqual(["Triage", "Weather agent"]);
    expect(spans.filter((s) => s.span_type === "tool").map((s) => s.name)).toEqual(["get_weather"]);
    expect(spans.filter((s) => s.span_type === "handoff")).toHaveLength(1);
  });
});
