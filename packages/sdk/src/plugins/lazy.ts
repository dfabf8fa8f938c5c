/**
 * Stand-ins for what a plugin package exports, each loading the package on first use
 * (`load.ts`): a plugin for the registry, a function, a class. Each behaves as the real export
 * once loaded; the registry and the zero-code hooks read a stand-in plugin's name and modules
 * without loading anything.
 */
import type { TraciumPlugin } from "@tracium/core";
import type { LazyPackage } from "./load.js";

/** What the registry and the zero-code hooks read without loading the plugin. */
export interface PluginDescriptor {
  /** The plugin's name (the same as the real plugin's). */
  readonly name: string;
  /** The modules the zero-code hooks watch for it (the same as the real plugin's). */
  readonly modules: readonly string[];
}

/**
 * A registry entry for `pkg[exportName]`: its name and modules are known at once, everything else
 * loads the package. When the package cannot be loaded it recognises nothing, so `instrument()`
 * leaves the SDK as it was.
 */
export function lazyPlugin<M>(pkg: LazyPackage<M>, exportName: keyof M, descriptor: PluginDescriptor): TraciumPlugin {
  const real = (): TraciumPlugin | undefined => pkg.load()?.[exportName] as TraciumPlugin | undefined;
  // Every plugin patches objects or functions: anything else is answered without loading one.
  const patchable = (target: unknown): boolean => target !== null && (typeof target === "object" || typeof target === "function");
  return {
    name: descriptor.name,
    modules: descriptor.modules,
    get testedVersions(): TraciumPlugin["testedVersions"] {
      return real()?.testedVersions;
    },
    detect: (target) => patchable(target) && real()?.detect(target) === true,
    patch(target): void {
      const plugin = real();
      if (!plugin) throw new Error(`${pkg.specifier} could not be loaded`);
      plugin.patch(target);
    },
    unpatch(target): void {
      real()?.unpatch(target);
    },
    isPatched(target): boolean {
      const plugin = real();
      return plugin?.isPatched ? plugin.isPatched(target) : plugin !== undefined;
    },
    shapeProblem: (target) => (patchable(target) ? real()?.shapeProblem?.(target) : undefined),
    replaceExports(exports): unknown {
      const plugin = real();
      return plugin?.replaceExports ? plugin.replaceExports(exports) : exports;
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (...args: any[]) => any;

/**
 * `pkg[key]`, a function, called through on each call; `fallback` answers instead when the package
 * cannot be loaded (an `instrument…` function returns false, as for a value it does not recognise).
 */
export function lazyFunction<M, K extends keyof M>(pkg: LazyPackage<M>, key: K, fallback: M[K] & AnyFunction): M[K] {
  const call = function (this: unknown, ...args: unknown[]): unknown {
    const fn = pkg.load()?.[key];
    return typeof fn === "function" ? (fn as AnyFunction).apply(this, args) : (fallback as AnyFunction).apply(this, args);
  };
  Object.defineProperty(call, "name", { value: String(key) });
  return call as M[K];
}

/**
 * `pkg[key]`, a class: `new`, `extends`, `instanceof` and its static members all reach the real
 * class, loaded the first time any of them is used. Without the package, constructing one throws
 * an error that names it (there is no object to give instead).
 */
export function lazyClass<M, K extends keyof M>(pkg: LazyPackage<M>, key: K): M[K] {
  const real = (): AnyFunction => {
    const cls = pkg.load()?.[key];
    if (typeof cls !== "function") throw new Error(`${String(key)} is unavailable: ${pkg.specifier} could not be loaded`);
    return cls as AnyFunction;
  };
  const placeholder = function (): void {};
  const proxy: AnyFunction = new Proxy(placeholder, {
    construct: (_target, args, newTarget) => {
      const cls = real();
      return Reflect.construct(cls, args, newTarget === proxy ? cls : newTarget) as object;
    },
    apply: (_target, thisArg, args) => Reflect.apply(real(), thisArg, args) as unknown,
    get: (_target, prop) => Reflect.get(real(), prop) as unknown,
    set: (_target, prop, value) => Reflect.set(real(), prop, value),
    has: (_target, prop) => Reflect.has(real(), prop),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
  return proxy as M[K];
}
