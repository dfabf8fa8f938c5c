/**
 * Fake provider packages for the "new major" scenarios, made in a temp dir at test time:
 * - `installNextMajor`: a copy of the real installed package with its version bumped (its own
 *   dependencies linked next to it, as the package manager laid them out);
 * - `installBroken`: a package of the same name and a new version whose modules do not have the
 *   shape the plugin patches.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The directory of the real installed package (the integration tests' own dependency). */
export function realPackageDir(pkg: string): string {
  return realpathSync(join(dirname(require.resolve("../package.json")), "node_modules", pkg));
}

function link(from: string, to: string): void {
  if (existsSync(to)) return;
  mkdirSync(dirname(to), { recursive: true });
  symlinkSync(realpathSync(from), to, "dir");
}

/** Whether a file of the package is needed at run time (no sources, type declarations, maps or docs: a faster copy). */
function runtimeFile(rel: string): boolean {
  if (/^[\\/](node_modules|src|examples|tests|docs)([\\/]|$)/.test(rel)) return false;
  return !/\.(map|d\.ts|d\.mts|d\.cts|md|ts)$/.test(rel);
}

/**
 * Copies the real `pkg` (by default the integration tests' own copy; `source`: the real directory of
 * another copy) into `<root>/node_modules/<pkg>` with `version`, and links its dependencies.
 */
export function installNextMajor(root: string, pkg: string, version: string, source: string = realPackageDir(pkg)): void {
  const dest = join(root, "node_modules", pkg);
  cpSync(source, dest, { recursive: true, verbatimSymlinks: true, filter: (src) => runtimeFile(src.slice(source.length)) });
  const manifest = JSON.parse(readFileSync(join(dest, "package.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(dest, "package.json"), JSON.stringify({ ...manifest, version }, null, 2));
  // pnpm puts a package's dependencies beside it: <store>/node_modules/{pkg, dep-a, @scope/dep-b}.
  const siblings = pkg.startsWith("@") ? dirname(dirname(source)) : dirname(source);
  for (const entry of readdirSync(siblings)) {
    const path = join(siblings, entry);
    if (entry.startsWith("@") && lstatSync(path).isDirectory()) {
      for (const inner of readdirSync(path)) if (`${entry}/${inner}` !== pkg) link(join(path, inner), join(root, "node_modules", entry, inner));
    } else if (entry !== pkg && entry !== ".bin") link(path, join(root, "node_modules", entry));
  }
}

/** One module of a broken package: its ES module and CommonJS source. */
export interface StubModule {
  esm: string;
  cjs: string;
}

/** Writes a package `pkg`@`version` whose subpaths (`"."`, `"./client/index.js"`) are the given stubs. */
export function installBroken(root: string, pkg: string, version: string, modules: Record<string, StubModule>): void {
  const dest = join(root, "node_modules", pkg);
  mkdirSync(dest, { recursive: true });
  const exports: Record<string, unknown> = {};
  let n = 0;
  for (const [subpath, stub] of Object.entries(modules)) {
    const base = `m${n++}`;
    writeFileSync(join(dest, `${base}.mjs`), stub.esm);
    writeFileSync(join(dest, `${base}.cjs`), stub.cjs);
    exports[subpath] = { import: `./${base}.mjs`, require: `./${base}.cjs` };
  }
  writeFileSync(join(dest, "package.json"), JSON.stringify({ name: pkg, version, exports }, null, 2));
}
