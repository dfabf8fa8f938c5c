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
});
