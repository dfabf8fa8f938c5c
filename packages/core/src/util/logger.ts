/**
 * The `tracium` logger. Every SDK failure is reported here, never thrown at user code.
 * Secrets registered with `addSecret`, and credentials of the well-known formats, are masked in
 * every line, whatever its origin. A line often echoes data (an error message, a server's answer, an
 * environment variable), so its control characters are written as visible escapes: a line cannot
 * drive the terminal it is printed on, nor forge a second log line with a newline.
 */

import { types } from "node:util";
import { dataField } from "./plain-data.js";
import { maskSecrets } from "./secrets.js";
import { escapeControlChars } from "./terminal-text.js";

/** Log levels, least to most severe; `silent` logs nothing. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Where log lines go. Defaults to stderr; tests and apps may replace it. */
export type LogSink = (level: Exclude<LogLevel, "silent">, line: string) => void;

const defaultSink: LogSink = (_level, line) => {
  try {
    const stderr = (globalThis as { process?: { stderr?: { write?: (text: string) => unknown } } }).process?.stderr;
    // Edge runtimes have no stderr (or a stub): their console is where logs are read.
    if (typeof stderr?.write === "function") stderr.write(`${line}\n`);
    else console.error(line);
  } catch {
    // stderr closed: nothing sensible left to do.
  }
};

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && value in RANK;
}

class TraciumLogger {
  private level: LogLevel = "warn";
  private sink: LogSink = defaultSink;
  private readonly secrets = new Set<string>();
  private readonly seen = new Set<string>();

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  getLevel(): LogLevel {
    return this.level;
  }

  setSink(sink: LogSink | undefined): void {
    this.sink = sink ?? defaultSink;
  }

  /** Masks this value wherever it would appear in a log line (API keys). */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  debug(message: string, detail?: unknown): void {
    this.write("debug", message, detail);
  }

  info(message: string, detail?: unknown): void {
    this.write("info", message, detail);
  }

  warn(message: string, detail?: unknown): void {
    this.write("warn", message, detail);
  }

  error(message: string, detail?: unknown): void {
    this.write("error", message, detail);
  }

  /** Logs a message only the first time its `kind` is seen, so a failing path cannot flood the logs. */
  once(level: Exclude<LogLevel, "silent">, kind: string, message: string, detail?: unknown): void {
    if (this.seen.has(kind)) return;
    if (this.seen.size > 1000) this.seen.clear();
    this.seen.add(kind);
    this.write(level, message, detail);
  }

  /** Forgets which kinds were logged (tests). */
  resetOnce(): void {
    this.seen.clear();
  }

  private write(level: Exclude<LogLevel, "silent">, message: string, detail: unknown): void {
    if (RANK[level] < RANK[this.level]) return;
    try {
      let line = `[tracium] ${level}: ${message}`;
      if (detail !== undefined) line += `: ${describe(detail)}`;
      for (const secret of this.secrets) line = line.split(secret).join("***");
      this.sink(level, escapeControlChars(maskSecrets(line)));
    } catch {
      // A logger that throws would break the fail-safe contract.
    }
  }
}

// The detail may be anything the user handed over: it is described from plain data only, so that
// logging runs none of its getters, toJSON or Proxy traps.
function describe(detail: unknown): string {
  if (typeof detail === "string") return detail;
  if (detail === null || (typeof detail !== "object" && typeof detail !== "function")) return String(detail);
  if (types.isProxy(detail)) return "[Proxy]";
  const name = dataField(detail, "name");
  const message = dataField(detail, "message");
  if (types.isNativeError(detail)) return `${typeof name === "string" ? name : "Error"}: ${typeof message === "string" ? message : ""}`;
  return typeof message === "string" ? message : typeof detail === "function" ? "a function" : "an object";
}

/** The process-wide logger, shared by the ESM and CJS builds. */
export const logger: TraciumLogger = ((): TraciumLogger => {
  const key = Symbol.for("tracium.logger");
  const g = globalThis as Record<symbol, unknown>;
  const existing = g[key];
  if (existing instanceof TraciumLogger || (existing && typeof existing === "object")) return existing as TraciumLogger;
  const created = new TraciumLogger();
  g[key] = created;
  return created;
})();

export type { TraciumLogger };
