import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  // No source maps: they were most of the tarball, without the sources they point to.
  sourcemap: false,
  clean: true,
  target: "node20",
  platform: "node",
  // import.meta.url in the CJS build (createRequire), __filename in neither: see src/modules.ts.
  shims: true,
  esbuildOptions(options, { format }) {
    // Which build is running decides which build of @langchain/core is patched (src/modules.ts).
    options.define = { ...options.define, __TRACIUM_FORMAT__: JSON.stringify(format) };
  },
});
