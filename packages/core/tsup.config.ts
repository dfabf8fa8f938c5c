import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig } from "tsup";

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

/**
 * The ES module build takes `node:fs`, `node:fs/promises`, `node:util` and `node:buffer` without
 * their ES module facades. Node builds a facade by reading every export of the built-in, so an
 * `import { existsSync } from "node:fs"` also loads `fs.promises`, streams, readline and file
 * watchers, and `node:util` its argument parser and MIME parser: ~6 ms of an app's start-up
 * (bench/README.md, row 4). Each module is taken with `process.getBuiltinModule` (Node >= 20.16),
 * else with `createRequire`; `node:fs/promises` only when first called. Only the names listed
 * here can be imported: the build fails on any other.
 */
const FACADE_FREE: Record<string, { names: string[]; lazy?: boolean }> = {
  "node:fs": { names: ["closeSync", "existsSync", "fstatSync", "ftruncateSync", "mkdirSync", "openSync", "readFileSync", "readSync", "realpathSync", "writeFileSync", "writeSync"] },
  "node:fs/promises": { names: ["mkdir", "open", "writeFile"], lazy: true },
  "node:util": { names: ["types"] },
  "node:buffer": { names: ["Buffer"] },
};

function facadeFreeModule(id: string, { names, lazy }: { names: string[]; lazy?: boolean }): string {
  // Literal ids: a bundler that meets this file (Next.js) resolves each as the built-in it is.
  const load = `globalThis.process?.getBuiltinModule?.(${JSON.stringify(id)}) ?? createRequire(import.meta.url)(${JSON.stringify(id)})`;
  const head = 'import { createRequire } from "node:module";\n';
  if (lazy) {
    return `${head}let m;\nconst mod = () => (m ??= ${load});\n${names.map((n) => `export function ${n}(...args) { return mod().${n}(...args); }`).join("\n")}\n`;
  }
  return `${head}const m = ${load};\n${names.map((n) => `export const ${n} = m.${n};`).join("\n")}\n`;
}

const facadeFreeBuiltins = {
  name: "tracium-facade-free-builtins",
  setup(build: {
    onResolve(o: { filter: RegExp }, cb: (a: { path: string }) => unknown): void;
    onLoad(o: { filter: RegExp; namespace: string }, cb: (a: { path: string }) => unknown): void;
  }): void {
    build.onResolve({ filter: /^node:(fs|fs\/promises|util|buffer)$/ }, ({ path }) => ({ path, namespace: "facade-free" }));
    build.onLoad({ filter: /.*/, namespace: "facade-free" }, ({ path }) => ({ contents: facadeFreeModule(path, FACADE_FREE[path]!), loader: "js" }));
  },
};

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

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm"],
    dts: true,
    // No source maps: they were most of the tarball, without the sources they point to.
    sourcemap: false,
    clean: false,
    target: "node20",
    platform: "node",
    // Keep `node:` specifiers: Deno and Bun resolve built-ins only by them.
    removeNodeProtocol: false,
    esbuildPlugins: [facadeFreeBuiltins],
    onSuccess: assertAscii(["index.js"]),
  },
  {
    // CommonJS `require()` of a built-in builds no facade: nothing to avoid.
    entry: ["src/index.ts"],
    format: ["cjs"],
    dts: true,
    sourcemap: false,
    clean: false,
    target: "node20",
    platform: "node",
    removeNodeProtocol: false,
    onSuccess: assertAscii(["index.cjs"]),
  },
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
