import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { logger, type ModelPrices, type MtokPrice, type PriceMatch, type PriceTable, type PriceTableSource } from "@tracium/core";
import type * as GenaiPrices from "@pydantic/genai-prices";
import { tableProvider } from "./providers.js";

const LIBRARY = "@pydantic/genai-prices";
const REFRESH_TIMEOUT_MS = 10_000;

/**
 * The `@pydantic/genai-prices` price table. Its data (about 800 KB, bundled in the package) is
 * loaded synchronously at the first span that needs a price, so apps that turn cost off never load it.
 */
export const genaiPricesTable: PriceTableSource = {
  name: LIBRARY,
  load(): PriceTable {
    const lib = createRequire(import.meta.url)(LIBRARY) as typeof GenaiPrices;
    return new GenaiPricesTable(lib, libraryVersion());
  },
};

class GenaiPricesTable implements PriceTable {
  generation = 0;
  private readonly timeVarying = new WeakSet<PriceMatch>();

  constructor(
    private readonly lib: typeof GenaiPrices,
    readonly version: string,
  ) {}

  lookup(provider: string | undefined, model: string, at: number): PriceMatch | undefined {
    const providerId = tableProvider(provider);
    // With a provider that the table does not know (a local runtime), no model-name guess is made.
    return this.calc(model, providerId, at);
  }

  cacheable(match: PriceMatch): boolean {
    return !this.timeVarying.has(match);
  }

  refresh(): void {
    try {
      this.lib.updatePrices(({ remoteDataUrl, setProviderData }) => {
        setProviderData(fetchProviderData(remoteDataUrl));
      });
      this.lib.waitForUpdate().then(
        () => {
          this.generation++;
          logger.info("price table refreshed");
        },
        () => undefined,
      );
    } catch (err) {
      logger.once("warn", "cost-refresh", "could not start the price table refresh; using the bundled prices", err);
    }
  }

  private calc(model: string, providerId: string | undefined, at: number): PriceMatch | undefined {
    let result: GenaiPrices.PriceCalculationResult;
    try {
      // One token of input: the call is only used to find the model's price row.
      result = this.lib.calcPrice({ input_tokens: 1 }, model, { providerId, timestamp: new Date(at) });
    } catch {
      return undefined;
    }
    if (!result) return undefined;
    const prices = modelPrices(result.model_price);
    if (!prices) return undefined;
    const match: PriceMatch = { prices, provider: result.provider.id, model: result.model.id };
    if (Array.isArray(result.model.prices) && result.model.prices.some((p) => p.constraint?.type === "time_of_date")) {
      this.timeVarying.add(match);
    }
    return match;
  }
}

function modelPrices(row: GenaiPrices.ModelPrice): ModelPrices | undefined {
  const input = mtok(row.input_mtok);
  if (input === undefined) return undefined;
  return {
    input,
    output: mtok(row.output_mtok),
    cachedInput: mtok(row.cache_read_mtok),
    cacheCreation: mtok(row.cache_write_mtok),
  };
}

function mtok(value: number | GenaiPrices.TieredPrices | undefined): MtokPrice | undefined {
  if (typeof value === "number") return value;
  if (!value || typeof value !== "object" || typeof value.base !== "number" || !Array.isArray(value.tiers)) return undefined;
  return { base: value.base, tiers: [...value.tiers].sort((a, b) => a.start - b.start) };
}

async function fetchProviderData(url: string): Promise<GenaiPrices.ProviderDataValue> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(REFRESH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return (await res.json()) as GenaiPrices.ProviderDataValue;
  } catch (err) {
    logger.once("info", "cost-refresh-fetch", "price table refresh failed; using the bundled prices", err);
    return null;
  }
}

/** The installed data's version (its package.json is not in the package's `exports`, so read it by path). */
function libraryVersion(): string {
  try {
    const entry = createRequire(import.meta.url).resolve(LIBRARY);
    const pkg = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? `genai-prices@${pkg.version}` : "genai-prices";
  } catch {
    return "genai-prices";
  }
}
