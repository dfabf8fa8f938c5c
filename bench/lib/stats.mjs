/** Small statistics helpers: medians, quartiles, paired ratios. */

export function quantile(values, q) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);

/** Median with its interquartile range. */
export function summary(values) {
  return { median: median(values), p25: quantile(values, 0.25), p75: quantile(values, 0.75), n: values.length };
}

/** Element-wise a[i] - b[i] (paired by round). */
export function pairedDiff(a, b) {
  const n = Math.min(a.length, b.length);
  const out = [];
  for (let i = 0; i < n; i++) out.push(a[i] - b[i]);
  return out;
}

/** Element-wise a[i] / b[i] (paired by round). */
export function pairedRatio(a, b) {
  const n = Math.min(a.length, b.length);
  const out = [];
  for (let i = 0; i < n; i++) out.push(a[i] / b[i]);
  return out;
}

/** "123" / "1.23" / "0.123": about three significant digits. */
export function fmt(x, digits = 3) {
  if (x === undefined || x === null || Number.isNaN(x)) return "n/a";
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return Math.round(x).toLocaleString("en-US");
  return Number(x.toPrecision(digits)).toString();
}

/** "m [p25–p75]" */
export function fmtSummary(s, unit = "", digits = 3) {
  if (!s) return "n/a";
  return `${fmt(s.median, digits)}${unit} [${fmt(s.p25, digits)}–${fmt(s.p75, digits)}]`;
}
