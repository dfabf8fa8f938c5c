// How fast `tracium ui` opens a big trace file: 100,000 traces (~200 MB) generated once under
// .cache/ui-bench/, then the time from start to the first list answer, on a first run (which
// builds the index) and on a second (which reuses it). A benchmark, not a test: it prints figures.
//
//   node integration-tests/ui/bench-open.mjs [traces]
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = `${root}packages/sdk/dist/cli.js`;
const count = Number(process.argv[2] ?? 100_000);
const dir = `${root}.cache/ui-bench`;
const file = `${dir}/traces-${count}.jsonl`;

async function generate() {
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(file);
  const filler = "lorem ipsum dolor sit amet ".repeat(3);
  const t0 = Date.parse("2026-01-01T00:00:00Z");
  for (let i = 0; i < count; i++) {
    const id = `trace-${i}`;
    const at = (ms) => new Date(t0 + i * 1000 + ms).toISOString();
    const lines = [JSON.stringify({ type: "trace_start", trace_id: id, agent_name: `agent-${i % 7}`, tags: [`t${i % 5}`] })];
    for (let s = 0; s < 4; s++) {
      lines.push(
        JSON.stringify({
          type: "span", trace_id: id, id: `${id}-s${s}`, span_type: s % 2 ? "tool" : "llm", name: s % 2 ? "lookup" : "chat", status: "completed",
          started_at: at(s * 100), completed_at: at(s * 100 + 90), latency_ms: 90, parent_span_id: null, metadata: {}, tags: [],
          model_id: "gpt-4o-mini", input: { messages: [{ role: "user", content: `${filler} ${i}` }] }, output: filler, input_tokens: 100, output_tokens: 20,
        }),
      );
    }
    lines.push(JSON.stringify({ type: "trace_end", trace_id: id, status: "completed", agent_name: `agent-${i % 7}`, started_at: at(0), completed_at: at(400), summary: { total_tokens: 240, llm_calls: 2 }, tags: [] }));
    if (!out.write(`${lines.join("\n")}\n`)) await new Promise((r) => out.once("drain", r));
  }
  await new Promise((r) => out.end(r));
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
