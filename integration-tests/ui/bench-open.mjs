// How fast `tracium ui` opens a big trace file: 100,000 traces (~200 MB) generated once under
// .cache/ui-bench/, then the time from start to the first list answer, on a first run (which
// builds the index) and on a second (which reuses it). A benchmark, not a test: it prints figures.
//
//   node integration-tests/ui/bench-open.mjs [traces]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { writeBigFile } from "./big-file.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = `${root}packages/sdk/dist/cli.js`;
const count = Number(process.argv[2] ?? 100_000);
const dir = `${root}.cache/ui-bench`;
const file = `${dir}/traces-${count}.jsonl`;

async function generate() {
  mkdirSync(dir, { recursive: true });
  await writeBigFile(file, count);
}

async function open(label) {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, "ui", file, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve) => {
    let text = "";
    child.stdout.on("data", (d) => {
      text += d;
      const m = /Tracium UI: (\S+)/.exec(text);
      if (m) resolve(m[1]);
    });
  });
  const listening = performance.now();
  const answer = await (await fetch(`${url}api/traces?limit=200`)).json();
  const listed = performance.now();
  console.log(`${label}: listening after ${(listening - started).toFixed(0)} ms, first list (${answer.total} traces) after ${(listed - started).toFixed(0)} ms`);
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

if (!existsSync(file)) {
  console.log(`generating ${count} traces…`);
  await generate();
}
console.log(`${file}: ${(statSync(file).size / 1e6).toFixed(0)} MB`);
for (const f of [`${file}.ui-index`]) rmSync(f, { force: true });
await open("first open (builds the index)");
await open("second open (reuses the index)");
