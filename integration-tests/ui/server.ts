/** Starts the built `tracium ui` command in a child process, as a user would, for the UI tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../packages/sdk/dist/cli.js", import.meta.url));

export interface RunningUi {
  url: string;
  port: number;
  file: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

/** A fresh temporary JSONL path. */
export function tempFile(name = "traces.jsonl"): string {
  return join(mkdtempSync(join(tmpdir(), "tracium-ui-")), name);
}

export async function startUi(file: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunningUi> {
  const child = spawn(process.execPath, [CLI, "ui", file, "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", ...env } });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tracium ui did not start: ${err}`)), 20_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /Tracium UI: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/\/$/, ""));
      }
    });
    child.once("exit", (code) => reject(new Error(`tracium ui exited (${code}): ${err}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    file,
    child,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** GET a JSON API path. */
export async function api<T = unknown>(ui: RunningUi, path: string): Promise<T> {
  const res = await fetch(`${ui.url}${path}`);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
