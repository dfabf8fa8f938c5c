/**
 * @tracium/sdk: what users install. Everything of `@tracium/core`, the built-in plugins
 * (openai, @anthropic-ai/sdk, LangChain, MCP clients, groq-sdk, @mistralai/mistralai, ollama, the OpenAI Agents SDK) registered, the LangChain callback handler, and the
 * helpers that mark trace boundaries for zero-code tracing (`withTrace`, `traceHandler`).
 * Zero code: `node --import @tracium/sdk/auto app.js` (CommonJS: `node -r @tracium/sdk/auto app.cjs`).
 */
import { registerBuiltinPlugins } from "./builtins.js";

export * from "@tracium/core";
export { openaiPlugin, instrumentOpenAI, uninstrumentOpenAI } from "@tracium/openai";
export { anthropicPlugin, instrumentAnthropic, uninstrumentAnthropic } from "@tracium/anthropic";
export {
  langchainPlugin,
  TraciumCallbackHandler,
  type TraciumCallbackHandlerOptions,
  registerGlobalHandler,
  unregisterGlobalHandler,
  globalHandler,
  langchainReady,
} from "@tracium/langchain";
export { mcpPlugin, instrumentMcp, uninstrumentMcp } from "@tracium/mcp";
export { googleGenAIPlugin, instrumentGoogleGenAI, uninstrumentGoogleGenAI } from "@tracium/google-genai";
export { aiSdkPlugin, instrumentAiSdk, uninstrumentAiSdk, wrapAiSdk } from "@tracium/ai-sdk";
export { bedrockPlugin, instrumentBedrock, uninstrumentBedrock } from "@tracium/bedrock";
export { groqPlugin, instrumentGroq, uninstrumentGroq } from "@tracium/groq";
export { mistralPlugin, instrumentMistral, uninstrumentMistral } from "@tracium/mistral";
export { ollamaPlugin, instrumentOllama, uninstrumentOllama } from "@tracium/ollama";
export { openaiAgentsPlugin, instrumentOpenAIAgents, uninstrumentOpenAIAgents, traciumProcessor, TraciumTracingProcessor, type OpenAIAgentsOptions } from "@tracium/openai-agents";
export { builtinPlugins } from "./builtins.js";
export { autoStatus as zeroCodeStatus, type AutoStatus as ZeroCodeStatus } from "./auto/status.js";
export { withTrace, traceHandler, type WithTraceOptions, type TraceHandlerOptions } from "./boundary.js";

registerBuiltinPlugins();
