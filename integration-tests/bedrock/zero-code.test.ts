/**
 * Zero code: unchanged Bedrock apps (ESM and CommonJS) run as subprocesses under
 * `--import @tracium/sdk/auto` / `-r @tracium/sdk/auto` against the fake provider's Bedrock
 * endpoint: one implicit trace per Bedrock call with model and tokens, no span for the S3 call
 * made through the same smithy base, and the same output as untraced.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../examples/fake-provider/index.mjs";
import { readRecords, runNode, tempDir, tracesOf } from "../zero-code/helpers.js";

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
  const file = join(tmp.dir, `bedrock-${++n}.jsonl`);
  // AWS_* settings of this machine are dropped: the apps pass their own fake credentials.
  return { file, env: { BEDROCK_ENDPOINT: provider.bedrockEndpoint, TRACIUM_FILE: file, TRACIUM_AGENT_NAME: "bedrock-zero-code", AWS_PROFILE: "", AWS_SDK_LOAD_CONFIG: "" } };
}

describe("@aws-sdk/client-bedrock-runtime under @tracium/sdk/auto", () => {
  it("ESM: Converse and ConverseStream give one llm span each, S3 none, output unchanged", async () => {
    const plain = await runNode([join(APPS, "bedrock-app.mjs")], { env: env().env });
    expect(plain.code, plain.stderr).toBe(0);
    const { env: e, file } = env();
    const traced = await runNode(["--import", "@tracium/sdk/auto", join(APPS, "bedrock-app.mjs")], { env: e });
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stdout).toBe(plain.stdout);
    const traces = tracesOf(readRecords(file));
    expect(traces.map((t) => t.spans.map((s) => s.name))).toEqual([["bedrock.converse"], ["bedrock.converseStream"]]);
    for (const t of traces) {
      expect(t.start?.agent_name).toBe("bedrock-zero-code");
      expect(t.end?.status).toBe("completed");
      expect(t.spans[0]!.input_tokens).toBeGreaterThan(0);
      expect(t.spans[0]!.output_tokens).toBeGreaterThan(0);
    }
    expect(traces[0]!.spans[0]!.model_id).toBe("us.anthropic.claude-sonnet-4-20250514-v1:0");
  });

  it("CommonJS: -r @tracium/sdk/auto patches the CJS build (the aggregated client)", async () => {
    const { env: e, file } = env();
    const r = await runNode(["-r", "@tracium/sdk/auto", join(APPS, "bedrock-app.cjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).streamed).toContain("Hello there");
    const traces = tracesOf(readRecords(file));
    expect(traces.map((t) => t.spans[0]?.name)).toEqual(["bedrock.converse", "bedrock.converseStream"]);
    expect(traces.every((t) => t.end?.status === "completed")).toBe(true);
  });
});
