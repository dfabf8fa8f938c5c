#!/usr/bin/env node
/**
 * The `tracium` command:
 *   tracium view [file] [--json] [--last N] [--trace ID] [--follow] [--no-color]
 *   tracium doctor [--timeout MS] [--no-load]
 *   tracium ui [file] [--port N] [--host H] [--token T]
 */
import { parseArgs } from "node:util";
import { DEFAULT_FILE_PATH, SDK_VERSION } from "@tracium/core";
import "../index.js";
import { colors, plain, type Style } from "./render.js";
import { doctor } from "./doctor.js";
import { view } from "./view.js";
import { ui } from "./ui/command.js";

const HELP = `tracium ${SDK_VERSION}: look at local traces and check the setup

Usage:
  tracium view [file]      print the traces of the local JSONL file as trees
      --json               as JSON (with --follow: one trace per line)
      --last N             the N most recent traces (default 20; 0 for all)
      --trace ID           only the trace whose id starts with ID
      --follow, -f         keep printing traces as they end
  tracium doctor           check the configuration and say what is wrong
      --timeout MS         endpoint check timeout (default 3000)
      --no-load            do not load the installed provider SDKs to test the patch
  tracium ui [file]        a local web page of the traces, and a collector for them
      --port N             port (default 7717, else a free one)
      --host H             address to listen on (default 127.0.0.1)
      --token T            require this token to post traces (X-API-Key or Bearer)
  tracium help | --help    this text
  tracium --version

Options for every command: --no-color (also NO_COLOR=1).
The file is TRACIUM_FILE, else ${DEFAULT_FILE_PATH}.
Zero-code tracing: node --import @tracium/sdk/auto app.js   (CommonJS: node -r @tracium/sdk/auto app.cjs)`;

function style(noColor: boolean): Style {
  if (noColor || process.env.NO_COLOR) return plain;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return colors;
  return process.stdout.isTTY ? colors : plain;
}

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const err = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

function usageError(message: string): number {
  err(`tracium: ${message}\n\n${HELP}`);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    out(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-v" || command === "version") {
    out(SDK_VERSION);
    return 0;
  }
  if (command === "view") {
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          json: { type: "boolean", default: false },
          last: { type: "string" },
          trace: { type: "string" },
          follow: { type: "boolean", short: "f", default: false },
          "no-color": { type: "boolean", default: false },
        },
      });
    } catch (e) {
      return usageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (positionals.length > 1) return usageError("view takes at most one file");
    let last: number | undefined;
    if (values.last !== undefined) {
      last = Number(values.last);
      if (!Number.isInteger(last) || last < 0) return usageError(`--last needs a whole number, got "${values.last}"`);
    }
    const file = positionals[0] ?? (process.env.TRACIUM_FILE?.trim() || DEFAULT_FILE_PATH);
    let stop: Promise<void> | undefined;
    if (values.follow) {
      stop = new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
    }
    return view({
      file,
      json: values.json ?? false,
      last,
      trace: values.trace,
      follow: values.follow ?? false,
      style: style(values["no-color"] ?? false),
      out,
      err,
      ...(stop ? { stop } : {}),
    });
  }
  if (command === "doctor") {
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        options: {
          timeout: { type: "string" },
          "no-load": { type: "boolean", default: false },
          "no-color": { type: "boolean", default: false },
        },
      });
    } catch (e) {
      return usageError((e as Error).message);
    }
    const timeoutMs = parsed.values.timeout === undefined ? 3000 : Number(parsed.values.timeout);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return usageError(`--timeout needs a number of milliseconds, got "${parsed.values.timeout}"`);
    return doctor({
      cwd: process.cwd(),
      env: process.env,
      timeoutMs,
      loadProviders: !(parsed.values["no-load"] ?? false),
      style: style(parsed.values["no-color"] ?? false),
      out,
    });
  }
  if (command === "ui") {
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { port: { type: "string" }, host: { type: "string" }, token: { type: "string" }, "no-color": { type: "boolean", default: false } },
      });
    } catch (e) {
      return usageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (positionals.length > 1) return usageError("ui takes at most one file");
    let port: number | undefined;
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return usageError(`--port needs a port number, got "${values.port}"`);
    }
    if (values.token !== undefined && values.token === "") return usageError("--token needs a value");
    const stop = new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    return ui({
      file: positionals[0] ?? (process.env.TRACIUM_FILE?.trim() || DEFAULT_FILE_PATH),
      host: values.host ?? "127.0.0.1",
      port,
      token: values.token,
      out,
      err,
      stop,
    });
  }
  return usageError(`unknown command "${command}"`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    err(`tracium: ${(e as Error)?.stack ?? String(e)}`);
    process.exitCode = 1;
  },
);
