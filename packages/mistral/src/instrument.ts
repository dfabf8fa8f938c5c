/**
 * Patching: the client's resource getters are wrapped once per SDK build, and each resource
 * prototype they hand out gets its methods wrapped with the core's provider tap (idempotent,
 * shared with every other build of this plugin through `wrapMethod`'s marker).
 */
import { isWrapped, logger, methodOwner, unwrapMethod, wrapMethod, wrapProviderMethod } from "@tracium/core";
import { planCall } from "./call.js";
import { clientClasses, getterOwner, PATCHED_METHODS, RESOURCE_GETTERS, type PatchedMethod } from "./targets.js";

const ORIGINAL_GETTER = Symbol.for("tracium.mistral.originalGetter");

type Getter = (this: unknown) => unknown;
interface WrappedGetter {
  [ORIGINAL_GETTER]?: Getter;
}

/** Resource prototypes already patched (by any build of this plugin). */
const patchedResources: WeakSet<object> = ((): WeakSet<object> => {
  const key = Symbol.for("tracium.mistral.patchedResources");
  const g = globalThis as Record<symbol, unknown>;
  if (!(g[key] instanceof WeakSet)) Object.defineProperty(g, key, { value: new WeakSet(), configurable: true });
  return g[key] as WeakSet<object>;
})();

/** Resource prototypes patched through each wrapped getter owner (for `unpatch`). */
const resourcesByOwner = new WeakMap<object, Set<object>>();

function entriesOf(resource: PatchedMethod["resource"]): PatchedMethod[] {
  return PATCHED_METHODS.filter((e) => e.resource === resource);
}

/** Wraps the methods of one resource object's prototype chain (`via`: the getter owner that handed it out). */
function patchResource(resource: unknown, name: PatchedMethod["resource"], via: object): void {
  if (resource === null || typeof resource !== "object") return;
  const proto = Object.getPrototypeOf(resource) as object | null;
  if (!proto || patchedResources.has(proto)) return;
  patchedResources.add(proto);
  let set = resourcesByOwner.get(via);
  if (!set) resourcesByOwner.set(via, (set = new Set()));
  set.add(proto);
  for (const entry of entriesOf(name)) {
    const owner = methodOwner(proto, entry.method);
    if (!owner) continue;
    try {
      wrapMethod(owner, entry.method, (original) => wrapProviderMethod(original, planCall(entry)));
    } catch (err) {
      logger.once("error", `mistral-patch:${entry.method}`, `mistral: could not patch ${name}.${entry.method}; it stays untraced`, err);
    }
  }
}

function isGetterWrapped(owner: object, key: string): boolean {
  const get = Object.getOwnPropertyDescriptor(owner, key)?.get as (Getter & WrappedGetter) | undefined;
  return typeof get === "function" && get[ORIGINAL_GETTER] !== undefined;
}

function wrapGetter(owner: object, key: PatchedMethod["resource"]): boolean {
  const desc = Object.getOwnPropertyDescriptor(owner, key);
  const original = desc?.get as Getter | undefined;
  if (!desc || typeof original !== "function" || isGetterWrapped(owner, key)) return false;
  const wrapped = function tracedResourceGetter(this: unknown): unknown {
    const resource = Reflect.apply(original, this, []);
    try {
      patchResource(resource, key, owner);
    } catch (err) {
      logger.once("error", `mistral-getter:${key}`, `mistral: could not patch the ${key} resource; it stays untraced`, err);
    }
    return resource;
  } as Getter & WrappedGetter;
  Object.defineProperty(wrapped, ORIGINAL_GETTER, { value: original });
  Object.defineProperty(owner, key, { ...desc, get: wrapped });
  return true;
}

function unwrapGetter(owner: object, key: string): boolean {
  const desc = Object.getOwnPropertyDescriptor(owner, key);
  const original = (desc?.get as (Getter & WrappedGetter) | undefined)?.[ORIGINAL_GETTER];
  if (!desc || !original) return false;
  Object.defineProperty(owner, key, { ...desc, get: original });
  return true;
}

/** The prototypes owning the resource getters of the classes `target` reaches. */
function getterOwners(target: unknown): Array<{ owner: object; key: PatchedMethod["resource"] }> {
  const out: Array<{ owner: object; key: PatchedMethod["resource"] }> = [];
  for (const cls of clientClasses(target)) {
    for (const key of RESOURCE_GETTERS) {
      const owner = getterOwner((cls as { prototype?: unknown }).prototype, key);
      if (owner && !out.some((o) => o.owner === owner && o.key === key)) out.push({ owner, key });
    }
  }
  return out;
}

/** Patches what `target` reaches; returns the number of getters newly wrapped. */
export function patchTarget(target: unknown): number {
  let n = 0;
  for (const { owner, key } of getterOwners(target)) if (wrapGetter(owner, key)) n++;
  return n;
}

/** Restores the getters, and the methods of the resources they handed out. */
export function unpatchTarget(target: unknown): number {
  let n = 0;
  for (const { owner, key } of getterOwners(target)) {
    if (unwrapGetter(owner, key)) n++;
    for (const proto of resourcesByOwner.get(owner) ?? []) {
      for (const entry of entriesOf(key)) {
        const methodHolder = methodOwner(proto, entry.method);
        if (methodHolder && unwrapMethod(methodHolder, entry.method)) n++;
      }
      patchedResources.delete(proto);
    }
  }
  return n;
}

/** Whether every resource getter `target` reaches is wrapped (false when it reaches none). */
export function isTargetPatched(target: unknown): boolean {
  const owners = getterOwners(target);
  return owners.length > 0 && owners.every(({ owner, key }) => isGetterWrapped(owner, key));
}

/** Whether a resource's method is wrapped (for tests and `doctor`). */
export function isResourcePatched(resource: unknown, method: string): boolean {
  const owner = resource !== null && typeof resource === "object" ? methodOwner(Object.getPrototypeOf(resource), method) : undefined;
  return owner !== undefined && isWrapped(owner, method);
}
