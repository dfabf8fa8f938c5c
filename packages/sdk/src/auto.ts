/**
 * `node --import @tracium/sdk/auto app.js` (or `NODE_OPTIONS=--import=@tracium/sdk/auto`): traces
 * an app with no code change. Initialises Tracium from the TRACIUM_* environment variables and
 * patches every copy of the provider SDKs the app loads (its own, nested ones, ESM and CJS
 * builds): an import-in-the-middle loader limited to the plugins' modules for ES modules, and
 * require-in-the-middle for CommonJS. It loads no provider itself.
 */
import { register } from "node:module";
import { addHook } from "import-in-the-middle";
import { logger } from "@tracium/core";
import "./index.js";
import { autoStatus, esmIncludeList, onImported, startAuto } from "./auto/hooks.js";

const ESM_KEY = Symbol.for("tracium.sdk.auto.esm.v1");

function startEsm(): void {
  const g = globalThis as Record<symbol, boolean | undefined>;
  const modules = startAuto("esm");
  if (g[ESM_KEY] || modules.length === 0) return;
  Object.defineProperty(g, ESM_KEY, { value: true, enumerable: false, configurable: true });
  try {
    register("import-in-the-middle/hook.mjs", import.meta.url, { data: { include: esmIncludeList(modules) } });
    addHook(onImported(modules));
  } catch (err) {
    autoStatus().esm = false;
    logger.error("zero-code: could not register the ES module hook; ES module imports are not patched", err);
  }
}

startEsm();
