/** `tracium ui`: starts the server, prints its URL, runs until interrupted. */
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { startUiServer, isLoopback } from "./server.js";

/** Default port; when taken (and no `--port` was given), any free port. */
export const DEFAULT_UI_PORT = 7717;

/** Options of {@link ui}. */
export interface UiOptions {
  file: string;
  host: string;
  /** Undefined: {@link DEFAULT_UI_PORT}, else a free one. */
  port: number | undefined;
  token: string | undefined;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Resolves when the server should stop. */
  stop: Promise<void>;
}

/** Why the trace file cannot be read (a directory, no permission), if it exists and cannot. */
function unreadable(file: string): string | undefined {
  try {
    if (!existsSync(file)) return undefined; // the collector creates it
    if (!statSync(file).isFile()) return "it is not a file";
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Runs the server until `stop`; returns the exit code. */
export async function ui(options: UiOptions): Promise<number> {
  const problem = unreadable(options.file);
  if (problem) {
    options.err(`tracium: cannot read ${options.file}: ${problem}`);
    return 1;
  }
  if (!isLoopback(options.host)) {
    options.err(
      `tracium: warning: listening on ${options.host}, not a loopback address: anyone who can reach it can read these traces${options.token ? "" : " and post traces (use --token)"}`,
    );
  }
  const base = { file: options.file, host: options.host, ...(options.token !== undefined ? { token: options.token } : {}) };
  let server;
  try {
    server = await startUiServer({ ...base, port: options.port ?? DEFAULT_UI_PORT });
  } catch (e) {
    if (options.port !== undefined || (e as NodeJS.ErrnoException).code !== "EADDRINUSE") {
      options.err(`tracium: cannot listen on ${options.host}:${options.port ?? DEFAULT_UI_PORT}: ${(e as Error).message}`);
      return 1;
    }
    server = await startUiServer({ ...base, port: 0 });
  }
  options.out(`Tracium UI: ${server.url}`);
  if (server.reusedIndex) options.err(`tracium: reused the saved index ${server.store.indexFile}`);
  options.err(
    `tracium: reading ${options.file}; collector at ${server.url.replace(/\/$/, "")} (Tracium API: TRACIUM_BASE_URL=${server.url.replace(/\/$/, "")}; OTLP/HTTP: ${server.url}v1/traces). Ctrl-C to stop.`,
  );
  await options.stop;
  await server.close();
  return 0;
}
