/**
 * `node:async_hooks` on edge runtimes: the runtime's own `AsyncLocalStorage` (a global on Vercel's
 * edge runtime, `process.getBuiltinModule("node:async_hooks")` on Cloudflare Workers). The core
 * uses only `run` and `getStore`, the subset every one of them implements; `AsyncResource` is
 * taken where there is one and otherwise left out (delivery then runs outside Tracium's context only).
 */
type Hooks = { AsyncLocalStorage?: unknown; AsyncResource?: unknown };

function builtin(): Hooks | undefined {
  try {
    const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return typeof p?.getBuiltinModule === "function" ? (p.getBuiltinModule("node:async_hooks") as Hooks | undefined) : undefined;
  } catch {
    return undefined;
  }
}

const hooks = builtin();

export const AsyncLocalStorage: unknown = (globalThis as Hooks).AsyncLocalStorage ?? hooks?.AsyncLocalStorage;
export const AsyncResource: unknown = hooks?.AsyncResource;
