import type { TokenUsage } from "../records.js";
import type { ModelPrices, MtokPrice, SpanCost } from "./types.js";

/**
 * The cost of one call from normalised token counts. The tier of a tiered price is chosen by the
 * request's whole input (uncached + cache reads + cache writes), as providers bill long contexts.
 */
export function computeCost(usage: TokenUsage, prices: ModelPrices, source: Pick<SpanCost, "price_source" | "price_version" | "matched_provider" | "matched_model">): SpanCost {
  const uncached = usage.inputTokens ?? 0;
  const cacheRead = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheCreationInputTokens ?? 0;
  const allInput = uncached + cacheRead + cacheWrite;
  const input = priced(uncached, prices.input, allInput);
  const cachedInput = priced(cacheRead, prices.cachedInput ?? prices.input, allInput);
  const cacheCreation = priced(cacheWrite, prices.cacheCreation ?? prices.input, allInput);
  const output = priced(usage.outputTokens ?? 0, prices.output ?? 0, allInput);
  return {
    input,
    cached_input: cachedInput,
    cache_creation: cacheCreation,
    output,
    total: input + cachedInput + cacheCreation + output,
    currency: "USD",
    price_source: source.price_source,
    price_version: source.price_version,
    matched_provider: source.matched_provider,
    matched_model: source.matched_model,
  };
}

function priced(tokens: number, price: MtokPrice, allInput: number): number {
  if (tokens <= 0) return 0;
  return (tokens * perMtok(price, allInput)) / 1_000_000;
}

function perMtok(price: MtokPrice, allInput: number): number {
  if (typeof price === "number") return price;
  let rate = price.base;
  for (const tier of price.tiers) if (allInput > tier.start) rate = tier.price;
  return rate;
}
