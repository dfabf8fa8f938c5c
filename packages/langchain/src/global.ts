import { logger } from "@tracium/core";
import { TraciumCallbackHandler, type TraciumCallbackHandlerOptions } from "./handler.js";
import { getGlobalHandler, installGlobalPatches, setGlobalHandler } from "./install.js";
import { isTraciumHandler } from "./shared.js";

/**
 * Traces every LangChain / LangGraph run in the process without passing `callbacks`: registers a
 * {@link TraciumCallbackHandler} that LangChain adds to each run it configures (a run that already
 * has a Tracium handler, passed explicitly or inherited, keeps that one). Call it once at startup;
 * calling it again replaces the handler. Returns the handler.
 *
 * It patches `CallbackManager._configureSync` of `@langchain/core` (the build your app loads it
 * with; see the README for why this hook and not `registerConfigureHook`), and the model and tool
 * base classes so that our openai/anthropic plugins do not record a model call twice. Tracing is
 * active when this returns, except on Node versions without `require(esm)` (< 20.19 / < 22.12) in
 * an ES module app: there `await langchainReady()` before the first run.
 */
export function registerGlobalHandler(options?: TraciumCallbackHandlerOptions | TraciumCallbackHandler): TraciumCallbackHandler {
  const handler = isTraciumHandler(options) ? (options as TraciumCallbackHandler) : new TraciumCallbackHandler(options);
  setGlobalHandler(handler);
  try {
    void installGlobalPatches();
  } catch (err) {
    logger.once("error", "lc-global-install", "could not patch @langchain/core; LangChain runs are not traced globally", err);
  }
  return handler;
}

/** Stops adding the global handler to new runs (runs in progress finish normally). */
export function unregisterGlobalHandler(): void {
  setGlobalHandler(undefined);
}

/** The globally registered handler, if any. */
export function globalHandler(): TraciumCallbackHandler | undefined {
  const h = getGlobalHandler();
  return h instanceof TraciumCallbackHandler || isTraciumHandler(h) ? (h as TraciumCallbackHandler) : undefined;
}

/** Resolves when the patches are installed on every build of `@langchain/core` (never rejects). */
export function langchainReady(): Promise<void> {
  try {
    return installGlobalPatches();
  } catch {
    return Promise.resolve();
  }
}
