/**
 * Whether zero code's ES module hooks can run on the app's thread on this Node: it has
 * `module.registerHooks`, and import-in-the-middle says Node runs its synchronous hooks correctly
 * there (Node >= 22.22.3, >= 24.11.1, >= 25.1). Elsewhere they run on Node's loader-hooks thread.
 * Loads only import-in-the-middle's import-free check, and only where `registerHooks` exists.
 */
import * as nodeModule from "node:module";

/** `parentURL`: where import-in-the-middle is found from (the entry asking). */
export function esmHooksRunInThread(parentURL: string): boolean {
  if (typeof (nodeModule as { registerHooks?: unknown }).registerHooks !== "function") return false;
  try {
    const load = nodeModule.createRequire(parentURL);
    const { supportsSyncHooks } = load("import-in-the-middle/supports-sync-hooks.mjs") as { supportsSyncHooks(): boolean };
    return supportsSyncHooks() === true;
  } catch {
    return false;
  }
}
