/**
 * A brand-new app outside the workspace that installed the packages as a user does: every package
 * under packages/ packed with the release command (scripts/pack.mjs), the tarballs installed **with
 * npm**, together with `openai` (the workspace's installed copy, packed; its only dependency-free
 * major here). Nothing of the workspace is reachable from the app: it lives in the system temp dir.
 *
 * The install is shared: the app dir is keyed by a hash of the tarballs, this file and the Node
 * version, so the test files of one run (and a rerun with nothing rebuilt) install once; a lock
 * directory makes concurrent test files wait for the one that installs.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { packArgs } from "../../scripts/pack.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, "..", "..");
export const FIXTURES = join(here, "fixtures");
/** The app's package name: the default agent name of its traces under `node app.mjs`. */
export const APP_NAME = "my-shop";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface PackedApp {
  /** The app's folder (its package.json, node_modules, and the tarballs under tarballs/). */
  dir: string;
  /** Tarball file of each package, by package name (our packages and openai). */
  tarballs: Record<string, string>;
  /** The package folders the tarballs were packed from (packages/*), by package name. */
  sources: Record<string, string>;
  /** What `npm install` printed (stdout and stderr). */
  installOutput: string;
}

/** Runs a command and collects its output; never rejects on a non-zero exit. */
export function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/**
 * This environment as a user's shell would have it: without what npm, vitest or a Tracium setup
 * of this machine put there (`npm_package_name` would name the traces; TRACIUM_* would configure them).
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(npm_|TRACIUM_|OPENAI_|ANTHROPIC_|NODE_OPTIONS$|NODE_PATH$|VITEST|INIT_CWD$|PNPM_)/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** pnpm: the one on the PATH (scripts/dev.mjs puts its own there), else the one it installed under .cache/. */
function pnpm(): string {
  if (spawnSync("pnpm", ["--version"], { encoding: "utf8" }).status === 0) return "pnpm";
  const cache = join(ROOT, ".cache");
  for (const dir of existsSync(cache) ? readdirSync(cache) : []) {
    const bin = join(cache, dir, "node_modules", ".bin", "pnpm");
    if (dir.startsWith("pnpm-") && existsSync(bin)) return bin;
  }
  throw new Error("no pnpm: run `npm test` (or `npm run demo`) once, which installs it under .cache/");
}

/** Package folders under packages/ that are published (not private), by package name. */
export function packageFolders(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(ROOT, "packages"))) {
    const file = join(ROOT, "packages", name, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name: string; private?: boolean };
    if (!pkg.private) out[pkg.name] = join(ROOT, "packages", name);
  }
  return out;
}

