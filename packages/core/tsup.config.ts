import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig } from "tsup";
import { facadeFreeBuiltins } from "../../scripts/facade-free-builtins.mjs";

/**
 * The `workerd`/`edge-light` build: the same source, each `node:X` import resolved to its
 * stand-in in src/util/edge/ (see the README there), so no `node:` import is left.
 */
const edgeBuiltins = {
  name: "tracium-edge-builtins",
  setup(build: { onResolve(o: { filter: RegExp }, cb: (a: { path: string }) => unknown): void }): void {
    build.onResolve({ filter: /^node:/ }, ({ path }) => {
      const file = resolve("src/util/edge", `${path.slice("node:".length).replace("/", "-")}.ts`);
      if (!existsSync(file)) return { errors: [{ text: `${path} has no edge stand-in in src/util/edge/` }] };
      return { path: file };
    });
  },
};

/** Built-ins the ES module build takes without their facades (scripts/facade-free-builtins.mjs says why). */
const facadeFree = facadeFreeBuiltins({
  "node:fs": { names: ["closeSync", "existsSync", "fstatSync", "ftruncateSync", "mkdirSync", "openSync", "readFileSync", "readSync", "realpathSync", "writeFileSync", "writeSync"] },
  "node:fs/promises": { names: ["mkdir", "open", "writeFile"], lazy: true },
  "node:util": { names: ["types"] },
  "node:buffer": { names: ["Buffer"] },
});

/**
 * V8 keeps a module's source on the heap, as one byte per character only if every character is
 * ASCII: one "…" left in a comment doubles this bundle's share of the idle heap (~300 KB).
 * esbuild escapes strings, not comments, hence the check after each build.
 */
function assertAscii(files: string[]): () => Promise<void> {
  return async () => {
    for (const file of files) {
      const at = readFileSync(`dist/${file}`, "utf8").search(/[^\x00-\x7f]/);
      if (at >= 0) throw new Error(`dist/${file}: non-ASCII character at offset ${at} (V8 would keep the whole source two bytes per character); write it as ASCII in src`);
    }
  };
}

/** The Node.js builds: the same options, each format on its own (only ES modules have facades). */
const node = {
  entry: ["src/index.ts"],
  dts: true,
  // No source maps: they were most of the tarball, without the sources they point to.
  sourcemap: false,
  clean: false,
  target: "node20",
  platform: "node",
  // Keep `node:` specifiers: Deno and Bun resolve built-ins only by them.
  removeNodeProtocol: false,
} as const;

export default defineConfig([
  { ...node, format: ["esm"], esbuildPlugins: [facadeFree], onSuccess: assertAscii(["index.js"]) },
  // CommonJS `require()` of a built-in builds no facade: nothing to avoid.
  { ...node, format: ["cjs"], onSuccess: assertAscii(["index.cjs"]) },
  {
    entry: { edge: "src/index.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: false,
    clean: false,
    target: "es2022",
    platform: "neutral",
    removeNodeProtocol: false,
    esbuildPlugins: [edgeBuiltins],
    onSuccess: assertAscii(["edge.js"]),
  },
]);
