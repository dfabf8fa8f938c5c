/**
 * @tracium/sdk: what users install. Everything of `@tracium/core`, the built-in plugins
 * (openai, @anthropic-ai/sdk, LangChain) registered, and the helpers that mark trace boundaries
 * for zero-code tracing (`withTrace`, `traceHandler`). Zero code: `node --import @tracium/sdk/auto app.js`.
 */
import { registerBuiltinPlugins } from "./builtins.js";

export * from "@tracium/core";
export { openaiPlugin, instrumentOpenAI, uninstrumentOpenAI } from "@tracium/openai";
export { builtinPlugins } from "./builtins.js";
export { withTrace, traceHandler, type WithTraceOptions, type TraceHandlerOptions } from "./boundary.js";

registerBuiltinPlugins();
