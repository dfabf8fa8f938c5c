/**
 * Patching the methods of a provider SDK's prototypes, the part every prototype-patching plugin
 * shares: wrap each method a target reaches once, remember which prototypes this plugin wrapped
 * (process-wide, shared by the ESM and CJS builds of the plugin, so patching stays idempotent even
 * when another library wrapped the method on top of ours), restore them, and say whether a target
 * is patched. The plugin gives the lookup (`resolve`) and the replacement (`wrapper`).
 */
import { logger } from "../../util/logger.js";
import { isWrapped, unwrapMethod, wrapMethod } from "../../util/patch.js";
import type { AnyFunction } from "./shapes.js";

/** A method found on the prototype that owns it. */
export interface ResolvedMethod<E> {
  readonly owner: object;
  readonly entry: E;
}

/** What a plugin tells the patcher. `E` is one line of its declarative list of patched methods. */
export interface MethodPatcherSpec<E extends { readonly method: string }, O = undefined> {
  /** The plugin's name: it names the registry (`Symbol.for("tracium.<name>.patched")`) and log lines. */
  name: string;
  /** The methods `target` reaches, each on the prototype that owns it. Must not throw. */
  resolve(target: unknown): readonly ResolvedMethod<E>[];
  /** The replacement of one method (usually `(original) => wrapProviderMethod(original, planner)`). */
  wrapper(entry: E, options: O): (original: AnyFunction) => AnyFunction;
  /** How a method reads in log lines, e.g. `"Messages.create"`. Default: its name. */
  describe?(entry: E): string;
}

/** Patch, restore and inspect what a target reaches. None of them throws. */
export interface MethodPatcher<O = undefined> {
  /** Wraps every method `target` reaches that this plugin has not wrapped yet; returns how many. */
  patch(target: unknown, options: O): number;
  /** Restores the methods this plugin wrapped; returns how many. One wrapped over by another library stays. */
  unpatch(target: unknown): number;
  /** Whether every method `target` reaches is patched (false when it reaches none). */
  isPatched(target: unknown): boolean;
}

function ownersRegistry(name: string): WeakMap<object, Set<string>> {
  const key = Symbol.for(`tracium.${name}.patched`);
  const g = globalThis as Record<symbol, unknown>;
  if (!(g[key] instanceof WeakMap)) Object.defineProperty(g, key, { value: new WeakMap(), configurable: true });
  return g[key] as WeakMap<object, Set<string>>;
}

/** Builds the patcher of one plugin. */
export function defineMethodPatcher<E extends { readonly method: string }, O = undefined>(spec: MethodPatcherSpec<E, O>): MethodPatcher<O> {
  const owners = ownersRegistry(spec.name);
  const describe = (entry: E): string => {
    try {
      return spec.describe?.(entry) ?? entry.method;
    } catch {
      return entry.method;
    }
  };
  const resolve = (target: unknown): readonly ResolvedMethod<E>[] => {
    try {
      return spec.resolve(target);
    } catch {
      return [];
    }
  };
  const isOwnerPatched = (owner: object, method: string): boolean => owners.get(owner)?.has(method) === true;
  return {
    patch(target, options) {
      let patched = 0;
      for (const { owner, entry } of resolve(target)) {
        if (isOwnerPatched(owner, entry.method)) continue;
        try {
          if (wrapMethod(owner, entry.method, spec.wrapper(entry, options))) patched++;
          let methods = owners.get(owner);
          if (!methods) owners.set(owner, (methods = new Set()));
          methods.add(entry.method);
        } catch (err) {
          logger.once("error", `${spec.name}-patch:${describe(entry)}`, `${spec.name}: could not patch ${describe(entry)}; it stays untraced`, err);
        }
      }
      return patched;
    },
    unpatch(target) {
      let restored = 0;
      for (const { owner, entry } of resolve(target)) {
        try {
          if (unwrapMethod(owner, entry.method)) {
            restored++;
            owners.get(owner)?.delete(entry.method);
          }
        } catch (err) {
          logger.once("error", `${spec.name}-unpatch:${describe(entry)}`, `${spec.name}: could not unpatch ${describe(entry)}`, err);
        }
      }
      return restored;
    },
    isPatched(target) {
      try {
        const methods = resolve(target);
        return methods.length > 0 && methods.every(({ owner, entry }) => isOwnerPatched(owner, entry.method) || isWrapped(owner, entry.method));
      } catch {
        return false;
      }
    },
  };
}
