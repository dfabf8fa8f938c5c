/**
 * @tracium/cost: the price table behind Tracium's per-span and per-trace cost. `@tracium/sdk`
 * registers it; with `@tracium/core` alone, call `registerPriceTable(genaiPricesTable)`.
 */
export { genaiPricesTable } from "./genai-prices.js";
export { tableProvider } from "./providers.js";
