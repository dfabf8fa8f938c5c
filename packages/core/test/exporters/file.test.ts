/**
 * The file exporter: JSONL that round-trips, asynchronous batched appends, nothing lost at exit.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileExporter } from "../../src/export/exporters/file.js";
import type { ExportRecord } from "../../src/model/records.js";
import { toSpanBody } from "../../src/export/wire.js";
import { T0, captureLogs, endSpan, endTrace, finishedTraceRecords, makeSpan, makeTrace } from "./fixtures.js";

let dir: string;
let logs: ReturnType<typeof captureLogs>;
const exporters: FileExporter[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tracium-file-"));
  logs = captureLogs();
});

afterEach(async () => {
  for (const e of exporters.splice(0)) await e.shutdown(1_000);
  logs.restore();
  rmSync(dir, { recursive: true, force: true });
});

function make(path: string, flushIntervalMs = 10_000): FileExporter {
  const e = new FileExporter({ path, flushIntervalMs });
  exporters.push(e);
  return e;
}

function readLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("file exporter", () => {
  it("writes one JSON line per record that round-trips, without span_start lines", async () => {
    const path = join(dir, "traces.jsonl");
    const e = make(path);
    const trace = makeTrace({ tags: ["t"], modelId: "gpt-4o" });
    const llm = makeSpan(trace, { spanType: "llm", name: "chat", modelId: "gpt-4o", input: { q: "ünïcode\nline" } });
    const tool = makeSpan(trace, { name: "search", parentSpanId: llm.id, depth: 1 });
    const records = finishedTraceRecords(trace, [llm, tool]);
    endTrace(trace, T0 + 2_000, { summary: { llm_calls: 1 } });
    for (const r of records) e.export(r);
    await e.flush(5_000);

    const lines = readLines(path);
    expect(lines.map((l) => l["type"])).toEqual(["trace_start", "span", "span", "trace_end"]);
    expect(lines[0]).toEqual({ type: "trace_start", agent_name: "support-bot", trace_id: trace.id, model_id: "gpt-4o", tags: ["t"] });
    expect(lines[1]).toEqual({ type: "span", trace_id: trace.id, ...JSON.parse(JSON.stringify(toSpanBody(llm))) });
    expect(lines[2]).toMatchObject({ type: "span", id: tool.id, parent_span_id: llm.id, status: "completed" });
    expect(lines[3]).toEqual({
      type: "trace_end",
      trace_id: trace.id,
      status: "completed",
      agent_name: "support-bot",
      started_at: "2026-03-01T12:00:00.000Z",
      completed_at: "2026-03-01T12:00:02.000Z",
      summary: { llm_calls: 1 },
      tags: ["t"],
      model: "gpt-4o",
      llm_steps: [{ name: "chat", model: "gpt-4o", system_prompt: null }],
    });
    // The span starts were never written: superseded by their ends, not sent.
    expect(e.stats()).toEqual({ queued: 0, sent: lines.length, failed: 0, dropped: 0, superseded: records.length - lines.length });
  });

  it("does no file I/O in export(): the file appears only when the batch is written", async () => {
    const path = join(dir, "nested", "deeper", "traces.jsonl");
    const e = make(path);
    const trace = makeTrace();
    for (const r of finishedTraceRecords(trace, [])) e.export(r);
    expect(existsSync(path)).toBe(false);
    expect(e.stats().queued).toBe(2);

    await e.flush(5_000);
    expect(readLines(path)).toHaveLength(2);
  });

  it("writes on its own after flushIntervalMs", async () => {
    const path = join(dir, "traces.jsonl");
    const e = make(path, 20);
    const trace = makeTrace();
    for (const r of finishedTraceRecords(trace, [makeSpan(trace)])) e.export(r);
    const end = Date.now() + 5_000;
    while (!existsSync(path) || readLines(path).length < 3) {
      if (Date.now() > end) throw new Error("not written");
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(readLines(path)).toHaveLength(3);
  });

  it("appends to an existing file instead of replacing it", async () => {
    const path = join(dir, "traces.jsonl");
    writeFileSync(path, '{"type":"old"}\n');
    const e = make(path);
    for (const r of finishedTraceRecords(makeTrace(), [])) e.export(r);
    await e.flush(5_000);
    for (const r of finishedTraceRecords(makeTrace(), [])) e.export(r);
    await e.flush(5_000);

    expect(readLines(path).map((l) => l["type"])).toEqual(["old", "trace_start", "trace_end", "trace_start", "trace_end"]);
  });

  it("creates the file readable by its owner only (traces hold prompts)", async () => {
    const path = join(dir, "traces.jsonl");
    const e = make(path);
    for (const r of finishedTraceRecords(makeTrace(), [])) e.export(r);
    await e.flush(5_000);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("writes what is pending synchronously from its exit hook", () => {
    const path = join(dir, "exit", "traces.jsonl");
    const before = process.listenerCount("exit");
    const e = make(path);
    const trace = makeTrace();
    for (const r of finishedTraceRecords(trace, [makeSpan(trace)])) e.export(r);
    expect(process.listenerCount("exit")).toBe(before + 1);

    // What process.on("exit") runs: no event-loop turn happens in between.
    e.drainSync();
    expect(readLines(path).map((l) => l["type"])).toEqual(["trace_start", "span", "trace_end"]);
    expect(e.stats()).toMatchObject({ queued: 0, sent: 3, superseded: 1 });
  });

  it("removes its exit hook on shutdown and drops records exported afterwards", async () => {
    const path = join(dir, "traces.jsonl");
    const before = process.listenerCount("exit");
    const e = make(path);
    e.export({ kind: "trace_start", trace: makeTrace() });
    await e.shutdown(5_000);
    expect(process.listenerCount("exit")).toBe(before);
    e.export({ kind: "trace_start", trace: makeTrace() });
    await e.flush(1_000);
    expect(readLines(path)).toHaveLength(1);
    expect(e.stats()).toEqual({ queued: 0, sent: 1, failed: 0, dropped: 1, superseded: 0 });
  });

  it("logs a write error once and counts the records failed", async () => {
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "");
    const e = make(join(blocker, "sub", "traces.jsonl"));
    for (const r of finishedTraceRecords(makeTrace(), [])) e.export(r);
    await e.flush(5_000);
    for (const r of finishedTraceRecords(makeTrace(), [])) e.export(r);
    await e.flush(5_000);

    expect(e.stats()).toEqual({ queued: 0, sent: 0, failed: 4, dropped: 0, superseded: 0 });
    expect(logs.lines.filter((l) => l.includes("could not write traces"))).toHaveLength(1);
  });

  it("counts a record that cannot be serialised as failed and writes the rest", async () => {
    const path = join(dir, "traces.jsonl");
    const e = make(path);
    const trace = makeTrace();
    const span = endSpan(makeSpan(trace, { output: { n: 1n } }), T0 + 5);
    const records: ExportRecord[] = [
      { kind: "trace_start", trace },
      { kind: "span_end", trace, span },
      { kind: "trace_end", trace: endTrace(trace, T0 + 9) },
    ];
    for (const r of records) e.export(r);
    await e.flush(5_000);
    expect(readLines(path).map((l) => l["type"])).toEqual(["trace_start", "trace_end"]);
    expect(e.stats()).toEqual({ queued: 0, sent: 2, failed: 1, dropped: 0, superseded: 0 });
  });

  // A real process that exports and exits without flushing. Node 20 cannot run TypeScript, so the
  // exporter is bundled first with esbuild (resolved through tsup, which depends on it).
  const esbuildPath = ((): string | undefined => {
    try {
      return createRequire(createRequire(import.meta.url).resolve("tsup")).resolve("esbuild");
    } catch {
      return undefined;
    }
  })();

  it.skipIf(!esbuildPath)("keeps every line when a process exits without flushing (real child process)", async () => {
    const esbuild = (await import(esbuildPath!)) as { build: (o: Record<string, unknown>) => Promise<unknown> };
    const bundle = join(dir, "file-exporter.mjs");
    await esbuild.build({
      entryPoints: [fileURLToPath(new URL("../../src/export/exporters/file.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: bundle,
      logLevel: "silent",
    });
    const path = join(dir, "child", "traces.jsonl");
    const script = `
      import { FileExporter } from ${JSON.stringify(bundle)};
      const e = new FileExporter({ path: ${JSON.stringify(path)} });
      const trace = { id: "t1", agentName: "bot", tags: [], metadata: {}, status: "completed", startedAt: 0, endedAt: 5, summary: {} };
      const span = { id: "s1", traceId: "t1", spanType: "tool", name: "x", status: "completed", startedAt: 1, endedAt: 2, depth: 0, usage: {}, metadata: {}, tags: [] };
      e.export({ kind: "trace_start", trace });
      e.export({ kind: "span_end", trace, span });
      e.export({ kind: "trace_end", trace });
      if (process.argv.includes("exit")) process.exit(0);
    `;
    for (const mode of ["exit", "natural"]) {
      rmSync(path, { force: true });
      const child = spawnSync(process.execPath, ["--input-type=module", "-e", script, "--", mode], { encoding: "utf8" });
      expect(child.status, child.stderr).toBe(0);
      expect(readLines(path).map((l) => l["type"])).toEqual(["trace_start", "span", "trace_end"]);
    }
  });
});
