/**
 * On a Node.js without `module.register` (before 20.6, below `engines`), `--import
 * @tracium/sdk/auto` must not crash the app: it says why ES modules are not patched and the app
 * runs. Simulated by removing `register` from node:module before the entry loads.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, runNode } from "./helpers.js";

describe("zero code on a Node without module.register", () => {
  it("logs one clear line and runs the app unchanged", async () => {
    const r = await runNode(["--require", join(FIXTURES, "no-module-register.cjs"), "--import", "@tracium/sdk/auto", join(FIXTURES, "hello.mjs")], {
      env: { TRACIUM_EXPORTER: "none" },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe("hello");
    expect(r.stderr).toContain("has no module.register (Node 20.6 or later): ES module imports are not patched");
  });
});
