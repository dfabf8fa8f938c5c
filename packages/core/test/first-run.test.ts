/**
 * The first run with no API key is quiet and tidy: the "traces go to a local file" notice is shown
 * when the file is new (once), at info level afterwards; a `.tracium` folder the exporter creates
 * gets a `.gitignore` of `*`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config/config.js";
import { createExporters } from "../src/export/exporter-factory.js";
import { FileExporter } from "../src/export/exporters/file.js";
import { logger } from "../src/util/logger.js";
import { T0, endSpan, finishedTraceRecords, makeSpan, makeTrace } from "./exporters/fixtures.js";

let dir: string;
let lines: Array<{ level: string; line: string }>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tracium-first-run-"));
  lines = [];
  logger.resetOnce();
});

afterEach(() => {
  logger.setSink(undefined);
  logger.setLevel("warn");
  logger.resetOnce();
  rmSync(dir, { recursive: true, force: true });
});

/** Builds the exporters as init() does with no API key and no exporter chosen, at `level`. */
async function firstExporter(filePath: string, level: "warn" | "info"): Promise<void> {
  const config = resolveConfig({ filePath }, {});
  logger.setLevel(level);
  logger.setSink((lvl, line) => lines.push({ level: lvl, line }));
  for (const e of createExporters(config)) await e.shutdown(1_000);
}

const notices = () => lines.filter((l) => l.line.includes("no TRACIUM_API_KEY set"));

describe("the local-file notice", () => {
  it("is shown when the trace file is new, and names a command that resolves to this package", async () => {
    const path = join(dir, ".tracium", "traces.jsonl");
    await firstExporter(path, "warn");
    expect(notices()).toHaveLength(1);
    expect(notices()[0]!.line).toContain(path);
    expect(notices()[0]!.line).toContain("npx @tracium/sdk view");
    expect(notices()[0]!.line).not.toMatch(/npx tracium\b/);
  });

  it("is not shown at the default level once the file exists; it is still there at info", async () => {
    const path = join(dir, "traces.jsonl");
    writeFileSync(path, "");
    await firstExporter(path, "warn");
    expect(notices()).toHaveLength(0);
    logger.resetOnce();
    await firstExporter(path, "info");
    expect(notices().map((l) => l.level)).toEqual(["info"]);
  });

  it("is not shown when the exporter was chosen explicitly", async () => {
    const config = resolveConfig({ filePath: join(dir, "t.jsonl"), exporter: "file" }, {});
    logger.setSink((lvl, line) => lines.push({ level: lvl, line }));
    logger.setLevel("debug");
    for (const e of createExporters(config)) await e.shutdown(1_000);
    expect(notices()).toHaveLength(0);
  });
});

describe("the .tracium folder", () => {
  async function write(path: string, sync: boolean): Promise<void> {
    const e = new FileExporter({ path, flushIntervalMs: 60_000 });
    const trace = makeTrace();
    for (const r of finishedTraceRecords(trace, [endSpan(makeSpan(trace), T0 + 1)])) e.export(r);
    if (sync) e.drainSync();
    else await e.flush(5_000);
    await e.shutdown(1_000);
  }

  it("gets a .gitignore of * when the exporter creates it (async writes and the exit drain)", async () => {
    for (const sync of [false, true]) {
      const folder = join(dir, sync ? "sync" : "async", ".tracium");
      await write(join(folder, "traces.jsonl"), sync);
      expect(readFileSync(join(folder, "traces.jsonl"), "utf8").length).toBeGreaterThan(0);
      expect(readFileSync(join(folder, ".gitignore"), "utf8").split("\n")).toContain("*");
    }
  });

  it("is left alone when it already exists, and a folder of another name gets nothing", async () => {
    const existing = join(dir, ".tracium");
    mkdirSync(existing);
    await write(join(existing, "traces.jsonl"), false);
    expect(existsSync(join(existing, ".gitignore"))).toBe(false);
    await write(join(dir, "logs", "traces.jsonl"), false);
    expect(existsSync(join(dir, "logs", ".gitignore"))).toBe(false);
  });
});
