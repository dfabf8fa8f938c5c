#!/usr/bin/env node
// Prints the PATH to run CI with: the given PATH where every folder that holds a package-manager
// binary a user may not have (a global pnpm, corepack and its shims) is replaced by a folder of
// links to everything else in it. A folder cannot simply be dropped: /usr/bin often holds node
// and npm next to corepack. CI then fails if a step needs a tool the README does not install.
//   usage: node .ci/path-without-pnpm.mjs <folder for the link folders>
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";

const HIDDEN = new Set(["pnpm", "pnpx", "pnpm.cmd", "pnpx.cmd", "corepack", "corepack.cmd", "yarn", "yarnpkg"]);

const out = resolve(process.argv[2] ?? ".cache/ci-path");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const seen = new Set();
const folders = [];
for (const [i, dir] of (process.env.PATH ?? "").split(delimiter).entries()) {
  if (!dir || seen.has(dir)) continue;
  seen.add(dir);
  let names;
  try {
    if (!statSync(dir).isDirectory()) continue;
    names = readdirSync(dir);
  } catch {
    continue; // a folder that does not exist is left out
  }
  if (!names.some((n) => HIDDEN.has(n))) {
    folders.push(dir);
    continue;
  }
  const links = join(out, String(i));
  mkdirSync(links);
  for (const name of names) if (!HIDDEN.has(name)) symlinkSync(join(dir, name), join(links, name));
  folders.push(links);
  process.stderr.write(`ci: ${dir} holds ${names.filter((n) => HIDDEN.has(n)).join(", ")}: replaced by ${links}\n`);
}
if (!existsSync(out)) process.exit(1);
process.stdout.write(folders.join(delimiter));
