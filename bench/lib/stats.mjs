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

/** A small seeded PRNG (mulberry32), so the bootstrap gives the same answer for the same data. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Ratio of medians, median(a) / median(b), with its spread: the 25th–75th percentiles of the same
 * ratio over bootstrap resamples of the rounds (rounds resampled as pairs, so a round's drift
 * stays with both sides). More stable than the median of per-round ratios when b is small and
 * noisy (per-round ratios then swing through zero).
 */
export function ratioOfMedians(a, b, resamples = 2000) {
  const n = Math.min(a.length, b.length);
  const point = median(a.slice(0, n)) / median(b.slice(0, n));
  const random = rng(n * 7919 + 17);
  const boots = [];
  for (let r = 0; r < resamples; r++) {
    const ra = [];
    const rb = [];
    for (let i = 0; i < n; i++) {
      const j = Math.floor(random() * n);
      ra.push(a[j]);
      rb.push(b[j]);
    }
    boots.push(median(ra) / median(rb));
  }
  return { median: point, p25: quantile(boots, 0.25), p75: quantile(boots, 0.75), n, method: "ratio of medians, bootstrap IQR" };
}
