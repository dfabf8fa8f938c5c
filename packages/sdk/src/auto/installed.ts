/**
 * Where the app would load a watched module from, without loading it. Zero code asks this for
 * every watched module at start-up (~25 of them, twice: the ES module include patterns and the
 * require aliases), and most are not installed: a failed `require.resolve` walks every ancestor
 * directory and builds an error, ~0.2 ms each. So a package that no `node_modules` on the way up
 * (nor a global folder, nor NODE_PATH) lists is not resolved at all, and each answer is kept.
 */
import { readdirSync } from "node:fs";
import * as nodeModule from "node:module";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const answers = new Map<string, string | null>();

/**
 * The file `name` resolves to from `fromDir`, relative to its package's folder (`index.mjs`,
 * `dist/node/index.mjs`), or undefined when it is not installed there. Never throws.
 */
export function installedEntry(name: string, pkg: string, fromDir: string): string | undefined {
  const file = installedFile(name, pkg, fromDir);
  const marker = `/node_modules/${pkg}/`;
  const at = file?.lastIndexOf(marker) ?? -1;
  return file !== undefined && at >= 0 ? file.slice(at + marker.length) : undefined;
}

/** The file `name` resolves to from `fromDir` (forward slashes), or undefined. Never throws. */
export function installedFile(name: string, pkg: string, fromDir: string): string | undefined {
  const key = `${name}\0${fromDir}`;
  const known = answers.get(key);
  if (known !== undefined) return known ?? undefined;
  let file: string | null = null;
  try {
    if (mayBeInstalled(pkg, fromDir)) file = createRequire(join(fromDir, "noop.js")).resolve(name).split("\\").join("/");
  } catch {
    // not resolvable from there
  }
  answers.set(key, file);
  return file ?? undefined;
}

/** Whether some folder the resolver looks in holds a directory for `pkg` (true when unsure). */
function mayBeInstalled(pkg: string, fromDir: string): boolean {
  if (process.env.NODE_PATH) return true;
  try {
    for (let dir = fromDir; ; dir = dirname(dir)) {
      if (holds(join(dir, "node_modules"), pkg)) return true;
      if (dirname(dir) === dir) break;
    }
    const globalPaths = (nodeModule as { globalPaths?: unknown }).globalPaths;
    return Array.isArray(globalPaths) && globalPaths.some((g) => typeof g === "string" && holds(g, pkg));
  } catch {
    return true;
  }
}

/** Directory listings read so far: one read per folder, not one check per package and folder. */
const listings = new Map<string, ReadonlySet<string>>();

/** Whether the folder `dir` holds `pkg` (`name` or `@scope/name`). */
function holds(dir: string, pkg: string): boolean {
  const slash = pkg.indexOf("/");
  if (slash < 0) return listing(dir).has(pkg);
  return listing(dir).has(pkg.slice(0, slash)) && listing(join(dir, pkg.slice(0, slash))).has(pkg.slice(slash + 1));
}

function listing(dir: string): ReadonlySet<string> {
  let names = listings.get(dir);
  if (!names) {
    try {
      names = new Set(readdirSync(dir));
    } catch {
      names = new Set(); // no such folder
    }
    listings.set(dir, names);
  }
  return names;
}
