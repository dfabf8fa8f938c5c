/**
 * What `@tracium/sdk` re-exports from the plugin packages, as stand-ins that load each package the
 * first time it is used (`lazy.ts`). Same names, types and behaviour as the packages' own exports;
 * `eager.ts` re-exports the real ones for bundlers, and a test keeps the two lists equal.
 */
import type { TraciumPlugin } from "@tracium/core";
import type * as LangChain from "@tracium/langchain";
import type * as OpenAIAgents from "@tracium/openai-agents";
import { lazyClass, lazyFunction, lazyPlugin } from "./lazy.js";
import { aiSdk, anthropic, bedrock, googleGenAI, groq, langchain, mcp, mistral, ollama, openai, openaiAgents } from "./packages.js";

const no = (): false => false;
const nothing = (): undefined => undefined;

/** The `openai` plugin (`@tracium/openai`). */
export const openaiPlugin: TraciumPlugin = lazyPlugin(openai, "openaiPlugin", { name: "openai", modules: ["openai"] });
/** Patches an `openai` module, client class or client (`@tracium/openai`). */
export const instrumentOpenAI = lazyFunction(openai, "instrumentOpenAI", no);
/** Removes what {@link instrumentOpenAI} patched. */
export const uninstrumentOpenAI = lazyFunction(openai, "uninstrumentOpenAI", no);

/** The `@anthropic-ai/sdk` plugin (`@tracium/anthropic`). */
export const anthropicPlugin: TraciumPlugin = lazyPlugin(anthropic, "anthropicPlugin", { name: "anthropic", modules: ["@anthropic-ai/sdk"] });
/** Patches an `@anthropic-ai/sdk` module, client class or client (`@tracium/anthropic`). */
export const instrumentAnthropic = lazyFunction(anthropic, "instrumentAnthropic", no);
/** Removes what {@link instrumentAnthropic} patched. */
export const uninstrumentAnthropic = lazyFunction(anthropic, "uninstrumentAnthropic", no);

/** The LangChain plugin (`@tracium/langchain`). */
export const langchainPlugin: TraciumPlugin = lazyPlugin(langchain, "langchainPlugin", {
  name: "langchain",
  modules: ["@langchain/core/callbacks/manager", "@langchain/core/language_models/chat_models", "@langchain/core/language_models/llms", "@langchain/core/tools"],
});
/** LangChain / LangGraph runs as Tracium traces: pass one in `callbacks` (`@tracium/langchain`). */
export const TraciumCallbackHandler = lazyClass(langchain, "TraciumCallbackHandler");
/** A {@link TraciumCallbackHandler} instance. */
export type TraciumCallbackHandler = LangChain.TraciumCallbackHandler;
export type { TraciumCallbackHandlerOptions } from "@tracium/langchain";
/** Traces every LangChain run in the process, with no `callbacks` needed (`@tracium/langchain`). */
export const registerGlobalHandler = lazyFunction(langchain, "registerGlobalHandler", nothing as () => never);
/** Removes the handler {@link registerGlobalHandler} installed. */
export const unregisterGlobalHandler = lazyFunction(langchain, "unregisterGlobalHandler", nothing);
/** The handler {@link registerGlobalHandler} installed, if any. */
export const globalHandler = lazyFunction(langchain, "globalHandler", nothing);
/** Resolves once LangChain's ES module build is patched (Node.js without `require(esm)`). */
export const langchainReady = lazyFunction(langchain, "langchainReady", () => Promise.resolve());

/** The MCP client plugin (`@tracium/mcp`). */
export const mcpPlugin: TraciumPlugin = lazyPlugin(mcp, "mcpPlugin", { name: "mcp", modules: ["@modelcontextprotocol/sdk/client/index.js", "@modelcontextprotocol/sdk/client"] });
/** Patches an MCP `Client` class or client (`@tracium/mcp`). */
export const instrumentMcp = lazyFunction(mcp, "instrumentMcp", no);
/** Removes what {@link instrumentMcp} patched. */
export const uninstrumentMcp = lazyFunction(mcp, "uninstrumentMcp", no);

/** The `@google/genai` plugin (`@tracium/google-genai`). */
export const googleGenAIPlugin: TraciumPlugin = lazyPlugin(googleGenAI, "googleGenAIPlugin", { name: "google-genai", modules: ["@google/genai"] });
/** Patches a `@google/genai` module, client class or client (`@tracium/google-genai`). */
export const instrumentGoogleGenAI = lazyFunction(googleGenAI, "instrumentGoogleGenAI", no);
/** Removes what {@link instrumentGoogleGenAI} patched. */
export const uninstrumentGoogleGenAI = lazyFunction(googleGenAI, "uninstrumentGoogleGenAI", no);

