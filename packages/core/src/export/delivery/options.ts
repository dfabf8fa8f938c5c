/**
 * Option checking shared by the exporters: a bad value gets a logged message and the default,
 * never a crash (DESIGN.md, configuration).
 */
import { logger } from "../../util/logger.js";

/**
 * `value` as an integer in `[min, max]`; `fallback` when it is absent, with a warning when it is
 * present but not a finite number. Out-of-range values are clamped (with a warning).
 */
export function intOption(name: string, value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    logger.warn(`option ${name} must be a number; using ${fallback}`, typeof value);
    return fallback;
  }
  const n = Math.floor(value);
  if (n < min || n > max) {
    const clamped = Math.min(max, Math.max(min, n));
    logger.warn(`option ${name}=${value} is out of range [${min}, ${max}]; using ${clamped}`);
    return clamped;
  }
  return n;
}
