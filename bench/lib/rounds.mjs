/**
 * Interleaved rounds: every round runs one sample of every variant, the order rotating from round
 * to round (A B C, B C A, C A B, …), so drift of a loaded machine hits every variant alike. Each
 * sample is timed twice: wall time and the process's CPU time (user + system, all threads). CPU
 * time is what the variant costs the process and barely moves when other processes load the
 * machine; wall time is what the caller waits. Results are kept per round so variants can be paired.
 */
import { performance } from "node:perf_hooks";

/**
 * @param {Array<{name: string, sample: (n: number) => Promise<void> | void}>} variants
 *   `sample(n)` runs n operations (and, where a variant exports in the background, ends with that
 *   variant's own flush so its export work is billed to it).
 * @param {{rounds: number, warmup: number, ops: number, log?: (s: string) => void}} opts
 * @returns per variant, `wall` and `cpu` ns per operation for each measured round
 */
export async function runRounds(variants, { rounds, warmup, ops, log }) {
  const out = Object.fromEntries(variants.map((v) => [v.name, { wall: [], cpu: [] }]));
  const total = warmup + rounds;
  for (let r = 0; r < total; r++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + r) % variants.length];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await v.sample(ops);
      const wallMs = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (r >= warmup) {
        out[v.name].wall.push((wallMs * 1e6) / ops);
        out[v.name].cpu.push(((c.user + c.system) * 1e3) / ops);
      }
    }
    if (log && (r + 1) % Math.max(1, Math.floor(total / 4)) === 0) log(`  round ${r + 1}/${total}`);
  }
  return out;
}
