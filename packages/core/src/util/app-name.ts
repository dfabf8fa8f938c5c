/**
 * The default agent name: the app's package name, without its scope. `npm start` and `npm run`
 * set `npm_package_name`; `node app.mjs` does not, so the package.json nearest to the main script
 * is read instead (once, when the configuration is resolved).
 */
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Directories climbed at most from the main script. */
const MAX_LEVELS = 64;

/**
 * The app's package name: `npm_package_name` when npm started the process, else the `name` of the
 * nearest package.json above `mainScript` that has one. Undefined when neither is found. Never throws.
 */
export function appPackageName(env: Record<string, string | undefined>, mainScript: string | undefined): string | undefined {
  try {
    return unscoped(env.npm_package_name) ?? (mainScript ? unscoped(nearestPackageName(mainScript)) : undefined);
  } catch {
    return undefined;
  }
}

function unscoped(name: string | undefined): string | undefined {
  return name?.trim().replace(/^@[^/]+\//, "") || undefined;
}

function nearestPackageName(mainScript: string): string | undefined {
  let dir = dirname(realOrResolved(mainScript));
  for (let i = 0; i < MAX_LEVELS; i++) {
    const name = packageJsonName(join(dir, "package.json"));
    if (name) return name;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

function realOrResolved(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

/** The `name` of a package.json; undefined when the file is missing, unreadable or nameless (a `"type"`-only marker). */
function packageJsonName(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const name = (JSON.parse(text) as { name?: unknown } | null)?.name;
    return typeof name === "string" && name.trim() ? name : undefined;
  } catch {
    return undefined;
  }
}
