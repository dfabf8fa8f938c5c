/**
 * @tracium/langchain: LangChain / LangGraph runs as Tracium traces.
 *
 * - `new TraciumCallbackHandler(options)` — pass it in `callbacks`;
 * - `registerGlobalHandler(options)` — every run in the process, no `callbacks` needed;
 * - `langchainPlugin` — the same through `tracium.instrument(<@langchain/core/callbacks/manager>)`.
 *
 * Importing this package never loads more than `@langchain/core/callbacks/base`, and works (doing
 * nothing) when `@langchain/core` is not installed.
 */
export { TraciumCallbackHandler, type TraciumCallbackHandlerOptions } from "./handler.js";
export { registerGlobalHandler, unregisterGlobalHandler, globalHandler, langchainReady } from "./global.js";
export { langchainPlugin } from "./plugin.js";
