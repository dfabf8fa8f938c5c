/**
 * `node -r @tracium/sdk/auto app.cjs`: zero-code tracing for CommonJS apps. Initialises Tracium
 * from the TRACIUM_* environment variables and patches every copy of the provider SDKs the app
 * `require()`s (require-in-the-middle, limited to the plugins' modules). It loads no provider
 * itself. When the main script is an ES module (`node -r @tracium/sdk/auto app.mjs`), the ES module
 * hook is registered too; `--import @tracium/sdk/auto` is the usual way for those.
 */
import { pathToFileURL } from "node:url";
import "./index.js";
import { startAuto } from "./auto/hooks.js";
import { mainIsEsm, registerEsmHooks } from "./auto/esm.js";

const modules = startAuto("cjs");
if (mainIsEsm()) registerEsmHooks(modules, pathToFileURL(__filename).href);
