/**
 * Token usage of one model call, normalised to the Tracium rule: `inputTokens` = input not read
 * from a cache, `cachedInputTokens` = cache reads, `cacheCreationInputTokens` = cache writes,
 * `outputTokens` includes reasoning, also given as `reasoningTokens`.
 *
 * The shapes met:
 * - provider usage of `ai` 6/7 models (specification v3/v4): `inputTokens: { total, noCache,
 *   cacheRead, cacheWrite }`, `outputTokens: { total, text, reasoning }`;
 * - provider usage of `ai` 5 models (v2): numbers; `inputTokens` includes the cached tokens
 *   (`cachedInputTokens`) except for Anthropic, whose `inputTokens` excludes both cache counts
 *   (the cache writes are in `providerMetadata.anthropic.cacheCreationInputTokens`);
 * - the SDK's `LanguageModelUsage` (`inputTokenDetails`, `outputTokenDetails`).
 * Only the usage of the call itself is read: never an operation's `totalUsage`.
 */
import type { TokenUsage } from "@tracium/core";
import { num as anyNumber, own, rec } from "./read.js";

/** A token count: a finite number, not negative. */
function num(obj: unknown, key: string): number | undefined {
  const v = anyNumber(obj, key);
  return v !== undefined && v >= 0 ? v : undefined;
}

function clean(usage: TokenUsage): TokenUsage | undefined {
  const out: TokenUsage = {};
  for (const [k, v] of Object.entries(usage) as Array<[keyof TokenUsage, number | undefined]>) {
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function uncached(total: number | undefined, reads: number | undefined, writes: number | undefined): number | undefined {
  if (total === undefined) return undefined;
  return Math.max(0, total - (reads ?? 0) - (writes ?? 0));
}

/** Specification v3/v4 provider usage (nested objects). */
function nestedUsage(input: unknown, output: unknown): TokenUsage {
  const reads = num(input, "cacheRead");
  const writes = num(input, "cacheWrite");
  return {
    inputTokens: num(input, "noCache") ?? uncached(num(input, "total"), reads, writes),
    cachedInputTokens: reads,
    cacheCreationInputTokens: writes,
    outputTokens: num(output, "total"),
    reasoningTokens: num(output, "reasoning"),
  };
}

/** The normalised usage of one model call (`usage` of a `doGenerate` result or a stream's `finish` part). */
export function callUsage(usage: unknown, providerId: string | undefined, providerMetadata?: unknown): TokenUsage | undefined {
  try {
    const input = own(usage, "inputTokens");
    const output = own(usage, "outputTokens");
    if (rec(input) || rec(output)) return clean(nestedUsage(input, output));
    const details = own(usage, "inputTokenDetails");
    if (rec(details)) {
      const reads = num(details, "cacheReadTokens");
      const writes = num(details, "cacheWriteTokens");
      return clean({
        inputTokens: num(details, "noCacheTokens") ?? uncached(num(usage, "inputTokens"), reads, writes),
        cachedInputTokens: reads,
        cacheCreationInputTokens: writes,
        outputTokens: num(usage, "outputTokens"),
        reasoningTokens: num(own(usage, "outputTokenDetails"), "reasoningTokens") ?? num(usage, "reasoningTokens"),
      });
    }
    const reads = num(usage, "cachedInputTokens");
    const anthropic = typeof providerId === "string" && /(^|\.)anthropic(\.|$)/.test(providerId);
    const writes = anthropic ? metadataNumber(providerMetadata, "anthropic", "cacheCreationInputTokens") : undefined;
    const total = num(usage, "inputTokens");
    return clean({
      inputTokens: anthropic ? total : uncached(total, reads, undefined),
      cachedInputTokens: reads,
      cacheCreationInputTokens: writes,
      outputTokens: num(usage, "outputTokens"),
      reasoningTokens: num(usage, "reasoningTokens"),
    });
  } catch {
    return undefined;
  }
}

function metadataNumber(providerMetadata: unknown, provider: string, key: string): number | undefined {
  return num(own(providerMetadata, provider), key);
}

/** Tokens of an embedding call (`{ tokens }`). */
export function embeddingUsage(usage: unknown): TokenUsage | undefined {
  const tokens = num(usage, "tokens");
  return tokens !== undefined ? { inputTokens: tokens } : undefined;
}
