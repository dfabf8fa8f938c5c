/**
 * What differs between the JavaScript runtimes Tracium runs on (Node.js, Bun, Deno, Cloudflare
 * Workers, Vercel's edge runtime). Everything here is looked up when called, never at module
 * load: Workers forbid timers and I/O at module scope, and an edge runtime may lack `process`.
 */
import * as asyncHooks from "node:async_hooks";

/** The subset of `AsyncLocalStorage` Tracium uses: Workers and edge runtimes implement only this much. */
export interface ContextStorage<T> {
  run<R>(store: T, fn: () => R): R;
  getStore(): T | undefined;
}

type StorageClass = new <T>() => ContextStorage<T>;

/**
 * The runtime's `AsyncLocalStorage`: `node:async_hooks` (Node, Bun, Deno, Workers with
 * `nodejs_compat`), else the global one edge runtimes expose.
 */
export function storageClass(): StorageClass | undefined {
  const fromHooks = (asyncHooks as { AsyncLocalStorage?: StorageClass }).AsyncLocalStorage;
  if (typeof fromHooks === "function") return fromHooks;
  const global = (globalThis as { AsyncLocalStorage?: StorageClass }).AsyncLocalStorage;
  return typeof global === "function" ? global : undefined;
}

/** A context storage; without any `AsyncLocalStorage` in the runtime, one that only sees synchronous nesting. */
export function createStorage<T>(): ContextStorage<T> {
  const Storage = storageClass();
  return Storage ? new Storage<T>() : new SyncStorage<T>();
}

/** Context across synchronous calls only: the fallback where no `AsyncLocalStorage` exists. */
class SyncStorage<T> implements ContextStorage<T> {
  private current: T | undefined;
  run<R>(store: T, fn: () => R): R {
    const previous = this.current;
    this.current = store;
    try {
      return fn();
    } finally {
      this.current = previous;
    }
  }
  getStore(): T | undefined {
    return this.current;
  }
}

/** `process.env` and `process.argv` where there is a `process` (edge runtimes may have none, or only `env`). */
export function processEnvAndArgv(): { env?: Record<string, string | undefined>; argv?: readonly string[] } {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined>; argv?: readonly string[] } }).process;
  return { env: p?.env, argv: Array.isArray(p?.argv) ? p.argv : undefined };
}

/**
 * Cloudflare Workers or an edge runtime (Vercel, Next.js `runtime = "edge"`): no file system,
 * I/O bound to the request, and the platform freezes the isolate after the response.
 */
export function isEdgeRuntime(): boolean {
  const g = globalThis as { EdgeRuntime?: unknown; navigator?: { userAgent?: unknown } };
  return typeof g.EdgeRuntime === "string" || g.navigator?.userAgent === "Cloudflare-Workers";
}

/** Whether traces can go to a local file: not on Workers or edge runtimes. */
export function hasFileSystem(): boolean {
  return !isEdgeRuntime();
}

type ProcessEvents = { on?: (event: string, fn: () => void) => unknown; removeListener?: (event: string, fn: () => void) => unknown };

/**
 * Listens to a `process` event (`beforeExit`, `exit`) where the runtime has them. Not on Workers
 * and edge runtimes: there is no exit to drain on, and Next.js's edge runtime has a `process.on`
 * that throws. Never throws.
 */
export function onProcessEvent(event: "beforeExit" | "exit", fn: () => void): void {
  if (isEdgeRuntime()) return;
  try {
    (globalThis as { process?: ProcessEvents }).process?.on?.(event, fn);
  } catch {
    // a runtime whose process refuses listeners: nothing to drain on exit there
  }
}

/** Stops what {@link onProcessEvent} started. Never throws. */
export function offProcessEvent(event: "beforeExit" | "exit", fn: () => void): void {
  if (isEdgeRuntime()) return;
  try {
    (globalThis as { process?: ProcessEvents }).process?.removeListener?.(event, fn);
  } catch {
    // see onProcessEvent
  }
}

/** `timer.unref()` where timers have it (Node, Bun, Deno); Workers and browsers return a number. */
export function unrefTimer<T>(timer: T): T {
  (timer as { unref?: () => unknown } | undefined)?.unref?.();
  return timer;
}

/**
 * `setImmediate` where it exists, else a zero-delay timeout. Not on edge runtimes: Next.js's edge
 * runtime defines a `setImmediate` that only throws.
 */
export function nextTurn(fn: () => void): unknown {
  const immediate = usableImmediate();
  return immediate ? immediate(fn) : setTimeout(fn, 0);
}

/** Cancels what {@link nextTurn} returned. */
export function cancelNextTurn(handle: unknown): void {
  const clear = (globalThis as { clearImmediate?: (h: unknown) => void }).clearImmediate;
  if (typeof clear === "function" && usableImmediate()) clear(handle);
  else clearTimeout(handle as ReturnType<typeof setTimeout>);
}

function usableImmediate(): ((cb: () => void) => unknown) | undefined {
  const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  return typeof immediate === "function" && !isEdgeRuntime() ? immediate : undefined;
}
