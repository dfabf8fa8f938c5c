/**
 * `node --import @tracium/sdk/auto app.js` (or `NODE_OPTIONS=--import=@tracium/sdk/auto`): traces
 * an app with no code change. Initialises Tracium from the TRACIUM_* environment variables and
 * patches every copy of the provider SDKs the app loads (its own, nested ones, ESM and CJS
 * builds): an import-in-the-middle loader limited to the plugins' modules for ES modules, and
 * require-in-the-middle for CommonJS. Under Bun (`bun --preload @tracium/sdk/auto app.ts`) a Bun
 * plugin takes the loader's place. It loads no provider itself.
 */
import { logger } from "@tracium/core";
import "./index.js";
import { startAuto } from "./auto/hooks.js";
import { loadedByPreloadFlag, registerEsmHooks } from "./auto/esm.js";
import { bunRuntime, registerBunHooks } from "./auto/bun.js";

const modules = startAuto("esm");
// Bun has no module.register: its runtime plugin API does the same job (`bun --preload`).
if (bunRuntime()) registerBunHooks(modules);
else registerEsmHooks(modules, import.meta.url);
if (!loadedByPreloadFlag()) {
  logger.warn(
    "@tracium/sdk/auto was imported by the app itself: the ES modules it imports statically were loaded before Tracium " +
      "and are not patched. Load it first instead: node --import @tracium/sdk/auto app.js",
  );
}
