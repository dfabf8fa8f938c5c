/**
 * What is patched in `@langchain/core`, and why.
 *
 * **Global registration** — `CallbackManager._configureSync` (static). LangChain builds the
 * callback manager of every run through it (`CallbackManager.configure` delegates to it), for
 * root runs and for nested ones. The wrapper adds the global handler, inheritable, unless a
 * Tracium handler is already there (passed by the user, or inherited from the parent run). This
 * is what OpenLLMetry and OpenInference do too, but here on both builds (see modules.ts).
 * LangChain's own hook, `registerConfigureHook` + `setContextVariable`, was rejected: it needs
 * LangChain's global AsyncLocalStorage to be initialised (it throws otherwise), stores the hook
 * list in that storage with `enterWith`, so it only reaches code that runs after the registering
 * call in the same async context, and keys it with a module-private `Symbol`, so a hook registered
 * through one build is invisible to the other.
 *
 * **De-duplication with the openai/anthropic plugins** — `BaseChatModel.prototype` and
 * `BaseLLM.prototype`: `_generateUncached` (invoke/batch/generate; it starts the LLM run, calls
 * `_generate`, ends the run) and `_streamIterator` (stream; an async generator whose body starts
 * the run and pulls the provider stream). No provider model overrides them (ChatOpenAI and
 * ChatAnthropic override `_generate`/`_streamResponseChunks`, which they call). Each execution gets
 * a {@link ModelCall}: the wrapper runs it under `suppressProviderSpans(fn, when)` and in
 * `shared.calls`, where `when()` is "a Tracium handler recorded an `llm` run in this call and has not
 * ended it". The handler is awaited, so its `handleChatModelStart` runs inside the call and marks it;
 * `handleLLMEnd`/`handleLLMError` unmark it. Hence:
 *   - the provider call of a traced model run gives no second `llm` span (usage counted once);
 *   - a model run no Tracium handler records is not suppressed (its provider span is kept);
 *   - a direct SDK call made elsewhere at the same time is in another async context: traced;
 *   - an async generator's body runs in the context of whoever calls `next()`, so the stream
 *     wrapper re-enters the call's context for every `next()`/`return()`/`throw()`; the consumer's
 *     own code between chunks is not suppressed; a stream closed early ends its run (`cancelled`).
 *
 * **Tools** — `StructuredTool.prototype.call`: a tool invoked from inside a suppressed model call
 * (a model that runs tools itself) runs with suppression lifted, so the SDK calls a tool body makes
 * are traced. `DynamicTool`/`DynamicStructuredTool.prototype._call` (what `tool()` creates): the
 * tool body runs with the tool's span active, so SDK calls and `tracium.span()`s inside it nest
 * under the tool span instead of starting traces of their own (langchainjs#11221).
 */
import { isProviderSpanSuppressed, isWrapped, logger, suppressProviderSpans, unsuppressProviderSpans, unwrapMethod, wrapMethod, type Span } from "@tracium/core";
import { isTraciumHandler, shared, type ModelCall } from "./shared.js";

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

interface ConstructorLike {
  new (...args: unknown[]): unknown;
  prototype: Record<string, unknown>;
}

// ------------------------------------------------------------------ global registration

/** Patches `CallbackManager._configureSync` so every run gets the global handler. */
export function patchCallbackManager(CallbackManager: unknown): boolean {
  if (!isCallbackManagerClass(CallbackManager)) return false;
  const CM = CallbackManager as unknown as ConstructorLike;
  wrapMethod(CM, "_configureSync", (original) =>
    function configureSyncWithTracium(this: unknown, ...args: unknown[]): unknown {
      const manager = original.apply(this, args);
      const handler = shared.globalHandler;
      if (!handler) return manager;
      try {
        const m = manager as { handlers?: unknown[]; addHandler?: (h: unknown, inherit?: boolean) => void } | undefined;
        if (m && Array.isArray(m.handlers) && m.handlers.some(isTraciumHandler)) return manager;
        const target = (m ?? new CM()) as { addHandler: (h: unknown, inherit?: boolean) => void };
        target.addHandler(handler, true);
        return target;
      } catch (err) {
        logger.once("error", "lc-configure", "could not add the Tracium handler to a LangChain run; the run is not traced", err);
        return manager;
      }
    },
  );
  return isWrapped(CM, "_configureSync");
}

