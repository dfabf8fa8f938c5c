/**
 * Zero code: unchanged @google/genai apps (ESM, every major installed; CommonJS) run as
 * subprocesses under `--import @tracium/sdk/auto` / `-r @tracium/sdk/auto`, against the fake
 * provider's Gemini endpoint, and give one implicit trace per call with model and tokens, while
 * printing exactly what they print untraced.
 */
import { join } from "node:path";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../examples/fake-provider/index.mjs";
import { readRecords, runNode, tempDir, tracesOf } from "../zero-code/helpers.js";
import { NODE_MAJOR } from "./fixtures.js";

const APPS = join(dirname(fileURLToPath(import.meta.url)), "apps");
let provider: FakeProvider;
let tmp: ReturnType<typeof tempDir>;
let n = 0;

beforeAll(async () => {
  provider = await startFakeProvider({ latencyMs: 5 });
  tmp = tempDir();
});
afterAll(async () => {
  await provider.close();
  tmp.cleanup();
});

function env(): { env: Record<string, string>; file: string } {
  const file = join(tmp.dir, `gemini-${++n}.jsonl`);
  return { file, env: { GEMINI_BASE_URL: provider.url, TRACIUM_FILE: file, TRACIUM_AGENT_NAME: "gemini-zero-code" } };
}

describe("@google/genai under @tracium/sdk/auto", () => {
  it("ESM: every major is patched (plain and streamed calls), output unchanged", async () => {
    const plain = await runNode([join(APPS, "gemini-app.mjs")], { env: env().env });
    expect(plain.code, plain.stderr).toBe(0);
    const { env: e, file } = env();
    const traced = await runNode(["--import", "@tracium/sdk/auto", join(APPS, "gemini-app.mjs")], { env: e });
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stdout).toBe(plain.stdout);
    const majors = NODE_MAJOR >= 22 ? 3 : 2;
    const traces = tracesOf(readRecords(file));
    expect(traces).toHaveLength(2 * majors);
    for (const t of traces) {
      expect(t.start?.agent_name).toBe("gemini-zero-code");
      expect(t.end?.status).toBe("completed");
      expect(t.spans).toHaveLength(1);
      expect(t.spans[0]).toMatchObject({ span_type: "llm", model_id: "gemini-2.5-flash-001", status: "completed" });
      expect(t.spans[0]!.input_tokens).toBeGreaterThan(0);
      expect(t.spans[0]!.output_tokens).toBeGreaterThan(0);
    }
    expect(traces.map((t) => t.spans[0]!.name)).toEqual(Array.from({ length: majors }, () => ["google.models.generateContent", "google.models.generateContentStream"]).flat());
  });

  it("CommonJS: -r @tracium/sdk/auto patches the CJS build", async () => {
    const { env: e, file } = env();
    const r = await runNode(["-r", "@tracium/sdk/auto", join(APPS, "gemini-app.cjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).streamed).toContain("Hello there");
    const traces = tracesOf(readRecords(file));
    expect(traces.map((t) => t.spans[0]?.name)).toEqual(["google.models.generateContent", "google.models.generateContentStream"]);
    expect(traces.every((t) => t.end?.status === "completed")).toBe(true);
  });
});
