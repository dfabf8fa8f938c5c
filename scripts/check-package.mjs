// `check:package` of every package, run in the package's folder: publint on the package, then
// attw on the tarball as it is released (`pnpm pack`: workspace ranges rewritten), not on an
// `npm pack` of the folder (which the packages' prepack refuses; see pack-guard.mjs).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", shell: process.platform === "win32" });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run("publint", ["--strict"]);
const dir = mkdtempSync(join(tmpdir(), "tracium-check-"));
try {
  run("pnpm", ["pack", "--pack-destination", dir]);
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`pnpm pack wrote no tarball into ${dir}`);
  run("attw", [join(dir, tarball), "--profile", "node16"]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
