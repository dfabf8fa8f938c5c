/** US dollars for people: `$1.23`, `$0.0123`, `$0.000368` (three significant digits below a cent). */
export function formatUsd(amount: number): string {
  if (!Number.isFinite(amount) || amount < 0) return "$?";
  if (amount === 0) return "$0";
  if (amount >= 1) return `$${amount.toFixed(2)}`;
  if (amount >= 0.01) return `$${amount.toFixed(4)}`;
  // The nudge rounds binary fractions such as 0.00036749999… (0.0003675) half up, as people expect.
  const rounded = Number((amount * (1 + 1e-12)).toPrecision(3));
  return `$${rounded.toFixed(Math.min(12, 2 - Math.floor(Math.log10(rounded))))}`;
}

/** The `total` of a span's `metadata.cost`, if it is a cost. */
export function costTotal(cost: unknown): number | undefined {
  if (!cost || typeof cost !== "object") return undefined;
  const total = (cost as { total?: unknown }).total;
  return typeof total === "number" && Number.isFinite(total) && total >= 0 ? total : undefined;
}
