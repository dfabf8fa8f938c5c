import { logger } from "../../util/logger.js";
import type { SpanData } from "../records.js";
import { computeCost } from "./compute.js";
import { priceTableSource } from "./registry.js";
import type { ModelPrices, PriceTable, SpanCost, UserModelPrice } from "./types.js";

interface CachedMatch {
  prices: ModelPrices;
  source: Pick<SpanCost, "price_source" | "price_version" | "matched_provider" | "matched_model">;
}

const MAX_CACHED_MODELS = 2000;

/**
 * Prices `llm` and `embedding` spans as they end. Matches are cached per provider and model, so
 * after the first call of a model a span costs a map lookup and a few multiplications.
 */
export class Pricer {
  private table: PriceTable | undefined;
  private tableFailed = false;
  /** provider -> model -> match (null: the table does not know it). */
  private readonly cache = new Map<string, Map<string, CachedMatch | null>>();
  private cachedModels = 0;
  private generation: number | undefined;

  constructor(
    private readonly userPrices: ReadonlyMap<string, UserModelPrice>,
    refresh: boolean,
  ) {
    // Opt-in: load the table now and let it fetch newer data in the background.
    if (refresh) setTimeout(() => this.loadTable()?.refresh?.(), 0).unref?.();
  }

  /** The span's cost, or undefined (not a model call, no tokens, or a model no price is known for). */
  price(span: SpanData): SpanCost | undefined {
    if (span.spanType !== "llm" && span.spanType !== "embedding") return undefined;
    const model = span.modelId;
    if (!model || !hasTokens(span)) return undefined;
    if (this.userPrices.size > 0) {
      const user = this.userPrices.get(model);
      if (user) return computeCost(span.usage, user, { price_source: "user", matched_model: model });
    }
    const provider = typeof span.metadata.provider === "string" ? span.metadata.provider : "";
    const match = this.match(provider, model, span.startedAt);
    return match ? computeCost(span.usage, match.prices, match.source) : undefined;
  }

  private match(provider: string, model: string, at: number): CachedMatch | undefined {
    if (this.table && this.table.generation !== this.generation) {
      this.generation = this.table.generation;
      this.cache.clear();
      this.cachedModels = 0;
    }
    const cached = this.cache.get(provider)?.get(model);
    if (cached !== undefined) return cached ?? undefined;
    const table = this.loadTable();
    if (!table) return undefined;
    const found = table.lookup(provider || undefined, model, at);
    if (!found) {
      logger.once("info", `cost-unknown:${provider}/${model}`, `no price known for model "${model}"${provider ? ` (provider ${provider})` : ""}: its spans get no cost; set one with init({ prices })`);
    }
    const match: CachedMatch | undefined = found && {
      prices: found.prices,
      source: { price_source: "table", price_version: table.version, matched_provider: found.provider, matched_model: found.model },
    };
    if (!found || table.cacheable(found)) {
      if (this.cachedModels >= MAX_CACHED_MODELS) {
        this.cache.clear();
        this.cachedModels = 0;
      }
      let byModel = this.cache.get(provider);
      if (!byModel) this.cache.set(provider, (byModel = new Map()));
      byModel.set(model, match ?? null);
      this.cachedModels++;
    }
    return match;
  }

  private loadTable(): PriceTable | undefined {
    if (this.table || this.tableFailed) return this.table;
    const source = priceTableSource();
    if (!source) {
      this.tableFailed = true;
      return undefined;
    }
    try {
      this.table = source.load();
    } catch (err) {
      this.tableFailed = true;
      logger.once("warn", "cost-table", `could not load the price table "${source.name}"; spans get no cost`, err);
    }
    return this.table;
  }
}

function hasTokens(span: SpanData): boolean {
  const u = span.usage;
  return (u.inputTokens ?? 0) + (u.outputTokens ?? 0) + (u.cachedInputTokens ?? 0) + (u.cacheCreationInputTokens ?? 0) > 0;
}
