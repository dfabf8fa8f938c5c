/**
 * Zero code: with the MCP plugin registered, `node --import @tracium/sdk/auto` (ESM) and
 * `node -r @tracium/sdk/auto` (CommonJS) patch the MCP client when the app loads it, through the
 * module names the plugin watches (`mcpPlugin.modules`). Runs in child processes.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const dir = fileURLToPath(new URL("./fixtures/zero-code/", import.meta.url));
const require = createRequire(import.meta.url);

/** `@tracium/sdk/auto` ships with the sdk package; skip (visibly) while it is not built. */
function autoAvailable(): boolean {
  try {
    require.resolve("@tracium/sdk/auto");
    return true;
  } catch {
    return false;
  }
}

async function node(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, args, { cwd: dir, env: { ...process.env, TRACIUM_EXPORTER: "none", TRACIUM_LOG_LEVEL: "silent" }, timeout: 20_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

describe.skipIf(!autoAvailable())("zero-code MCP tracing", () => {
  it("ESM: --import @tracium/sdk/auto patches @modelcontextprotocol/sdk/client/index.js", async () => {
    const out = await node(["--import", "./register-mcp.mjs", "--import", "@tracium/sdk/auto", "app.mjs"]);
    expect(out).toMatchObject({ patched: true, sameClass: true, spans: [{ name: "get_weather", type: "tool", server: "weather-server" }] });
  });

  it("CommonJS: -r @tracium/sdk/auto patches require('@modelcontextprotocol/sdk/client/index.js')", async () => {
    const out = await node(["-r", "./register-mcp.cjs", "-r", "@tracium/sdk/auto", "app.cjs"]);
    expect(out).toMatchObject({ patched: true, spans: [{ name: "ping", type: "tool", server: "cjs-server" }] });
  });
});
