/**
 * Compiled by `npm run typecheck`, never run: the handler's type is declared without importing
 * `@langchain/core` (see src/base.ts), and must still be accepted wherever the real LangChain
 * types take a callback handler.
 */
import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { CallbackManager, Callbacks } from "@langchain/core/callbacks/manager";
import type { RunnableConfig } from "@langchain/core/runnables";
import { TraciumCallbackHandler, globalHandler, registerGlobalHandler } from "../src/index.js";

const handler = new TraciumCallbackHandler({ agentName: "support-bot" });

export const asBaseHandler: BaseCallbackHandler = handler;
export const asCopy: BaseCallbackHandler = handler.copy();
export const asCallbacks: Callbacks = [handler];
export const asConfig: RunnableConfig = { callbacks: [registerGlobalHandler({ agentName: "support-bot" })] };
export const asGlobal: BaseCallbackHandler | undefined = globalHandler();

export function addToManager(manager: CallbackManager): void {
  manager.addHandler(handler);
  manager.setHandlers([handler]);
}
