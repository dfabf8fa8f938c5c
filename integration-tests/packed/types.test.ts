/**
 * Strict TypeScript users compile: a consumer app (fixtures/types/consumer.ts) is type-checked
 * against the packed packages, installed with npm next to `openai` only (fixture.ts), with
 * `strict` and without `skipLibCheck`, as an ES module and as CommonJS under node16 and nodenext,
 * and under bundler resolution. A published declaration that needs an optional peer (LangChain,
 * Anthropic, MCP), `@types/node` or a newer `lib` fails here.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ROOT, cleanEnv, packedApp, run, type PackedApp } from "./fixture.js";

const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

let app: PackedApp;
let dir: string;

beforeAll(async () => {
  if (otherRun) return;
  app = await packedApp();
  // Inside the app, so that its node_modules are the ones resolved.
  dir = mkdtempSync(join(app.dir, "types-"));
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cases: Array<{ name: string; module: string; moduleResolution: string; files: string[] }> = [
  { name: "nodenext", module: "nodenext", moduleResolution: "nodenext", files: ["consumer.mts", "consumer.cts"] },
  { name: "node16", module: "node16", moduleResolution: "node16", files: ["consumer.mts", "consumer.cts"] },
  { name: "bundler", module: "esnext", moduleResolution: "bundler", files: ["consumer.ts"] },
];

// Type checks do not depend on the Node that runs tsc: `npm test` runs them in its first run only.
const otherRun = process.env.TEST_LEG === "extra";

describe.skipIf(otherRun)("a strict TypeScript app with only openai installed compiles against the packed packages", () => {
  it.each(cases)("module $module, moduleResolution $moduleResolution ($files)", async ({ name, module, moduleResolution, files }) => {
    const project = join(dir, name);
    rmSync(project, { recursive: true, force: true });
    mkdirSync(project);
    for (const file of files) copyFileSync(join(FIXTURES, "types", "consumer.ts"), join(project, file));
    const compilerOptions = { strict: true, skipLibCheck: false, noEmit: true, target: "es2022", module, moduleResolution, types: [] };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, files }, null, 2));
    const r = await run(process.execPath, [TSC, "-p", project, "--pretty", "false"], { cwd: project, env: cleanEnv(), timeoutMs: 120_000 });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe("");
    expect(r.code).toBe(0);
    // A full type check of the packed packages: well under a minute alone, slower on a loaded 2-core machine.
  }, 150_000);
});
