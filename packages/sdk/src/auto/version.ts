/**
 * The installed version of the package a loaded module file belongs to: the nearest package.json
 * above it whose `name` is the package (a package alias such as `openai-v7` keeps the real name
 * there). Read once per directory; never throws.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const cache = new Map<string, { name?: string; version?: string } | null>();

function readManifest(dir: string): { name?: string; version?: string } | null {
  if (cache.has(dir)) return cache.get(dir) ?? null;
  let manifest: { name?: string; version?: string } | null = null;
  try {
    const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
    manifest = { name: typeof json.name === "string" ? json.name : undefined, version: typeof json.version === "string" ? json.version : undefined };
  } catch {
    manifest = null;
  }
  if (cache.size > 500) cache.clear();
  cache.set(dir, manifest);
  return manifest;
}

/** The version of `pkg` that `where` (a file path, a `file:` URL or the package directory) is part of. */
export function packageVersionAt(where: string, pkg: string): string | undefined {
  try {
    let dir = where.startsWith("file:") ? fileURLToPath(where) : where;
    for (let i = 0; i < 12; i++) {
      const m = readManifest(dir);
      if (m?.name === pkg) return m.version;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  } catch {
    // an unreadable location: the version stays unknown
  }
  return undefined;
}
