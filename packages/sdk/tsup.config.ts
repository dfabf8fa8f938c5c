import { defineConfig, type Options } from "tsup";

// No source maps: they were most of the tarball, without the sources they point to.
const common = { sourcemap: false, clean: false, target: "node20", platform: "node" } as const;
// Which build is running decides how a plugin package is loaded on first use (src/plugins/load.ts),
// which reads import.meta only in the ES module build: the CJS build's empty import.meta is expected.
const format = (name: "esm" | "cjs"): Pick<Options, "esbuildOptions"> => ({
  esbuildOptions(options): void {
    options.define = { ...options.define, __TRACIUM_FORMAT__: JSON.stringify(name) };
    if (name === "cjs") options.logOverride = { ...options.logOverride, "empty-import-meta": "silent" };
  },
});

export default defineConfig([
  // ESM: the library and the `--import` entry (register the ESM loader hook + require hook).
  { ...common, ...format("esm"), entry: { index: "src/index.ts", auto: "src/auto.ts" }, format: ["esm"], dts: true, splitting: false },
  // The loader both zero-code entries register on Node's loader-hooks thread (an ES module either way).
  { ...common, entry: { "auto-loader": "src/auto/loader-gate.ts" }, format: ["esm"], dts: false },
  // ESM for bundlers (the `module` condition): the library with every plugin imported statically.
  { ...common, entry: { eager: "src/eager.ts" }, format: ["esm"], dts: false },
  // CJS: the library and the `-r` entry (require hook only).
  { ...common, ...format("cjs"), entry: { index: "src/index.ts", auto: "src/auto-require.ts" }, format: ["cjs"], dts: true },
  // Workers and edge runtimes (the `workerd`/`edge-light` conditions): no Node.js built-in at all.
  { ...common, entry: { edge: "src/edge.ts" }, format: ["esm"], dts: true, platform: "neutral", target: "es2022", removeNodeProtocol: false },
  // The `tracium` command.
  { ...common, entry: { cli: "src/cli/main.ts" }, format: ["esm"], dts: false },
  // The page `tracium ui` serves: one self-contained browser script (no framework, no CDN).
  { entry: { "ui-page": "src/cli/ui/page/main.ts" }, format: ["iife"], platform: "browser", target: "es2020", minify: true, sourcemap: false, clean: false, dts: false },
]);
