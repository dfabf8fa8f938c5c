import { dataField } from "../../util/plain-data.js";
import type { SpanCost } from "./types.js";

/** A cost the provider reported for a call, in US dollars (OpenRouter's `usage.cost`, an agent framework's total). */
export interface ReportedCost {
  total: number;
  input?: number;
  cachedInput?: number;
  cacheCreation?: number;
  output?: number;
}

/** The span cost for a reported one, or undefined when `total` is not a non-negative number. */
export function reportedCost(value: ReportedCost): SpanCost | undefined {
  // Read as plain data: a getter is not called and a Proxy not entered (both read as missing).
  const total = amount(dataField(value, "total"));
  if (total === undefined) return undefined;
  return {
    input: amount(dataField(value, "input")) ?? 0,
    cached_input: amount(dataField(value, "cachedInput")) ?? 0,
    cache_creation: amount(dataField(value, "cacheCreation")) ?? 0,
    output: amount(dataField(value, "output")) ?? 0,
    total,
    currency: "USD",
    price_source: "provider",
  };
}

function amount(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;
}