export function unpatchCallbackManager(CallbackManager: unknown): boolean {
  return isCallbackManagerClass(CallbackManager) && unwrapMethod(CallbackManager as object, "_configureSync");
}

export function isCallbackManagerClass(value: unknown): boolean {
  return typeof value === "function" && typeof (value as unknown as Record<string, unknown>)._configureSync === "function";
}

// ------------------------------------------------------------------ model calls

function runInCall<R>(call: ModelCall, fn: () => R): R {
  return shared.calls.run(call, () => suppressProviderSpans(fn, () => call.runs.size > 0));
}

/** Runs a model's `_generateUncached` with runs it was handed already started (cache path) adopted. */
function adoptStarted(call: ModelCall, managers: unknown): void {
  if (!Array.isArray(managers)) return;
  for (const rm of managers) {
    const r = rm as { runId?: unknown; handlers?: unknown } | undefined;
    if (!r || typeof r.runId !== "string" || !Array.isArray(r.handlers)) continue;
    for (const h of r.handlers) if (isTraciumHandler(h)) h.adoptModelCall(r.runId, call);
  }
}

function wrapGenerate(original: AnyFunction): AnyFunction {
  return function generateWithTracium(this: unknown, ...args: unknown[]): unknown {
    // Already suppressed (an outer traced model call, or the user's own suppression): keep it.
    if (isProviderSpanSuppressed()) return original.apply(this, args);
    const call: ModelCall = { runs: new Map() };
    adoptStarted(call, args[3]);
    return runInCall(call, () => original.apply(this, args));
  };
}

const MAX_RECEIVED_CHARS = 1_000_000;

/** Text of one streamed value: a message chunk's string content, or an LLM's string chunk. */
function chunkText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  const content = (value as { content?: unknown } | null | undefined)?.content;
  return typeof content === "string" ? content : undefined;
}

async function* inCall(inner: AsyncGenerator<unknown, unknown, unknown>, call: ModelCall): AsyncGenerator<unknown, unknown, unknown> {
  let finished = false;
  // What the consumer received: the partial output of a run the consumer stops (models often
  // report a token only after the consumer took its chunk).
  let received = "";
  try {
    let result = await runInCall(call, () => inner.next());
    while (!result.done) {
      const text = chunkText(result.value);
      if (text && received.length < MAX_RECEIVED_CHARS) received += text;
      let sent: unknown;
      try {
        sent = yield result.value;
      } catch (err) {
        result = await runInCall(call, () => inner.throw(err));
        continue;
      }
      result = await runInCall(call, () => inner.next(sent));
    }
    finished = true;
    return result.value;
  } finally {
    if (!finished) {
      try {
        await runInCall(call, () => inner.return(undefined));
      } catch {
        // the stream's own cleanup failed; the consumer already left
      }
    }
    for (const [runId, handler] of [...call.runs]) handler.abandonRun(runId, "stream closed before the model run ended", received || undefined);
  }
}

function wrapStream(original: AnyFunction): AnyFunction {
  return function streamWithTracium(this: unknown, ...args: unknown[]): unknown {
    if (isProviderSpanSuppressed()) return original.apply(this, args);
    const call: ModelCall = { runs: new Map() };
    const inner = runInCall(call, () => original.apply(this, args)) as AsyncGenerator<unknown, unknown, unknown> | undefined;
    if (!inner || typeof inner.next !== "function" || typeof inner.return !== "function") return inner;
    return inCall(inner, call);
  };
}

const MODEL_METHODS: ReadonlyArray<readonly [string, (original: AnyFunction) => AnyFunction]> = [
  ["_generateUncached", wrapGenerate],
  ["_streamIterator", wrapStream],
];

/** True for `BaseChatModel` / `BaseLLM` (a class whose prototype has the generation entry points). */
export function isModelClass(value: unknown): boolean {
  if (typeof value !== "function") return false;
  const proto = (value as unknown as ConstructorLike).prototype;
  return !!proto && typeof proto._generateUncached === "function" && typeof proto._streamIterator === "function";
}

