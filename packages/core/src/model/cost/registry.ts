import type { PriceTableSource } from "./types.js";

interface PriceRegistry {
  source: PriceTableSource | undefined;
}

// On globalThis, like the rest of the process state, so the ESM and CJS builds share one registry.
const KEY = Symbol.for("tracium.prices.v1");

const registry: PriceRegistry = ((): PriceRegistry => {
  const g = globalThis as Record<symbol, PriceRegistry | undefined>;
  const existing = g[KEY];
  if (existing) return existing;
  const created: PriceRegistry = { source: undefined };
  Object.defineProperty(g, KEY, { value: created, enumerable: false, configurable: true });
  return created;
})();

/**
 * Sets the price table used to price `llm` and `embedding` spans (`@tracium/sdk` registers the
 * `@tracium/cost` table). Its data is loaded at the first span that needs a price, never before.
 */
export function registerPriceTable(source: PriceTableSource | undefined): void {
  registry.source = source;
}

/** The registered price table source, if any. */
export function priceTableSource(): PriceTableSource | undefined {
  return registry.source;
}
