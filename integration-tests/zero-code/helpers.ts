/** Subprocess helpers for the zero-code and CLI scenarios. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** integration-tests/ */
export const TESTS_DIR = resolve(here, "..");
export const FIXTURES = join(here, "fixtures");
/** The built `tracium` command. */
export const CLI = join(dirname(createRequire(import.meta.url).resolve("@tracium/sdk/package.json")), "dist", "cli.js");

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a child: this one without TRACIUM_*, NODE_OPTIONS and provider settings, plus `env`. */
export function childEnv(env: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(TRACIUM_|OPENAI_|ANTHROPIC_|LANGCHAIN_|LANGSMITH_|NODE_OPTIONS$|NODE_DEBUG$|VITEST|FORCE_COLOR$|NO_COLOR$)/.test(k)) continue;
    out[k] = v;
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  /** Called with each stdout chunk; return a signal to send it. */
  onStdout?: (text: string, kill: (signal: NodeJS.Signals) => void) => void;
}

/** Runs `node ...args` and collects its output. */
export function runNode(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: opts.cwd ?? TESTS_DIR, env: childEnv(opts.env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 20_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      opts.onStdout?.(stdout, (s) => child.kill(s));
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** A fresh temp dir, and a cleanup. */
export function tempDir(prefix = "tracium-it-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Rec = Record<string, any>;

/** The JSONL records of a trace file ([] when it does not exist). */
export function readRecords(file: string): Rec[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Rec);
}

/** Records grouped by trace: start, spans (last line per span id), end. */
export function tracesOf(records: Rec[]): Array<{ id: string; start?: Rec; spans: Rec[]; end?: Rec }> {
  type Grouped = { id: string; start?: Rec; spans: Map<string, Rec>; end?: Rec };
  const map = new Map<string, Grouped>();
  for (const r of records) {
    const t: Grouped = map.get(r.trace_id) ?? { id: r.trace_id, spans: new Map() };
    map.set(r.trace_id, t);
    if (r.type === "trace_start") t.start = r;
    else if (r.type === "span") t.spans.set(r.id, r);
    else if (r.type === "trace_end") t.end = r;
  }
  return [...map.values()].map((t) => ({ ...t, spans: [...t.spans.values()] }));
}

/** A local stand-in for the Tracium ingestion API that records what it receives. */
export async function startCollector(status = 200): Promise<{ url: string; requests: Array<{ method: string; path: string; headers: IncomingMessage["headers"]; body: Rec }>; close: () => Promise<void> }> {
  const requests: Array<{ method: string; path: string; headers: IncomingMessage["headers"]; body: Rec }> = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (raw += c));
    req.on("end", () => {
      let body: Rec = {};
      try {
        body = raw ? (JSON.parse(raw) as Rec) : {};
      } catch {
        body = { raw };
      }
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      const id = (req.url ?? "").match(/^\/agents\/traces\/?$/) ? { id: body.trace_id } : { ok: true };
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(status < 400 ? id : { detail: "rejected" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
