#!/usr/bin/env node
// One entry point for a fresh machine that has only Node >= 20 and npm:
//   npm run demo   installs, builds and runs the demo agent, then shows its trace
//   npm test       installs, builds, type-checks, checks the packages, runs the suite on this Node, Node 22 and Node 24
//   npm run bench  installs, builds and runs the benchmarks
//   npm run pack   installs, builds and packs every package into .cache/pack/ (the release tarballs)
// It fetches pnpm (and Node 22 and 24 for the other test runs) from the npm registry itself.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packArgs } from "./pack.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Pinned here rather than in package.json's `packageManager`: pnpm 12 records that pin in the
// lockfile from registry metadata, which not every registry serves.
const PNPM_VERSION = "12.21.0";
// The LTS lines users run: the suite runs on each besides this machine's Node (once if it is one of them).
const NODE_MAJORS_EXTRA = ["22", "24"];
const cacheDir = join(root, ".cache");

function run(cmd, args, opts = {}) {
  console.log(`\n$ ${[cmd, ...args].join(" ")}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(cmd, args, opts) {
  const status = run(cmd, args, opts);
  if (status !== 0) {
    console.error(`\nfailed (${status}): ${cmd} ${args.join(" ")}`);
    process.exit(status);
  }
}

function capture(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** pnpm at the pinned version: the one on PATH if it matches, else a local install from the registry. */
function pnpm() {
  if (capture("pnpm", ["--version"]) === PNPM_VERSION) return "pnpm";
  const prefix = join(cacheDir, `pnpm-${PNPM_VERSION}`);
  const bin = join(prefix, "node_modules", ".bin", "pnpm");
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    must("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix, `pnpm@${PNPM_VERSION}`]);
  }
  // Tools the scripts start (publint packs with `pnpm pack`) look pnpm up on the PATH.
  process.env.PATH = `${dirname(bin)}${delimiter}${process.env.PATH ?? ""}`;
  return bin;
}

/** A Node binary of the given major (`24`) or exact version (`20.6.0`), from the registry's `node` package, cached under .cache/. */
function nodeBinary(version) {
  const prefix = join(cacheDir, `node${version}`);
  const bin = join(prefix, "node_modules", ".bin", "node");
  const found = existsSync(bin) ? capture(bin, ["--version"]) : undefined;
  if (!(found === `v${version}` || found?.startsWith(`v${version}.`))) {
    mkdirSync(prefix, { recursive: true });
    must("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix, `node@${version}`]);
  }
  return bin;
}

/** The oldest Node the packages claim to run on: the root package.json's `engines` (`>=20.6.0`). */
function minimumNode() {
  const range = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines.node;
  const version = /^>=\s*(\d+\.\d+\.\d+)$/.exec(range)?.[1];
  if (!version) throw new Error(`engines.node should be ">=x.y.z", not ${range}`);
  return version;
}

function setup() {
  const p = pnpm();
  const ci = process.env.CI === "true" || process.env.CI === "1";
  must(p, ["install", ...(ci ? ["--frozen-lockfile"] : [])]);
  must(p, ["-r", "--filter", "./packages/**", "run", "build"]);
  return p;
}

function vitest(nodeBin, label, outFile, env) {
  console.log(`\n=== tests on ${label} ===`);
  return run(
    nodeBin,
    [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${outFile}`],
    { env: { ...process.env, ...env } },
  );
}

function totals(file) {
  try {
    const r = JSON.parse(readFileSync(file, "utf8"));
    return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

const command = process.argv[2];
if (command === "test") {
  const p = setup();
  must(p, ["run", "typecheck"]);
  must(p, ["-r", "--filter", "./packages/**", "run", "check:package"]);
  // Each benchmark once with a tiny count: proves they still run (figures are not checked).
  must(p, ["--filter", "@tracium/bench", "run", "bench:smoke"]);
  mkdirSync(cacheDir, { recursive: true });
  const currentMajor = process.versions.node.split(".")[0];
  // The first run also runs the packed apps on the oldest Node `engines` allows (vitest itself
  // needs a newer one) and the type checks; the other runs skip what does not depend on Node.
  const first = { TEST_MIN_NODE: nodeBinary(minimumNode()) };
  const extra = { TEST_LEG: "extra" };
  const runs = [
    [process.execPath, `Node ${process.version}`, join(cacheDir, "vitest-node-current.json"), first],
    ...NODE_MAJORS_EXTRA.filter((major) => major !== currentMajor).map((major) => {
      const bin = nodeBinary(major);
      return [bin, `Node ${capture(bin, ["--version"]) ?? major}`, join(cacheDir, `vitest-node${major}.json`), extra];
    }),
  ];
  let failedRuns = 0;
  const sum = { passed: 0, failed: 0, skipped: 0 };
  for (const [bin, label, out, env] of runs) {
    if (vitest(bin, label, out, env) !== 0) failedRuns++;
    const t = totals(out);
    console.log(`${label}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
    sum.passed += t.passed;
    sum.failed += t.failed;
    sum.skipped += t.skipped;
  }
  console.log(`\nTotal: ${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`);
  process.exit(failedRuns > 0 || sum.failed > 0 ? 1 : 0);
} else if (command === "demo") {
  const p = setup();
  must(p, ["--filter", "@tracium/examples", "run", "demo"]);
} else if (command === "bench") {
  const p = setup();
  // Zero code's start-up differs by Node line (its ES module hooks run on the app's thread where
  // Node allows it): the benchmark measures it on the other LTS lines too.
  const currentMajor = process.versions.node.split(".")[0];
  const nodes = NODE_MAJORS_EXTRA.filter((major) => major !== currentMajor).map((major) => nodeBinary(major));
  process.env.BENCH_NODES = JSON.stringify(nodes);
  must(p, ["--filter", "@tracium/bench", "run", "bench", ...process.argv.slice(3)]);
} else if (command === "pack") {
  const p = setup();
  const destination = join(root, ".cache", "pack");
  rmSync(destination, { recursive: true, force: true });
  must(p, packArgs(destination));
  console.log(`\nTarballs in ${destination} (publish with: pnpm -r --filter "./packages/**" publish)`);
} else {
  console.error("usage: node scripts/dev.mjs test|demo|bench|pack");
  process.exit(2);
}
