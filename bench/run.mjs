#!/usr/bin/env node
/**
 * Runs every benchmark, each in a fresh Node process, and prints one table (also written to
 * results/latest.md and results/latest.json). `--smoke` runs each once with a tiny count, to prove
 * the benchmarks still work (no figures are judged then). `--only=spans,openai` runs a subset.
 * Needs the built packages: `pnpm -r --filter "./packages/**" run build` (the root `pnpm bench`
 * builds them first).
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderTable } from "./lib/table.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const smoke = process.argv.includes("--smoke");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const BENCHES = ["spans", "openai", "memory", "startup", "export", "cost", "delivery"].filter((b) => !only || only.includes(b));

function cpuModel() {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("model name"));
    return line ? line.split(":")[1].trim() : cpus()[0]?.model ?? "unknown";
  } catch {
    return cpus()[0]?.model ?? "unknown";
  }
}

function runBench(name) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(here, `${name}.mjs`), ...(smoke ? ["--smoke"] : [])], { cwd: here, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 15 * 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      const seconds = (Date.now() - started) / 1000;
      if (code !== 0 || !line) resolve({ bench: name, error: `exit ${code}${line ? "" : ", no result"}`, seconds });
      else resolve({ ...JSON.parse(line.slice(7)), seconds });
    });
  });
}

const machine = {
  cpu: cpuModel(),
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  loadAvgStart: loadavg().map((x) => Number(x.toFixed(2))),
  date: new Date().toISOString(),
  smoke,
};
const results = {};
const t0 = Date.now();
for (const name of BENCHES) {
  process.stderr.write(`\n== ${name} ==\n`);
  results[name] = await runBench(name);
  process.stderr.write(`   (${results[name].seconds.toFixed(0)} s${results[name].error ? `, FAILED: ${results[name].error}` : ""})\n`);
}
machine.loadAvgEnd = loadavg().map((x) => Number(x.toFixed(2)));
machine.totalSeconds = Math.round((Date.now() - t0) / 1000);

const table = renderTable(results, machine);
process.stdout.write(`\n${table}\n`);
if (!smoke) {
  mkdirSync(join(here, "results"), { recursive: true });
  writeFileSync(join(here, "results", "latest.json"), `${JSON.stringify({ machine, results }, null, 2)}\n`);
  writeFileSync(join(here, "results", "latest.md"), `${table}\n`);
}
const failed = Object.values(results).filter((r) => r.error);
if (failed.length > 0) {
  process.stderr.write(`\n${failed.length} benchmark(s) failed to run: ${failed.map((r) => r.bench).join(", ")}\n`);
  process.exit(1);
}
