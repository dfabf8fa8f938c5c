/** `node:events` on edge runtimes: an `AbortSignal` there has no listener limit to raise. */
export function setMaxListeners(): void {}
