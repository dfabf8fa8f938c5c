#!/usr/bin/env node
/**
 * Profiles the Tracium side of the benchmarks with `node --cpu-prof` and prints where the time goes
 * (self and inclusive time per function, with file:line in the built packages). Profiles are kept
 * in bench/profiles/ (open them in Chrome DevTools for a flame chart).
 *   spans     nested spans with 5 attributes, sync (benchmark 1a)
 *   in-trace  openai non-stream calls inside one agent trace, HTTP exporter → local collector (2a″)
 *   implicit  openai non-stream calls, each its own implicit trace, HTTP exporter → collector (2a)
 *   export    spans with metadata, input and output, HTTP exporter → collector (benchmark 5)
 * Usage: node profile.mjs [spans|in-trace|implicit|export ...]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { printProfile, summariseProfile } from "./lib/cpuprofile.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const asked = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const workloads = asked.length ? asked : ["spans", "in-trace", "implicit", "export"];

for (const w of workloads) {
  const dir = join(here, "profiles", w);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, join(here, "lib", "profile-workloads.mjs"), w], { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) {
    console.log(`${w}: failed (${r.status})`);
    continue;
  }
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  console.log(`\n===== ${w} (${join("profiles", w, file)}) =====`);
  printProfile(summariseProfile(join(dir, file), { top: 22 }));
}
