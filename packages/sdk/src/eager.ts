/**
 * `@tracium/sdk` for bundlers (the `module` export condition, which Node.js never uses): the same
 * exports as `index.ts`, with every plugin package imported statically so that a bundle holds
 * them all (the entry Node.js loads finds them in `node_modules` on first use instead).
 */
import type { TraciumPlugin } from "@tracium/core";
import { aiSdkPlugin } from "@tracium/ai-sdk";
import { anthropicPlugin } from "@tracium/anthropic";
import { bedrockPlugin } from "@tracium/bedrock";
import { genaiPricesTable } from "@tracium/cost";
import { googleGenAIPlugin } from "@tracium/google-genai";
import { groqPlugin } from "@tracium/groq";
import { langchainPlugin } from "@tracium/langchain";
import { mcpPlugin } from "@tracium/mcp";
import { mistralPlugin } from "@tracium/mistral";
import { ollamaPlugin } from "@tracium/ollama";
import { openaiPlugin } from "@tracium/openai";
import { openaiAgentsPlugin } from "@tracium/openai-agents";
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
export { autoStatus as zeroCodeStatus, type AutoStatus as ZeroCodeStatus } from "./auto/status.js";
export { withTrace, traceHandler, type WithTraceOptions, type TraceHandlerOptions } from "./boundary.js";

/** The built-in plugins, in registration order. */
export const builtinPlugins: readonly TraciumPlugin[] = [openaiPlugin, anthropicPlugin, langchainPlugin, mcpPlugin, googleGenAIPlugin, aiSdkPlugin, bedrockPlugin, groqPlugin, mistralPlugin, ollamaPlugin, openaiAgentsPlugin];

registerBuiltinPlugins(builtinPlugins, genaiPricesTable);
