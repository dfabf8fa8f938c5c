// `npm run demo` (at the repository root) ends here: runs the support-bot example end to end
// against the local fake provider (no network, no keys), then shows its traces with `tracium view`.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, ".tracium", "demo.jsonl");
rmSync(file, { force: true });
const env = { ...process.env, FAKE_PROVIDER: "1", TRACIUM_FILE: file, TRACIUM_EXPORTER: "file", TRACIUM_API_KEY: "" };

const show = (cmd) => console.log(`\n$ ${cmd}`);
show("node support-bot/index.mjs");
const run = spawnSync(process.execPath, [join(here, "support-bot", "index.mjs")], { cwd: here, env, stdio: "inherit" });
if (run.status !== 0) process.exit(run.status ?? 1);

// The `tracium` command of @tracium/sdk (its bin), run with this Node.
const sdkDir = dirname(createRequire(import.meta.url).resolve("@tracium/sdk/package.json"));
show("tracium view .tracium/demo.jsonl");
const view = spawnSync(process.execPath, [join(sdkDir, "dist", "cli.js"), "view", file], { cwd: here, env, stdio: "inherit" });
if (view.status === 0) {
  console.log(`\nSee these traces in your browser (a waterfall, and each llm call as a chat):`);
  console.log(`  node ${relative(process.env.INIT_CWD ?? process.cwd(), join(sdkDir, "dist", "cli.js")) || "."} ui ${relative(process.env.INIT_CWD ?? process.cwd(), file)}`);
  console.log(`In a project that installed @tracium/sdk: npx @tracium/sdk ui`);
}
process.exit(view.status ?? 1);
