// `prepack` of every package: `npm pack` / `npm publish` would ship `workspace:*` ranges that no
// npm can install. Refuse with the way that works; pnpm (which rewrites them) passes.
import { readFileSync } from "node:fs";

const agent = process.env.npm_config_user_agent ?? "";
const manifest = readFileSync("package.json", "utf8");
if (!agent.startsWith("pnpm/") && manifest.includes('"workspace:')) {
  console.error(
    "[tracium] npm would pack this package with its workspace:* ranges, and npm install of the tarball would fail.\n" +
      "          Pack with `npm run pack` at the repository root (or `pnpm pack` here), publish with `pnpm publish`.",
  );
  process.exit(1);
}
