/**
 * The built-in plugins, registered when `@tracium/sdk` is loaded. Loading a plugin never loads
 * the SDK it patches: each one only inspects what it is handed.
 */
import { logger, registerPlugin, registerPriceTable, type TraciumPlugin } from "@tracium/core";
import { genaiPricesTable } from "@tracium/cost";
import { anthropicPlugin } from "@tracium/anthropic";
import { bedrockPlugin } from "@tracium/bedrock";
import { googleGenAIPlugin } from "@tracium/google-genai";
import { langchainPlugin } from "@tracium/langchain";
import { mcpPlugin } from "@tracium/mcp";
import { aiSdkPlugin } from "@tracium/ai-sdk";
import { openaiPlugin } from "@tracium/openai";
import { openaiAgentsPlugin } from "@tracium/openai-agents";
import { groqPlugin } from "@tracium/groq";
import { mistralPlugin } from "@tracium/mistral";
import { ollamaPlugin } from "@tracium/ollama";

/** The built-in plugins, in registration order. */
export const builtinPlugins: readonly TraciumPlugin[] = [openaiPlugin, anthropicPlugin, langchainPlugin, mcpPlugin, googleGenAIPlugin, aiSdkPlugin, bedrockPlugin, groqPlugin, mistralPlugin, ollamaPlugin, openaiAgentsPlugin];

/**
 * Registers the built-in plugins (idempotent: a plugin replaces the one with its name) and the
 * price table (loaded only when a span is priced; `cost: false` never loads it).
 */
export function registerBuiltinPlugins(): void {
  for (const plugin of builtinPlugins) {
    try {
      registerPlugin(plugin);
    } catch (err) {
      logger.error(`could not register the built-in plugin "${plugin?.name}"`, err);
    }
  }
  registerPriceTable(genaiPricesTable);
}
