/**
 * Cost of a span, as exported in its metadata (`cost`) and rolled up into the trace summary.
 * Amounts are in US dollars; each component follows the token rule (DESIGN.md): `input` prices
 * uncached input, `cached_input` cache reads, `cache_creation` cache writes, `output` all output
 * tokens including reasoning.
 */
export interface SpanCost {
  input: number;
  cached_input: number;
  cache_creation: number;
  output: number;
  total: number;
  currency: "USD";
  /** `table` (a price table), `user` (the `prices` option) or `provider` (reported by the API). */
  price_source: "table" | "user" | "provider";
  /** The price data used, e.g. `genai-prices@0.1.8`; absent for user and provider prices. */
  price_version?: string;
  /** The provider and model id the price was matched to. */
  matched_provider?: string;
  matched_model?: string;
}

/** A price per million tokens, or tiers of it chosen by the request's total input tokens. */
export type MtokPrice = number | TieredMtokPrice;

/** Long-context pricing: `base` up to the first tier's `start`, then each tier's `price`. */
export interface TieredMtokPrice {
  base: number;
  tiers: ReadonlyArray<{ start: number; price: number }>;
}

/** One model's prices, per million tokens. Cache prices fall back to the input price when absent. */
export interface ModelPrices {
  input: MtokPrice;
  output?: MtokPrice;
  cachedInput?: MtokPrice;
  cacheCreation?: MtokPrice;
}

/** What a price table returns for a model it knows. */
export interface PriceMatch {
  prices: ModelPrices;
  provider: string;
  model: string;
}

/** Prices for the `prices` option of `init()`: US dollars per million tokens. */
export interface UserModelPrice {
  input: number;
  output?: number;
  cachedInput?: number;
  cacheCreation?: number;
}

/**
 * A source of model prices, looked up at span end. `load()` runs once, at the first priced span
 * (so a price table stays out of the start-up path) and may throw: cost is then turned off with
 * one log line.
 */
export interface PriceTableSource {
  readonly name: string;
  load(): PriceTable;
}

/** A loaded price table. */
export interface PriceTable {
  /** Name and version of the data, e.g. `genai-prices@0.1.8`. */
  readonly version: string;
  /**
   * Prices of `model` from `provider` (the span's `provider` metadata, may be absent) at time
   * `at` (epoch ms), or undefined when the table does not know the model. Must not throw.
   */
  lookup(provider: string | undefined, model: string, at: number): PriceMatch | undefined;
  /**
   * True when the model's prices never change with the time of the call, so a match may be cached
   * per provider and model. A table with time-of-day prices answers false for those models.
   */
  cacheable(match: PriceMatch): boolean;
  /** Starts fetching newer price data in the background; never throws, never blocks. */
  refresh?(): void;
  /** Changes when the table's data is replaced (a refresh), so cached matches are dropped. */
  readonly generation?: number;
}
