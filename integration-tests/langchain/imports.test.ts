/**
 * Importing @tracium/langchain loads nothing from @langchain/core (the SDK imports it whether or
 * not the app uses LangChain); the first handler loads what it needs.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

describe("import cost", () => {
  it("neither build imports @langchain/* statically", () => {
    const dist = dirname(require.resolve("@tracium/langchain"));
    for (const file of ["index.js", "index.cjs"]) {
      const code = readFileSync(join(dist, file), "utf8");
      expect(code).not.toMatch(/from\s+["']@langchain\//);
      expect(code).not.toMatch(/require\(["']@langchain\//);
      expect(code).not.toMatch(/import\(["']@langchain\//);
    }
  });

  it("require() loads nothing from @langchain/core; the first handler loads the base class and the patched classes", async () => {
    const fixture = fileURLToPath(new URL("./fixtures/import-cost.cjs", import.meta.url));
    const { stdout } = await run(process.execPath, [fixture], { cwd: fileURLToPath(new URL("..", import.meta.url)) });
    const { afterImport, afterHandler } = JSON.parse(stdout) as { afterImport: string[]; afterHandler: string[] };
    expect(afterImport).toEqual([]);
    expect(afterHandler).toEqual(
      expect.arrayContaining(["callbacks/base.cjs", "language_models/chat_models.cjs", "language_models/llms.cjs", "tools/index.cjs"]),
    );
    expect(afterHandler.some((f) => f.endsWith(".js"))).toBe(false); // never the other (ESM) build
  });
});
