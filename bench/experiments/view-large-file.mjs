// `tracium view` on a big trace file: wall time and peak RSS of the built command, on a file
// generated here (default 600 MB: more than the ~512 MB a single string can hold, which is what a
// whole-file read needed). A measurement, not a test; the test suite checks a 64 MB file read with
// a 24 MB heap (integration-tests/failsafe/view-malformed.test.ts).
//
//   node experiments/view-large-file.mjs [--mb=600] [--heap=64] [--keep]
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split("=")[1]) : fallback;
};
const megabytes = arg("mb", 600);
const heapMb = arg("heap", 64);
const cli = join(dirname(createRequire(import.meta.url).resolve("@tracium/sdk/package.json")), "dist", "cli.js");

const dir = mkdtempSync(join(tmpdir(), "tracium-view-bench-"));
const file = join(dir, "traces.jsonl");
const T0 = "2026-01-01T00:00:00.000Z";
const T1 = "2026-01-01T00:00:01.000Z";
const output = "lorem ipsum ".repeat(170);

let t = Date.now();
const fd = openSync(file, "w");
let bytes = 0;
let traces = 0;
while (bytes < megabytes * 1024 * 1024) {
  const id = `t-${String(traces).padStart(9, "0")}`;
  const lines = [
    { type: "trace_start", trace_id: id, agent_name: "bulk" },
    { type: "span", trace_id: id, id: `s-${traces}`, span_type: "llm", name: "call", status: "completed", started_at: T0, completed_at: T1, latency_ms: 1000, parent_span_id: null, input_tokens: 1, output_tokens: 2, output },
    { type: "trace_end", trace_id: id, status: "completed", agent_name: "bulk", started_at: T0, completed_at: T1, summary: { llm_calls: 1, input_tokens: 1, output_tokens: 2 } },
  ];
  bytes += writeSync(fd, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
  traces++;
}
closeSync(fd);
console.log(`generated ${(statSync(file).size / 1024 / 1024).toFixed(0)} MB, ${traces.toLocaleString("en-US")} traces in ${((Date.now() - t) / 1000).toFixed(1)} s`);

/** Peak resident set of a running process (Linux), read until it exits. */
function peakRss(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

t = Date.now();
const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, cli, "view", file, "--no-color"], { stdio: ["ignore", "pipe", "pipe"] });
let stdout = "";
let stderr = "";
let peak = 0;
const poll = setInterval(() => (peak = Math.max(peak, peakRss(child.pid))), 20);
child.stdout.setEncoding("utf8").on("data", (d) => {
  peak = Math.max(peak, peakRss(child.pid));
  stdout += d;
});
child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
const code = await new Promise((resolve) => child.on("close", resolve));
clearInterval(poll);
const seconds = (Date.now() - t) / 1000;
console.log(`tracium view (heap limit ${heapMb} MB): exit ${code}, ${seconds.toFixed(1)} s, peak RSS ${(peak / 1024).toFixed(0)} MB`);
console.log(`  last line: ${stdout.trim().split("\n").at(-1)}`);
if (stderr) console.log(`  stderr: ${stderr.slice(0, 500)}`);
if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
else console.log(`  kept ${file}`);
