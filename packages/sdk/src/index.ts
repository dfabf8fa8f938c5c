/**
 * @tracium/sdk: what users install. Everything of `@tracium/core`, the built-in plugins
 * (openai, @anthropic-ai/sdk, LangChain, MCP clients, @google/genai, the Vercel AI SDK, Bedrock,
 * groq-sdk, @mistralai/mistralai, ollama, the OpenAI Agents SDK) registered, the LangChain callback
 * handler, and the helpers that mark trace boundaries for zero-code tracing (`withTrace`,
 * `traceHandler`). Zero code: `node --import @tracium/sdk/auto app.js` (CommonJS:
 * `node -r @tracium/sdk/auto app.cjs`).
 *
 * A plugin's code is loaded the first time it is needed (`instrument(OpenAI)`, or zero code
 * seeing its SDK loaded), so a process pays only for the SDKs it uses (`plugins/load.ts`).
 * Bundlers get `eager.ts` instead, the same exports with every plugin imported statically.
 */
import { registerBuiltinPlugins } from "./builtins.js";
import { builtinPlugins } from "./plugins/exports.js";
import { builtinPrices } from "./plugins/prices.js";

export * from "@tracium/core";
export * from "./plugins/exports.js";
export { autoStatus as zeroCodeStatus, type AutoStatus as ZeroCodeStatus } from "./auto/status.js";
export { withTrace, traceHandler, type WithTraceOptions, type TraceHandlerOptions } from "./boundary.js";

registerBuiltinPlugins(builtinPlugins, builtinPrices);