/** The Vercel AI SDK plugin (`@tracium/ai-sdk`). */
export const aiSdkPlugin: TraciumPlugin = lazyPlugin(aiSdk, "aiSdkPlugin", { name: "ai-sdk", modules: ["ai"] });
/** Patches the `ai` module (`@tracium/ai-sdk`); reports what it patched. */
export const instrumentAiSdk = lazyFunction(aiSdk, "instrumentAiSdk", () => ({ channel: 0, patched: [], readOnly: [], agentMethods: 0 }));
/** Removes what {@link instrumentAiSdk} patched. */
export const uninstrumentAiSdk = lazyFunction(aiSdk, "uninstrumentAiSdk", no);
/** A traced view of the `ai` module, for a copy that cannot be patched in place (`@tracium/ai-sdk`). */
export const wrapAiSdk = lazyFunction(aiSdk, "wrapAiSdk", <T>(module: T): T => module);

/** The `@aws-sdk/client-bedrock-runtime` plugin (`@tracium/bedrock`). */
export const bedrockPlugin: TraciumPlugin = lazyPlugin(bedrock, "bedrockPlugin", { name: "bedrock", modules: ["@aws-sdk/client-bedrock-runtime"] });
/** Patches a Bedrock runtime module, client class or client (`@tracium/bedrock`). */
export const instrumentBedrock = lazyFunction(bedrock, "instrumentBedrock", no);
/** Removes what {@link instrumentBedrock} patched. */
export const uninstrumentBedrock = lazyFunction(bedrock, "uninstrumentBedrock", no);

/** The `groq-sdk` plugin (`@tracium/groq`). */
export const groqPlugin: TraciumPlugin = lazyPlugin(groq, "groqPlugin", { name: "groq", modules: ["groq-sdk"] });
/** Patches a `groq-sdk` module, client class or client (`@tracium/groq`). */
export const instrumentGroq = lazyFunction(groq, "instrumentGroq", no);
/** Removes what {@link instrumentGroq} patched. */
export const uninstrumentGroq = lazyFunction(groq, "uninstrumentGroq", no);

/** The `@mistralai/mistralai` plugin (`@tracium/mistral`). */
export const mistralPlugin: TraciumPlugin = lazyPlugin(mistral, "mistralPlugin", { name: "mistral", modules: ["@mistralai/mistralai"] });
/** Patches a `@mistralai/mistralai` module, client class or client (`@tracium/mistral`). */
export const instrumentMistral = lazyFunction(mistral, "instrumentMistral", no);
/** Removes what {@link instrumentMistral} patched. */
export const uninstrumentMistral = lazyFunction(mistral, "uninstrumentMistral", no);

/** The `ollama` plugin (`@tracium/ollama`). */
export const ollamaPlugin: TraciumPlugin = lazyPlugin(ollama, "ollamaPlugin", { name: "ollama", modules: ["ollama", "ollama/browser"] });
/** Patches an `ollama` module, client class or client (`@tracium/ollama`). */
export const instrumentOllama = lazyFunction(ollama, "instrumentOllama", no);
/** Removes what {@link instrumentOllama} patched. */
export const uninstrumentOllama = lazyFunction(ollama, "uninstrumentOllama", no);

/** The OpenAI Agents SDK plugin (`@tracium/openai-agents`). */
export const openaiAgentsPlugin: TraciumPlugin = lazyPlugin(openaiAgents, "openaiAgentsPlugin", { name: "openai-agents", modules: ["@openai/agents", "@openai/agents-core"] });
/** Adds the Tracium processor to an `@openai/agents` module (`@tracium/openai-agents`). */
export const instrumentOpenAIAgents = lazyFunction(openaiAgents, "instrumentOpenAIAgents", no);
/** Removes what {@link instrumentOpenAIAgents} added. */
export const uninstrumentOpenAIAgents = lazyFunction(openaiAgents, "uninstrumentOpenAIAgents", no);
/** The process-wide Tracium processor for `@openai/agents` (`@tracium/openai-agents`). */
export const traciumProcessor = lazyFunction(openaiAgents, "traciumProcessor", () => {
  throw new Error("traciumProcessor is unavailable: @tracium/openai-agents could not be loaded");
});
/** The `@openai/agents` tracing processor that records agent runs as Tracium spans. */
export const TraciumTracingProcessor = lazyClass(openaiAgents, "TraciumTracingProcessor");
/** A {@link TraciumTracingProcessor} instance. */
export type TraciumTracingProcessor = OpenAIAgents.TraciumTracingProcessor;
export type { OpenAIAgentsOptions } from "@tracium/openai-agents";

/** The built-in plugins, in registration order. */
export const builtinPlugins: readonly TraciumPlugin[] = [openaiPlugin, anthropicPlugin, langchainPlugin, mcpPlugin, googleGenAIPlugin, aiSdkPlugin, bedrockPlugin, groqPlugin, mistralPlugin, ollamaPlugin, openaiAgentsPlugin];
