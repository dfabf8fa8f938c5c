/** Runs an example as a subprocess, offline (fake provider), into a temp trace file, and reads the file back. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), "..");

export type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ExampleRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The JSONL records written (spans: last line per span id kept by `spans`). */
  records: Rec[];
  /** The ended spans, one per id. */
  spans: Rec[];
}

/** `node <args>` in examples/, with FAKE_PROVIDER=1 and a fresh TRACIUM_FILE. */
export async function runExample(args: string[], extraEnv: Record<string, string> = {}): Promise<ExampleRun> {
  const tmp = mkdtempSync(join(tmpdir(), "tracium-example-"));
  const file = join(tmp, "traces.jsonl");
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(TRACIUM_|OPENAI_|ANTHROPIC_|GEMINI_|GOOGLE_|AWS_|NODE_OPTIONS$|npm_|VITEST)/.test(k)) env[k] = v;
  }
  Object.assign(env, { FAKE_PROVIDER: "1", TRACIUM_FILE: file, TRACIUM_EXAMPLE_QUIET: "1", NO_COLOR: "1" }, extraEnv);
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: EXAMPLES, env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
      child.on("error", reject);
      child.on("close", (c) => {
        clearTimeout(timer);
        resolve({ code: c, stdout: out, stderr: err });
      });
    });
    const records = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Rec) : [];
    const byId = new Map<string, Rec>();
    for (const r of records) if (r.type === "span") byId.set(r.id, r);
    return { code, stdout, stderr, records, spans: [...byId.values()] };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
