/**
 * Installing the patches of patch.ts on the builds of `@langchain/core` this process uses
 * (modules.ts), and the global handler.
 */
import { logger } from "@tracium/core";
import { forEachBuild, SUBPATHS } from "./modules.js";
import { patchCallbackManager, patchModelClass, patchToolsModule } from "./patch.js";
import { shared, type HandlerLike } from "./shared.js";

let modelsInstalled: Promise<void> | undefined;

function settle(pending: Array<Promise<void> | undefined>): Promise<void> {
  return Promise.all(pending).then(
    () => undefined,
    (err: unknown) => logger.once("error", "lc-install", "patching @langchain/core failed", err),
  );
}

/**
 * Patches the model and tool base classes (de-duplication, tool context). Idempotent; the patches
 * do nothing for runs no Tracium handler records. Resolves when every build is patched (at once,
 * except on Node versions without `require(esm)`, where the ESM build is imported). Done once per
 * process (every handler calls it) unless `again` (after an uninstrument, a CJS build loaded late).
 */
export function installModelPatches(again = false): Promise<void> {
  if (modelsInstalled && !again) return modelsInstalled;
  modelsInstalled = settle([
    forEachBuild(SUBPATHS.chatModels, (m) => patchModelClass(m.BaseChatModel)),
    forEachBuild(SUBPATHS.llms, (m) => patchModelClass(m.BaseLLM)),
    forEachBuild(SUBPATHS.tools, (m) => patchToolsModule(m)),
  ]);
  return modelsInstalled;
}

/**
 * Patches `CallbackManager._configureSync` of every build, plus the model and tool patches. Run
 * again on each call (each `registerGlobalHandler`): cheap, idempotent, and it re-applies patches
 * an `uninstrument` removed.
 */
export function installGlobalPatches(): Promise<void> {
  return settle([forEachBuild(SUBPATHS.manager, (m) => patchCallbackManager(m.CallbackManager)), installModelPatches(true)]);
}

/** Sets the handler the patched `_configureSync` adds to every run (undefined: none). */
export function setGlobalHandler(handler: HandlerLike | undefined): void {
  shared.globalHandler = handler;
}

/** The handler added to every run, if one is registered. */
export function getGlobalHandler(): HandlerLike | undefined {
  return shared.globalHandler;
}
