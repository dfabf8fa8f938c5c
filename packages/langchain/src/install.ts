/**
 * Installing the patches of patch.ts on the builds of `@langchain/core` this process uses
 * (modules.ts), and the global handler.
 */
import { logger } from "@tracium/core";
import { forEachBuild, SUBPATHS } from "./modules.js";
import { patchCallbackManager, patchModelClass, patchToolsModule } from "./patch.js";
import { shared, type HandlerLike } from "./shared.js";

let modelsInstalled: Promise<void> | undefined;
let managerInstalled: Promise<void> | undefined;

function settle(pending: Array<Promise<void> | undefined>): Promise<void> {
  return Promise.all(pending).then(
    () => undefined,
    (err: unknown) => logger.once("error", "lc-install", "patching @langchain/core failed", err),
  );
}

/**
 * Patches the model and tool base classes (de-duplication, tool context). Idempotent; the patches
 * do nothing for runs no Tracium handler records. Resolves when every build is patched (at once,
 * except on Node versions without `require(esm)`, where the ESM build is imported).
 */
export function installModelPatches(): Promise<void> {
  modelsInstalled ??= settle([
    forEachBuild(SUBPATHS.chatModels, (m) => patchModelClass(m.BaseChatModel)),
    forEachBuild(SUBPATHS.llms, (m) => patchModelClass(m.BaseLLM)),
    forEachBuild(SUBPATHS.tools, (m) => patchToolsModule(m)),
  ]);
  return modelsInstalled;
}

/** Patches `CallbackManager._configureSync` of every build, plus the model and tool patches. */
export function installGlobalPatches(): Promise<void> {
  managerInstalled ??= settle([forEachBuild(SUBPATHS.manager, (m) => patchCallbackManager(m.CallbackManager)), installModelPatches()]);
  return managerInstalled;
}

/** Sets the handler the patched `_configureSync` adds to every run (undefined: none). */
export function setGlobalHandler(handler: HandlerLike | undefined): void {
  shared.globalHandler = handler;
}

/** The handler added to every run, if one is registered. */
export function getGlobalHandler(): HandlerLike | undefined {
  return shared.globalHandler;
}
