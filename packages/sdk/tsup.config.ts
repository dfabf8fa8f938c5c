import { defineConfig } from "tsup";

// No source maps: they were most of the tarball, without the sources they point to.
const common = { sourcemap: false, clean: false, target: "node20", platform: "node" } as const;

export default defineConfig([
  // ESM: the library and the `--import` entry (register the ESM loader hook + require hook).
  { ...common, entry: { index: "src/index.ts", auto: "src/auto.ts" }, format: ["esm"], dts: true, splitting: false },
  // CJS: the library and the `-r` entry (require hook only).
  { ...common, entry: { index: "src/index.ts", auto: "src/auto-require.ts" }, format: ["cjs"], dts: true },
  // Workers and edge runtimes (the `workerd`/`edge-light` conditions): no Node.js built-in at all.
  { ...common, entry: { edge: "src/edge.ts" }, format: ["esm"], dts: true, platform: "neutral", target: "es2022", removeNodeProtocol: false },
  // The `tracium` command.
  { ...common, entry: { cli: "src/cli/main.ts" }, format: ["esm"], dts: false },
  // The page `tracium ui` serves: one self-contained browser script (no framework, no CDN).
  { entry: { "ui-page": "src/cli/ui/page/main.ts" }, format: ["iife"], platform: "browser", target: "es2020", minify: true, sourcemap: false, clean: false, dts: false },
]);
