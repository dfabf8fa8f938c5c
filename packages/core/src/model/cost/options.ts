import type { UserModelPrice } from "./types.js";

type Report = (name: string, value: unknown, fallback: unknown) => void;

const FIELDS: ReadonlyArray<keyof UserModelPrice> = ["input", "output", "cachedInput", "cacheCreation"];

/** Validates the `prices` option: each model needs a non-negative `input`; bad entries are reported and skipped. */
export function resolvePrices(value: unknown, report: Report): ReadonlyMap<string, UserModelPrice> {
  const out = new Map<string, UserModelPrice>();
  if (value === undefined) return out;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    report("prices", value, {});
    return out;
  }
  for (const [model, raw] of Object.entries(value as Record<string, unknown>)) {
    const price = userPrice(raw);
    if (price) out.set(model, price);
    else report(`prices[${JSON.stringify(model)}]`, raw, null);
  }
  return out;
}

function userPrice(raw: unknown): UserModelPrice | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const r = raw as Record<string, unknown>;
  const price: UserModelPrice = { input: 0 };
  for (const field of FIELDS) {
    const v = r[field];
    if (v === undefined && field !== "input") continue;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) return undefined;
    price[field] = v;
  }
  return price;
}
