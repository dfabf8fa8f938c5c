/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and inclusive
 * time per function, with file:line, so hot spots can be read without a GUI.
 */
import { readFileSync } from "node:fs";

export function summariseProfile(path, { top = 25, filter } = {}) {
  const p = JSON.parse(readFileSync(path, "utf8"));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const dt = p.timeDeltas;
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (dt[i] ?? 0));
  const total = dt.reduce((a, b) => a + b, 0);
  const key = (n) => {
    const cf = n.callFrame;
    const file = cf.url.replace(/^file:\/\//, "").replace(/.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, "").replace(/.*\/(packages|bench)\//, "$1/");
    return `${cf.functionName || "(anonymous)"} ${file}:${cf.lineNumber + 1}`;
  };
  const selfBy = new Map();
  const inclBy = new Map();
  for (const n of p.nodes) {
    const s = self.get(n.id) ?? 0;
    if (s === 0) continue;
    const k = key(n);
    selfBy.set(k, (selfBy.get(k) ?? 0) + s);
    // inclusive: credit every distinct function on the stack once
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const kk = key(byId.get(id));
      if (seen.has(kk)) continue;
      seen.add(kk);
      inclBy.set(kk, (inclBy.get(kk) ?? 0) + s);
    }
  }
  const rows = (m) =>
    [...m.entries()]
      .filter(([k]) => !filter || filter(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ pct: (100 * us) / total, ms: us / 1000, fn: k }));
  return { totalMs: total / 1000, self: rows(selfBy), inclusive: rows(inclBy) };
}

export function printProfile(summary, out = console.log) {
  out(`total sampled: ${summary.totalMs.toFixed(0)} ms`);
  out("self time:");
  for (const r of summary.self) out(`  ${r.pct.toFixed(1).padStart(5)}%  ${r.fn}`);
  out("inclusive time:");
  for (const r of summary.inclusive) out(`  ${r.pct.toFixed(1).padStart(5)}%  ${r.fn}`);
}
