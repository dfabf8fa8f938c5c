/**
 * The file exporter under concurrent writers and failing writes: real processes appending big
 * batches to one file at once, a real file size limit (RLIMIT_FSIZE, which cuts a write short just
 * as a full disk does), and a file some other writer left ending mid-line.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FileExporter, TraciumClient, resolveConfig } from "@tracium/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TESTS_DIR, childEnv, runNode, tempDir } from "../zero-code/helpers.js";

const WRITER = join(import.meta.dirname, "fixtures", "append-traces.mjs");
let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir("tracium-failsafe-file-");
});
afterAll(() => tmp.cleanup());

interface Counters {
  queued: number;
  sent: number;
  failed: number;
  dropped: number;
}

function parseLines(file: string): { lines: number; torn: string[] } {
  const torn: string[] = [];
  let lines = 0;
  if (!existsSync(file)) return { lines, torn };
  const text = readFileSync(file, "utf8");
  for (const line of text.split("\n")) {
    if (line === "") continue;
    lines++;
    try {
      JSON.parse(line);
    } catch {
      torn.push(`${line.slice(0, 60)}…${line.slice(-60)}`);
    }
  }
  return { lines, torn };
}

/** Runs the writer under `sh` with a file size limit of `blocks` × 512 bytes. */
function runLimited(blocks: number, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", `ulimit -f ${blocks} && exec "$0" "$1"`, process.execPath, WRITER], {
      cwd: TESTS_DIR,
      env: childEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("file exporter: concurrent processes", () => {
  it("six processes appending multi-megabyte batches at once leave only whole lines", async () => {
    const file = join(tmp.dir, "shared.jsonl");
    const writers = 6;
    const rounds = 2;
    const traces = 2;
    const spans = 40;
    // Twice, every writer begins writing at the same moment, a batch of ~5 MB each (lines of ~60 KB).
    const startAt = String(Date.now() + 2500);
    const runs = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        runNode([WRITER], { env: { TRACIUM_FILE: file, TAG: `w${i}`, ROUNDS: String(rounds), TRACES: String(traces), SPANS: String(spans), SPAN_BYTES: "60000", START_AT: startAt }, timeoutMs: 60_000 }),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const { lines, torn } = parseLines(file);
    expect(torn).toEqual([]);
    expect(lines).toBe(writers * rounds * traces * (spans + 2));
  }, 90_000);
});

describe("file exporter: process.exit() during a write", () => {
  it("the exit path writes what the interrupted asynchronous write had not written yet", async () => {
    const file = join(tmp.dir, "exit-during.jsonl");
    const traces = 4;
    const spans = 50;
    const r = await runNode([WRITER], { env: { TRACIUM_FILE: file, TRACES: String(traces), SPANS: String(spans), SPAN_BYTES: "50000", EXIT_SYNC: "during" } });
    expect(r.code, r.stderr).toBe(0);
    const { lines, torn } = parseLines(file);
    expect(torn).toEqual([]);
    expect(lines).toBe(traces * (spans + 2));
  });
});

// A real file size limit (RLIMIT_FSIZE through the shell's ulimit) cuts a write short the way a full disk does.
describe.skipIf(process.platform === "win32")("file exporter: a write cut short by a full disk or a size limit", () => {
  const traces = 3;
  const spans = 10;
  const records = traces * (spans + 2);
  const env = (file: string, extra: Record<string, string> = {}) => ({ TRACIUM_FILE: file, TRACES: String(traces), SPANS: String(spans), SPAN_BYTES: "3000", ...extra });

  for (const exit of ["shutdown()", "process.exit()"]) {
    it(`keeps whole lines, removes the cut one and counts only what is missing as failed (${exit})`, async () => {
      const file = join(tmp.dir, `limited-${exit.length}.jsonl`);
      // 50 KiB: the batch (~100 KB) is cut inside a line.
      const r = await runLimited(100, env(file, exit === "process.exit()" ? { EXIT_SYNC: "1" } : {}));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("[tracium]");
      const counters = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Counters;
      const { lines, torn } = parseLines(file);
      expect(torn).toEqual([]);
      expect(readFileSync(file).at(-1)).toBe(0x0a);
      expect(lines).toBeGreaterThan(0);
      expect(lines).toBeLessThan(records);
      // What reached the file is not failed; everything else is.
      expect(counters.failed).toBe(records - lines);
    });
  }

  it.skipIf(!existsSync("/dev/full"))("on /dev/full (ENOSPC) counts every record failed and the program carries on", async () => {
    const r = await runNode([WRITER], { env: env("/dev/full") });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[tracium\].*ENOSPC/);
    const counters = JSON.parse(r.stdout.trim()) as Counters;
    expect(counters.failed).toBe(records);
  });
});

describe("file exporter: a file left ending mid-line", () => {
  it("starts its first line on a new line, so it is not glued to the cut one", async () => {
    const file = join(tmp.dir, "cut.jsonl");
    writeFileSync(file, '{"type":"trace_start","trace_id":"a"}\n{"type":"span","trace_id":"a","na');
    const exporter = new FileExporter({ path: file });
    const client = new TraciumClient(resolveConfig({ exporter: "none" }), [exporter]);
    await client.agentTrace({ agentName: "after-cut" }, (t) => t.span({ name: "step" }, () => undefined));
    await client.shutdown();
    const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
    expect(lines[1]).toBe('{"type":"span","trace_id":"a","na');
    const rest = lines.slice(2).map((l) => JSON.parse(l) as { type: string });
    expect(rest.map((r) => r.type)).toEqual(["trace_start", "span", "trace_end"]);
  });
});
