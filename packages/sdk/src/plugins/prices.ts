import type { PriceTableSource } from "@tracium/core";
import { cost } from "./packages.js";

/**
 * The price table of `@tracium/cost` (genai-prices), under the name that package gives it; the
 * package loads when the first span is priced, and a package that cannot be loaded leaves spans
 * without cost (one warning, from the pricer).
 */
export const builtinPrices: PriceTableSource = {
  name: "@pydantic/genai-prices",
  load() {
    const source = cost.load()?.genaiPricesTable;
    if (!source) throw new Error("@tracium/cost could not be loaded");
    return source.load();
  },
};
