/**
 * Creating the directory of the trace file. When the `file` exporter creates a `.tracium` folder
 * (the default `.tracium/traces.jsonl`), it also writes a `.gitignore` of `*` into it, as other
 * tools' caches do, so that traces (prompts and outputs) are never committed by accident. A folder
 * that already exists, or one of another name chosen by the user, is left as it is.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";

const OWN_FOLDER = ".tracium";
const GITIGNORE = "# Written by Tracium: traces hold prompts and outputs; keep them out of version control.\n*\n";

/** Creates `dir` (and its parents); returns once it exists. Throws what `mkdir` throws. */
export async function makeTraceDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true });
  if (created !== undefined && basename(dir) === OWN_FOLDER) {
    await writeFile(join(dir, ".gitignore"), GITIGNORE, { flag: "wx" }).catch(() => undefined);
  }
}

/** {@link makeTraceDir}, synchronously (for the exit drain). */
export function makeTraceDirSync(dir: string): void {
  const created = mkdirSync(dir, { recursive: true });
  if (created !== undefined && basename(dir) === OWN_FOLDER) {
    try {
      writeFileSync(join(dir, ".gitignore"), GITIGNORE, { flag: "wx" });
    } catch {
      // a .gitignore is a courtesy; the traces are written regardless
    }
  }
}
