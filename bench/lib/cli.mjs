/** Shared command-line handling of the benchmark scripts. */
import { writeSync } from "node:fs";

export const smoke = process.argv.includes("--smoke");

/** Progress goes to stderr so stdout carries only the result line. */
export function log(message) {
  writeSync(2, `${message}\n`);
}

/** The one line `run.mjs` reads back. */
export function emit(result) {
  writeSync(1, `RESULT ${JSON.stringify(result)}\n`);
}
