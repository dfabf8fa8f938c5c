/**
 * `node -r @tracium/sdk/auto app.cjs`: zero-code tracing for CommonJS apps. Initialises Tracium
 * from the TRACIUM_* environment variables and patches every copy of the provider SDKs the app
 * `require()`s (require-in-the-middle, limited to the plugins' modules). It loads no provider itself.
 * For ES modules use `--import @tracium/sdk/auto`.
 */
import "./index.js";
import { startAuto } from "./auto/hooks.js";

startAuto("cjs");