/** Patches a model base class's generation entry points (idempotent). */
export function patchModelClass(ModelClass: unknown): boolean {
  if (!isModelClass(ModelClass)) return false;
  const proto = (ModelClass as unknown as ConstructorLike).prototype;
  for (const [method, wrapper] of MODEL_METHODS) {
    if (Object.prototype.hasOwnProperty.call(proto, method)) wrapMethod(proto, method, wrapper);
  }
  return MODEL_METHODS.some(([m]) => isWrapped(proto, m));
}

export function unpatchModelClass(ModelClass: unknown): boolean {
  if (!isModelClass(ModelClass)) return false;
  const proto = (ModelClass as unknown as ConstructorLike).prototype;
  let any = false;
  for (const [method] of MODEL_METHODS) any = unwrapMethod(proto, method) || any;
  return any;
}

// ------------------------------------------------------------------ tools

function wrapToolCall(original: AnyFunction): AnyFunction {
  return function toolCallWithTracium(this: unknown, ...args: unknown[]): unknown {
    const call = shared.calls.getStore();
    if (!call || call.runs.size === 0) return original.apply(this, args);
    // A tool run from inside a traced model call: its body is not part of that provider call.
    return shared.calls.run(undefined, () => unsuppressProviderSpans(() => original.apply(this, args)));
  };
}

function spanOfRunManager(runManager: unknown): Span | undefined {
  const rm = runManager as { runId?: unknown; handlers?: unknown } | undefined;
  if (!rm || typeof rm.runId !== "string" || !Array.isArray(rm.handlers)) return undefined;
  for (const h of rm.handlers) {
    if (!isTraciumHandler(h)) continue;
    const span = h.spanForRun(rm.runId);
    if (span && !span.isEnded) return span;
  }
  return undefined;
}

function wrapToolBody(original: AnyFunction): AnyFunction {
  return function toolBodyWithTracium(this: unknown, ...args: unknown[]): unknown {
    let span: Span | undefined;
    try {
      span = spanOfRunManager(args[1]);
    } catch {
      span = undefined;
    }
    return span ? span.run(() => original.apply(this, args)) : original.apply(this, args);
  };
}

function toolClasses(mod: Record<string, unknown>): { base?: ConstructorLike; dynamic: ConstructorLike[] } {
  const fn = (v: unknown): ConstructorLike | undefined =>
    typeof v === "function" && (v as unknown as ConstructorLike).prototype ? (v as unknown as ConstructorLike) : undefined;
  const base = fn(mod.StructuredTool);
  const dynamic = [fn(mod.DynamicTool), fn(mod.DynamicStructuredTool)].filter((c): c is ConstructorLike => !!c);
  return { ...(base ? { base } : {}), dynamic };
}

/** True for the `@langchain/core/tools` module (or a namespace with its tool classes). */
export function isToolsModule(value: unknown): boolean {
  if (!value || typeof value !== "object") return false;
  const base = (value as Record<string, unknown>).StructuredTool;
  return typeof base === "function" && typeof (base as unknown as ConstructorLike).prototype?.call === "function";
}

export function patchToolsModule(mod: unknown): boolean {
  if (!isToolsModule(mod)) return false;
  const { base, dynamic } = toolClasses(mod as Record<string, unknown>);
  if (base && Object.prototype.hasOwnProperty.call(base.prototype, "call")) wrapMethod(base.prototype, "call", wrapToolCall);
  for (const cls of dynamic) {
    if (Object.prototype.hasOwnProperty.call(cls.prototype, "_call")) wrapMethod(cls.prototype, "_call", wrapToolBody);
  }
  return !!base && isWrapped(base.prototype, "call");
}

export function unpatchToolsModule(mod: unknown): boolean {
  if (!isToolsModule(mod)) return false;
  const { base, dynamic } = toolClasses(mod as Record<string, unknown>);
  let any = base ? unwrapMethod(base.prototype, "call") : false;
  for (const cls of dynamic) any = unwrapMethod(cls.prototype, "_call") || any;
  return any;
}

export function isToolsModulePatched(mod: unknown): boolean {
  if (!isToolsModule(mod)) return false;
  const { base } = toolClasses(mod as Record<string, unknown>);
  return !!base && isWrapped(base.prototype, "call");
}
