/**
 * What a Worker or an edge function loads: the fixtures' Worker (`@tracium/sdk`, `openai`)
 * bundled with esbuild for the browser platform under the `workerd` and the `edge-light` export
 * conditions. Neither bundle may import a `node:` module, and loading
 * one may start no timer, draw no random values and do no I/O (both runtimes forbid that at module
 * scope), even where there is no `process` at all.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { runNode } from "../zero-code/helpers.js";
import { RUNTIME_FIXTURES } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tracium-edge-bundle-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Bundle {
  file: string;
  /** What the bundle still imports at run time (esbuild's metafile). */
  imports: string[];
  /** The source files that went into it (relative to the working directory). */
  inputs: string[];
}

async function bundle(conditions: string[]): Promise<Bundle> {
  const file = join(dir, `${conditions[0]}.mjs`);
  // The browser platform: a node: import that is not left external fails the build by itself.
  const result = await build({
    entryPoints: [join(RUNTIME_FIXTURES, "worker", "worker.mjs")],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions,
    outfile: file,
    metafile: true,
    logLevel: "silent",
  });
  const outputs = Object.values(result.metafile.outputs);
  return { file, imports: outputs.flatMap((o) => o.imports.map((i) => i.path)), inputs: Object.keys(result.metafile.inputs) };
}

/**
 * Imports `file` in a fresh Node.js with `process` hidden and every timer, `fetch` and Web Crypto
 * call recorded (and refused) while the module loads; prints what was called.
 */
const LOADER = `
const calls = [];
const refuse = (name) => (...args) => { calls.push(name); throw new Error(name + " at module scope"); };
for (const name of ["setTimeout", "setInterval", "setImmediate", "fetch"]) globalThis[name] = refuse(name);
const crypto = globalThis.crypto;
Object.defineProperty(globalThis, "crypto", { value: { getRandomValues: refuse("crypto.getRandomValues"), randomUUID: refuse("crypto.randomUUID"), subtle: crypto.subtle }, configurable: true });
const write = process.stdout.write.bind(process.stdout);
Object.defineProperty(globalThis, "process", { value: undefined, configurable: true });
let error;
let handler;
try {
  const mod = await import(process_argv_file);
  handler = typeof mod.default?.fetch;
} catch (err) {
  error = String(err);
}
write(JSON.stringify({ calls, error, handler }));
`;

async function loadWithoutSideEffects(file: string): Promise<unknown> {
  const script = join(dir, `load-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(script, LOADER.replace("process_argv_file", JSON.stringify(pathToFileURL(file).href)));
  const r = await runNode([script]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe.each([
  ["workerd", ["workerd", "worker"]],
  ["edge-light", ["edge-light"]],
])("the %s build", (_name, conditions) => {
  it("bundles for the browser platform with no node: import, from the SDK's and the core's edge builds", { timeout: 60_000 }, async () => {
    const { imports, inputs } = await bundle(conditions);
    expect(imports.filter((p) => p.startsWith("node:"))).toEqual([]);
    // The SDK's and the core's edge builds are the ones picked, not their Node.js builds.
    const ours = inputs.filter((p) => /packages\/(core|sdk)\/dist\//.test(p)).map((p) => p.replace(/^(\.\.\/)*/, ""));
    expect(ours.sort()).toEqual(["packages/core/dist/edge.js", "packages/sdk/dist/edge.js"]);
  });

  it("loads with no timer, no random values, no I/O and no `process`", { timeout: 60_000 }, async () => {
    const { file } = await bundle(conditions);
    expect(await loadWithoutSideEffects(file)).toEqual({ calls: [], handler: "function" });
  });
});
