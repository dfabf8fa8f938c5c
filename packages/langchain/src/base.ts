/**
 * The base class of the handler: LangChain's `BaseCallbackHandler`, bound lazily. Importing
 * `@tracium/langchain` loads nothing from `@langchain/core` (the SDK imports this package
 * unconditionally, and a plugin must not load the library it patches); the class is loaded when
 * the first handler is constructed, from the build matching ours (modules.ts), and the stand-in's
 * prototype is re-pointed to it. LangChain recognises handlers by shape (`name`, `copy`,
 * `awaitHandlers`), never with `instanceof`, so which build the class comes from does not change
 * how LangChain treats the handler. Without `@langchain/core` a minimal stand-in is used.
 */
import { loadCjs, loadEsmSync, OWN_FORMAT, SUBPATHS } from "./modules.js";

/** Stand-in used only when `@langchain/core` cannot be loaded: same shape, does nothing more. */
abstract class MissingLangChainBase {
  abstract name: string;
  lc_serializable = false;
  lc_kwargs: unknown;
  ignoreLLM = false;
  ignoreChain = false;
  ignoreAgent = false;
  ignoreRetriever = false;
  ignoreCustomEvent = false;
  raiseError = false;
  awaitHandlers = false;
  constructor(input?: unknown) {
    this.lc_kwargs = input ?? {};
  }
  copy(): this {
    const Ctor = this.constructor as new (input: unknown) => this;
    return new Ctor(this);
  }
}

type AnyConstructor = new (...args: unknown[]) => object;

let loaded: AnyConstructor | undefined;

function loadBase(): AnyConstructor {
  if (loaded) return loaded;
  const mod = (OWN_FORMAT === "esm" ? loadEsmSync(SUBPATHS.base) : undefined) ?? loadCjs(SUBPATHS.base);
  const Base = mod?.BaseCallbackHandler;
  loaded = typeof Base === "function" ? (Base as AnyConstructor) : (MissingLangChainBase as unknown as AnyConstructor);
  Object.setPrototypeOf(LazyBaseCallbackHandler.prototype, loaded.prototype);
  Object.setPrototypeOf(LazyBaseCallbackHandler, loaded);
  return loaded;
}

/**
 * Constructs the real base class (its field initialisers run) with the subclass's prototype, and
 * returns that object: a base constructor returning an object makes it the subclass's `this`.
 */
class LazyBaseCallbackHandler {
  constructor(input?: unknown) {
    return Reflect.construct(loadBase(), input === undefined ? [] : [input], new.target) as LazyBaseCallbackHandler;
  }
}

/** What `toJSON()` of a handler returns (LangChain's `SerializedNotImplemented`: handlers are not serializable). */
export interface LangChainSerializedHandler {
  lc: number;
  type: "not_implemented";
  id: string[];
  name?: string;
}

/**
 * The public shape of LangChain's `BaseCallbackHandler`, declared here rather than imported: the
 * published types must compile for an app that does not install `@langchain/core` (an optional
 * peer). LangChain's class has no private members, so a handler of this shape is a LangChain
 * `BaseCallbackHandler` to the type checker; packages/langchain/test/callbacks.typecheck.ts keeps
 * that true against the real `@langchain/core`.
 */
export interface LangChainCallbackHandler {
  name: string;
  lc_serializable: boolean;
  lc_kwargs: Record<string, unknown>;
  readonly lc_namespace: ["langchain_core", "callbacks", string];
  readonly lc_secrets: { [key: string]: string } | undefined;
  readonly lc_attributes: { [key: string]: string } | undefined;
  readonly lc_aliases: { [key: string]: string } | undefined;
  readonly lc_serializable_keys: string[] | undefined;
  readonly lc_id: string[];
  ignoreLLM: boolean;
  ignoreChain: boolean;
  ignoreAgent: boolean;
  ignoreRetriever: boolean;
  ignoreCustomEvent: boolean;
  raiseError: boolean;
  awaitHandlers: boolean;
  copy(): LangChainCallbackHandler;
  toJSON(): LangChainSerializedHandler;
  toJSONNotImplemented(): LangChainSerializedHandler;
}

/** `BaseCallbackHandler` from `@langchain/core/callbacks/base`, loaded at the first construction. */
export const BaseCallbackHandler = LazyBaseCallbackHandler as unknown as abstract new (input?: Record<string, unknown>) => LangChainCallbackHandler;
