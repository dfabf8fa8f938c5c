import type { TraciumPlugin } from "@tracium/core";
import { createHandlerWithoutInstall } from "./handler.js";
import { getGlobalHandler, installGlobalPatches, setGlobalHandler } from "./install.js";
import {
  isCallbackManagerClass,
  isModelClass,
  isToolsModule,
  isToolsModulePatched,
  patchCallbackManager,
  patchModelClass,
  patchToolsModule,
  unpatchCallbackManager,
  unpatchModelClass,
  unpatchToolsModule,
} from "./patch.js";
import { isWrapped } from "@tracium/core";

interface Found {
  managers: unknown[];
  models: unknown[];
  tools: unknown[];
}

/** The LangChain pieces `target` holds: a module namespace (or its `default`), or a class itself. */
function find(target: unknown): Found {
  const found: Found = { managers: [], models: [], tools: [] };
  const visit = (value: unknown, depth: number): void => {
    if (value === null || value === undefined) return;
    if (typeof value === "function") {
      if (isCallbackManagerClass(value)) found.managers.push(value);
      else if (isModelClass(value)) found.models.push(value);
      return;
    }
    if (typeof value !== "object") return;
    const ns = value as Record<string, unknown>;
    let cm: unknown, chat: unknown, llm: unknown;
    try {
      cm = ns.CallbackManager;
      chat = ns.BaseChatModel;
      llm = ns.BaseLLM;
    } catch {
      return;
    }
    if (isCallbackManagerClass(cm)) found.managers.push(cm);
    if (isModelClass(chat)) found.models.push(chat);
    if (isModelClass(llm)) found.models.push(llm);
    if (isToolsModule(ns)) found.tools.push(ns);
    if (depth === 0 && found.managers.length + found.models.length + found.tools.length === 0) {
      try {
        visit(ns.default, 1);
      } catch {
        // an exotic namespace: nothing found
      }
    }
  };
  visit(target, 0);
  return found;
}

/**
 * The LangChain plugin, for `tracium.instrument(...)` (register it with `registerPlugin` unless
 * `@tracium/sdk` did):
 * - `instrument(await import("@langchain/core/callbacks/manager"))` (or its `CallbackManager`):
 *   every LangChain run is traced (a global {@link TraciumCallbackHandler} with default options,
 *   unless `registerGlobalHandler(options)` set one), on that build and on the builds
 *   `registerGlobalHandler` patches;
 * - `instrument(await import("@langchain/core/language_models/chat_models"))` (`BaseChatModel`,
 *   `BaseLLM`, the `tools` module): only the de-duplication/tool-context patches.
 */
export const langchainPlugin: TraciumPlugin = {
  name: "langchain",
  // The zero-code hooks watch these: the manager turns on the global handler, the others the
  // de-duplication and tool-context patches.
  modules: [
    "@langchain/core/callbacks/manager",
    "@langchain/core/language_models/chat_models",
    "@langchain/core/language_models/llms",
    "@langchain/core/tools",
  ],
  testedVersions: { "@langchain/core": ">=0.3 <2" },
  detect(target: unknown): boolean {
    const f = find(target);
    return f.managers.length + f.models.length + f.tools.length > 0;
  },
  // Synchronous and limited to what it is handed: the zero-code hooks may call it while the module
  // graph that loads `target` is still being evaluated. The other builds and modules (de-duplication
  // patches for a manual `instrument(manager)`) are patched a microtask later; the zero-code hooks
  // hand those modules over themselves anyway.
  patch(target: unknown): void {
    const f = find(target);
    if (f.managers.length > 0) {
      if (!getGlobalHandler()) setGlobalHandler(createHandlerWithoutInstall());
      for (const cm of f.managers) patchCallbackManager(cm);
      queueMicrotask(() => {
        try {
          void installGlobalPatches();
        } catch {
          // logged by the installer; the manager handed over is patched
        }
      });
    }
    for (const model of f.models) patchModelClass(model);
    for (const tools of f.tools) patchToolsModule(tools);
  },
  unpatch(target: unknown): void {
    const f = find(target);
    if (f.managers.length > 0) setGlobalHandler(undefined);
    for (const cm of f.managers) unpatchCallbackManager(cm);
    for (const model of f.models) unpatchModelClass(model);
    for (const tools of f.tools) unpatchToolsModule(tools);
  },
  isPatched(target: unknown): boolean {
    const f = find(target);
    return (
      f.managers.some((cm) => isWrapped(cm as object, "_configureSync")) ||
      f.models.some((m) => isWrapped((m as { prototype: object }).prototype, "_generateUncached")) ||
      f.tools.some(isToolsModulePatched)
    );
  },
};
