import { readdirSync, readFileSync } from "node:fs";
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
  // Keep `node:` specifiers: Workers (nodejs_compat), Deno and Bun resolve built-ins only by them.
  removeNodeProtocol: false,
  // V8 keeps a module's source on the heap, as one byte per character only if every character is
  // ASCII: one "…" left in a comment doubles this bundle's share of the idle heap (~300 KB).
  // esbuild escapes strings, not comments, hence the check.
  async onSuccess() {
    for (const file of readdirSync("dist").filter((f) => /\.c?js$/.test(f))) {
      const at = readFileSync(`dist/${file}`, "utf8").search(/[^\x00-\x7f]/);
      if (at >= 0) throw new Error(`dist/${file}: non-ASCII character at offset ${at} (V8 would keep the whole source two bytes per character); write it as ASCII in src`);
    }
  },
});
