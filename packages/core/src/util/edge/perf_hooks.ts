/** `node:perf_hooks` on edge runtimes: the global `performance`. */
export const performance: typeof globalThis.performance = globalThis.performance;