function packAll(into: string): Record<string, string> {
  const bin = pnpm();
  // pnpm runs the packages' prepack; the PATH must let it find itself.
  const env = bin === "pnpm" ? process.env : { ...process.env, PATH: `${dirname(bin)}${delimiter}${process.env.PATH ?? ""}` };
  const r = spawnSync(bin, packArgs(into), { cwd: ROOT, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`pnpm pack failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  // openai from the workspace's install: no network needed, and it has no dependencies.
  const openaiDir = realpathSync(join(ROOT, "integration-tests", "node_modules", "openai"));
  const o = spawnSync("npm", ["pack", openaiDir, "--pack-destination", into, "--ignore-scripts", "--silent"], { cwd: into, env: cleanEnv(), encoding: "utf8" });
  if (o.status !== 0) throw new Error(`npm pack of openai failed (${o.status}):\n${o.stderr}`);
  const tarballs: Record<string, string> = {};
  for (const file of readdirSync(into).sort()) {
    if (!file.endsWith(".tgz")) continue;
    const name = spawnSync("tar", ["-xzOf", join(into, file), "package/package.json"], { encoding: "utf8" }).stdout;
    tarballs[(JSON.parse(name) as { name: string }).name] = join(into, file);
  }
  return tarballs;
}

function hashOf(tarballs: Record<string, string>): string {
  const h = createHash("sha256");
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  h.update(process.version);
  for (const [name, file] of Object.entries(tarballs).sort(([a], [b]) => a.localeCompare(b))) h.update(name).update(readFileSync(file));
  return h.digest("hex").slice(0, 16);
}

/** The app's package.json: it depends on @tracium/sdk and openai only; the other @tracium packages come from their tarballs. */
function appManifest(tarballs: Record<string, string>): string {
  const spec = (name: string) => `file:tarballs/${tarballs[name]!.split(/[\\/]/).pop()}`;
  const overrides: Record<string, string> = {};
  for (const name of Object.keys(tarballs)) if (name.startsWith("@tracium/") && name !== "@tracium/sdk") overrides[name] = spec(name);
  return `${JSON.stringify(
    { name: APP_NAME, version: "1.0.0", private: true, dependencies: { "@tracium/sdk": spec("@tracium/sdk"), openai: spec("openai") }, overrides },
    null,
    2,
  )}\n`;
}

let shared: Promise<PackedApp> | undefined;

/** The packed and npm-installed app (built once per process; shared between processes through the app dir). */
export function packedApp(): Promise<PackedApp> {
  shared ??= build();
  return shared;
}

async function build(): Promise<PackedApp> {
  const packDir = mkdtempSync(join(tmpdir(), "tracium-pack-"));
  try {
    const packed = packAll(packDir);
    const dir = join(tmpdir(), `tracium-packed-app-${hashOf(packed)}`);
    removeStaleApps(dir);
    const sources = packageFolders();
    const ready = join(dir, ".ready");
    if (!existsSync(ready)) await installOnce(dir, packed);
    const tarballs: Record<string, string> = {};
    for (const [name, file] of Object.entries(packed)) tarballs[name] = join(dir, "tarballs", file.split(/[\\/]/).pop()!);
    return { dir, tarballs, sources, installOutput: readFileSync(ready, "utf8") };
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}

/** Apps installed by earlier builds, untouched for a day, are removed. */
function removeStaleApps(keep: string): void {
  for (const name of readdirSync(tmpdir())) {
    const dir = join(tmpdir(), name);
    if (!name.startsWith("tracium-packed-app-") || dir === keep || name.endsWith(".lock")) continue;
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs > 86_400_000) rmSync(dir, { recursive: true, force: true });
  }
}

async function installOnce(dir: string, packed: Record<string, string>): Promise<void> {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(join(dir, ".ready"))) return;
      // A lock left by a killed run is taken over after a while.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 240_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (existsSync(join(dir, ".ready"))) return;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, "tarballs"), { recursive: true });
    for (const file of Object.values(packed)) writeFileSync(join(dir, "tarballs", file.split(/[\\/]/).pop()!), readFileSync(file));
    writeFileSync(join(dir, "package.json"), appManifest(packed));
    const r = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=warn"], { cwd: dir, timeoutMs: 240_000 });
    const output = `${r.stdout}\n${r.stderr}`;
    if (r.code !== 0) throw new Error(`npm install of the packed packages failed (${r.code}):\n${output}`);
    writeFileSync(join(dir, ".ready"), output);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A fresh working directory for one scenario (the app's scripts are copied into the app dir). */
export function scenario(app: PackedApp): { cwd: string; cleanup: () => void } {
  const cwd = mkdtempSync(join(tmpdir(), "tracium-packed-run-"));
  for (const file of readdirSync(FIXTURES)) {
    if (!/\.(mjs|cjs)$/.test(file)) continue;
    const text = readFileSync(join(FIXTURES, file), "utf8");
    const target = join(app.dir, file);
    if (!existsSync(target) || readFileSync(target, "utf8") !== text) writeFileSync(target, text);
  }
  return { cwd, cleanup: () => rmSync(cwd, { recursive: true, force: true }) };
}
