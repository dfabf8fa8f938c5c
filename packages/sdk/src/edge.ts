/**
 * `@tracium/sdk` on Cloudflare Workers and edge runtimes (the `workerd` and `edge-light` export
 * conditions): everything of `@tracium/core` (its edge build) and the provider plugins that run
 * there, registered, so `tracium.instrument(OpenAI)` works as on Node.js. Not here: zero code
 * (no module hooks on those runtimes), the LangChain handler and the Vercel AI SDK plugin (both
 * need Node.js built-ins), and prices (the price table is read from a file): spans carry tokens, no
 * cost.
 */
import { logger, registerPlugin, type TraciumPlugin } from "@tracium/core";
import { anthropicPlugin } from "@tracium/anthropic";
import { bedrockPlugin } from "@tracium/bedrock";
import { googleGenAIPlugin } from "@tracium/google-genai";
import { groqPlugin } from "@tracium/groq";
import { mcpPlugin } from "@tracium/mcp";
import { mistralPlugin } from "@tracium/mistral";
import { ollamaPlugin } from "@tracium/ollama";
import { openaiPlugin } from "@tracium/openai";
import { openaiAgentsPlugin } from "@tracium/openai-agents";

export * from "@tracium/core";
export { openaiPlugin, instrumentOpenAI, uninstrumentOpenAI } from "@tracium/openai";
export { anthropicPlugin, instrumentAnthropic, uninstrumentAnthropic } from "@tracium/anthropic";
export { mcpPlugin, instrumentMcp, uninstrumentMcp } from "@tracium/mcp";
export { googleGenAIPlugin, instrumentGoogleGenAI, uninstrumentGoogleGenAI } from "@tracium/google-genai";
export { bedrockPlugin, instrumentBedrock, uninstrumentBedrock } from "@tracium/bedrock";
export { groqPlugin, instrumentGroq, uninstrumentGroq } from "@tracium/groq";
export { mistralPlugin, instrumentMistral, uninstrumentMistral } from "@tracium/mistral";
export { ollamaPlugin, instrumentOllama, uninstrumentOllama } from "@tracium/ollama";
export { openaiAgentsPlugin, instrumentOpenAIAgents, uninstrumentOpenAIAgents, traciumProcessor, TraciumTracingProcessor, type OpenAIAgentsOptions } from "@tracium/openai-agents";

/** The plugins registered by this entry, in registration order. */
export const builtinPlugins: readonly TraciumPlugin[] = [openaiPlugin, anthropicPlugin, mcpPlugin, googleGenAIPlugin, bedrockPlugin, groqPlugin, mistralPlugin, ollamaPlugin, openaiAgentsPlugin];

// Registering only stores the plugins: no timer, no I/O (Workers forbid both at module scope).
for (const plugin of builtinPlugins) {
  try {
    registerPlugin(plugin);
  } catch (err) {
    logger.error(`could not register the built-in plugin "${plugin?.name}"`, err);
  }
}
