/**
 * Version ranges, small and dependency-free: enough for the ranges plugins declare in
 * `testedVersions` (`">=4 <8"`, `"1.x"`, `"^0.6"`, `"2 || 3"`). Pre-release tags are ignored
 * (`8.0.0-beta.1` counts as 8.0.0). Nothing here throws.
 */

type Triple = [number, number, number];

/** `"4.104.0"` → [4, 104, 0]; undefined when it does not start with a number. */
export function parseVersion(version: string): Triple | undefined {
  const m = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

function compare(a: Triple, b: Triple): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/** A partial version (`1`, `0.6`, `1.x`, `*`) → the half-open interval it stands for. */
function partial(text: string): { low: Triple; high: Triple | undefined } | undefined {
  if (text === "*" || text === "x" || text === "") return { low: [0, 0, 0], high: undefined };
  const parts = text.replace(/^v/, "").split(".");
  const nums: number[] = [];
  for (const p of parts.slice(0, 3)) {
    if (/^[xX*]$/.test(p)) break;
    const n = Number(p.replace(/-.*$/, ""));
    if (!Number.isInteger(n) || n < 0) return undefined;
    nums.push(n);
  }
  if (nums.length === 0) return { low: [0, 0, 0], high: undefined };
  const low: Triple = [nums[0]!, nums[1] ?? 0, nums[2] ?? 0];
  if (nums.length === 3) return { low, high: [low[0], low[1], low[2] + 1] };
  if (nums.length === 2) return { low, high: [low[0], low[1] + 1, 0] };
  return { low, high: [low[0] + 1, 0, 0] };
}

/** One comparator set (space-separated, all must hold). */
function satisfiesSet(v: Triple, set: string): boolean | undefined {
  for (const token of set.trim().split(/\s+/)) {
    const m = /^(>=|<=|>|<|=|\^|~)?(.*)$/.exec(token);
    if (!m) return undefined;
    const op = m[1] ?? "";
    const p = partial(m[2] ?? "");
    if (!p) return undefined;
    let ok: boolean;
    switch (op) {
      case ">=":
        ok = compare(v, p.low) >= 0;
        break;
      case ">":
        ok = p.high === undefined ? false : compare(v, p.high) >= 0;
        break;
      case "<":
        ok = compare(v, p.low) < 0;
        break;
      case "<=":
        ok = p.high === undefined || compare(v, p.high) < 0;
        break;
      case "^": {
        // ^1.2 → <2; ^0.6 → <0.7 (the leftmost non-zero part is the major)
        const high: Triple = p.low[0] > 0 ? [p.low[0] + 1, 0, 0] : p.low[1] > 0 ? [0, p.low[1] + 1, 0] : [0, 0, p.low[2] + 1];
        ok = compare(v, p.low) >= 0 && compare(v, high) < 0;
        break;
      }
      case "~":
        ok = compare(v, p.low) >= 0 && compare(v, [p.low[0], p.low[1] + 1, 0]) < 0;
        break;
      default:
        ok = compare(v, p.low) >= 0 && (p.high === undefined || compare(v, p.high) < 0);
    }
    if (!ok) return false;
  }
  return true;
}

/**
 * Whether `version` is inside `range`. Undefined when either cannot be read (an unknown version
 * is neither inside nor outside).
 */
export function versionInRange(version: string, range: string): boolean | undefined {
  const v = parseVersion(version);
  if (!v || typeof range !== "string") return undefined;
  let any = false;
  for (const set of range.split("||")) {
    const r = satisfiesSet(v, set);
    if (r === undefined) return undefined;
    if (r) any = true;
  }
  return any;
}
