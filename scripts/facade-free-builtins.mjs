/**
 * An esbuild plugin for an ES module build: named Node built-ins are taken without their ES
 * module facades. Node builds a built-in's facade by reading every one of its exports, so an
 * `import { existsSync } from "node:fs"` also loads `fs.promises` and the streams behind it, and
 * `node:util` its argument and MIME parsers: ~3 ms and ~40 KB of heap of an app that imports
 * @tracium/core (bench/README.md, rows 3b and 4). Each module is taken with
 * `process.getBuiltinModule` (Node >= 20.16), else with `createRequire`; a `lazy` one only when
 * one of its functions is first called. Only the names listed can be imported: the build fails on
 * any other. The build must keep `node:` specifiers (tsup's `removeNodeProtocol: false`), or tsup
 * marks them external before this plugin sees them.
 *
 * @param {Record<string, { names: string[], lazy?: boolean }>} modules by specifier (`node:fs`);
 *   the bare form (`fs`) is matched too.
 */
export function facadeFreeBuiltins(modules) {
  const byId = new Map(Object.entries(modules).map(([id, spec]) => [id.replace(/^node:/, ""), { id, ...spec }]));
  const escape = (s) => s.replace(/[/\\^$*+?.()|[\]{}]/g, "\\$&");
  const filter = new RegExp(`^(node:)?(${[...byId.keys()].map(escape).join("|")})$`);
  return {
    name: "tracium-facade-free-builtins",
    setup(build) {
      build.onResolve({ filter }, ({ path }) => ({ path: path.replace(/^node:/, ""), namespace: "facade-free" }));
      build.onLoad({ filter: /.*/, namespace: "facade-free" }, ({ path }) => ({ contents: moduleSource(byId.get(path)), loader: "js" }));
    },
  };
}

function moduleSource({ id, names, lazy }) {
  // Literal ids: a bundler that meets this file (Next.js) resolves each as the built-in it is.
  const load = `globalThis.process?.getBuiltinModule?.(${JSON.stringify(id)}) ?? createRequire(import.meta.url)(${JSON.stringify(id)})`;
  const head = 'import { createRequire } from "node:module";\n';
  if (lazy) {
    const exports = names.map((n) => `export function ${n}(...args) { return mod().${n}(...args); }`);
    return `${head}let m;\nconst mod = () => (m ??= ${load});\n${exports.join("\n")}\n`;
  }
  return `${head}const m = ${load};\n${names.map((n) => `export const ${n} = m.${n};`).join("\n")}\n`;
}
