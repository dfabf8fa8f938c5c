/**
 * The built-in plugins, registered when `@tracium/sdk` is loaded. Loading a plugin never loads
 * the SDK it patches: each one only inspects what it is handed.
 */
import { logger, registerPlugin, type TraciumPlugin } from "@tracium/core";
import * as anthropic from "@tracium/anthropic";
import * as langchain from "@tracium/langchain";
import { openaiPlugin } from "@tracium/openai";

function named(ns: object, key: string): TraciumPlugin | undefined {
  const value = (ns as Record<string, unknown>)[key];
  return value && typeof value === "object" ? (value as TraciumPlugin) : undefined;
}

/** The built-in plugins, in registration order. */
export const builtinPlugins: readonly TraciumPlugin[] = [
  openaiPlugin,
  named(anthropic, "anthropicPlugin"),
  named(langchain, "langchainPlugin"),
].filter((p): p is TraciumPlugin => p !== undefined);

/** Registers the built-in plugins (idempotent: a plugin replaces the one with its name). */
export function registerBuiltinPlugins(): void {
  for (const plugin of builtinPlugins) {
    try {
      registerPlugin(plugin);
    } catch (err) {
      logger.error(`could not register the built-in plugin "${plugin.name}"`, err);
    }
  }
}
