/** The runnable example (examples/triage-agent.mjs) runs offline and prints the trace tree. */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runNode } from "../../../integration-tests/zero-code/helpers.js";
import { SKIP_REASON, tooOld } from "./harness.js";

const here = dirname(fileURLToPath(import.meta.url));

describe.skipIf(tooOld)(`example (${tooOld ? SKIP_REASON : "real @openai/agents"})`, () => {
  it("triage-agent.mjs: the answer, then one trace with both agents, the handoff, the tool and three llm calls", async () => {
    const r = await runNode([join(here, "..", "examples", "triage-agent.mjs")], { cwd: join(here, ".."), env: { NODE_ENV: "production" }, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("sunny and 21°C in Paris");
    const tree = r.stderr + r.stdout;
    expect(tree).toMatch(/trace Triage\s+completed/);
    expect(tree).toMatch(/agent Weather agent/);
    expect(tree).toMatch(/handoff/);
    expect(tree).toMatch(/tool get_weather/);
    expect(tree).toContain("3 llm call(s)");
    expect(tree).not.toContain("Tracing: request failed");
  }, 90_000);
});
