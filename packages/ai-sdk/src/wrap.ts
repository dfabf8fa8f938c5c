/**
 * `ai` 5 and 6: no channel, and telemetry is off unless each call asks for it. Each operation
 * function (`generateText`, `streamText`…) is wrapped; a call opens the operation's span and hands
 * the SDK a copy of its options where
 * - the model is seen through a proxy whose `doGenerate`/`doStream` record one `llm` span per step
 *   (the step's own usage, never the total; a stream observed part by part), with the provider
 *   client's own spans suppressed inside (one `llm` span per call, usage counted once);
 * - each tool's `execute` records a `tool` span linked to the call id the SDK passes it;
 * - streaming operations get an `onFinish` that ends the span before calling the user's.
 * The user's `experimental_telemetry` is left as it is (their tracer still gets the SDK's spans);
 * `isEnabled: false` leaves the call untraced, `recordInputs`/`recordOutputs: false` keep prompts
 * and outputs out of the spans. Anything unexpected: the call runs untouched.
 */
import { performance } from "node:perf_hooks";
import { logger, suppressProviderSpans, unsuppressProviderSpans, type Span } from "@tracium/core";
import { optionMessages } from "./messages.js";
import { generateOutput, recordModelOutput, startModelSpan, type Capture, type ModelCallInfo } from "./model-call.js";
import { captureOf, failOperation, finishOperation, hasModelCalls, modelIds, startOperationSpan, type OperationKind } from "./operation.js";
import { own, proxyCanReplace, rec, str, type Obj } from "./read.js";
import { observeModelStream, type StreamEnd } from "./stream.js";
import { finishToolSpan, startToolSpan } from "./tool.js";

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** One traced operation call. */
interface TracedCall {
  readonly kind: OperationKind;
  readonly span: Span;
  readonly capture: Capture;
  readonly options: Obj;
  readonly streaming: boolean;
}

const STREAMING = new Set<OperationKind>(["streamText", "streamObject"]);

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";
}

/** Ends a streaming operation cut short (its `onFinish` never comes then). */
function endStreamOperation(call: TracedCall, reason: StreamEnd, error: unknown): void {
  if (!call.streaming || call.span.isEnded) return;
  call.span.setMetadata({ stream_end_reason: reason });
  if (reason === "error") failOperation(call.span, error);
  else call.span.end();
}

function tracedModelMethod(call: TracedCall, target: object, method: "doGenerate" | "doStream", original: AnyFunction): AnyFunction {
  const { providerId, modelId } = modelIds(target);
  return function tracedModelCall(this: unknown, ...args: unknown[]): unknown {
    const callOptions = args[0];
    let span: Span | undefined;
    let info: ModelCallInfo | undefined;
    try {
      info = { operation: call.kind, providerId, modelId, messages: own(callOptions, "prompt"), tools: own(callOptions, "tools"), settings: callOptions, stream: method === "doStream", capture: call.capture };
      span = startModelSpan(call.span, info);
    } catch (err) {
      logger.once("warn", "ai-sdk:model-span", "ai-sdk: could not start a model call span; the call runs untraced", err);
    }
    if (!span || !info) return Reflect.apply(original, target, args);
    const startTime = performance.now();
    const s = span;
    const i = info;
    let pending: unknown;
    try {
      pending = suppressProviderSpans(() => s.run(() => Reflect.apply(original, target, args)));
    } catch (err) {
      s.fail(err);
      throw err;
    }
    if (!isThenable(pending)) {
      s.end();
      return pending;
    }
    return Promise.resolve(pending).then(
      (result) => {
        try {
          if (method === "doGenerate") {
            recordModelOutput(s, generateOutput(result), i);
            s.end();
            return result;
          }
          const stream = own(result, "stream");
          if (!stream || typeof stream !== "object") {
            s.end();
            return result;
          }
          const observed = observeModelStream(s, stream, i, startTime, (reason, error, output) => {
            if (reason !== "done") endStreamOperation(call, reason, error);
            else if (call.kind === "streamText" && call.capture.outputs && output.text && !call.span.isEnded) call.span.recordOutput(output.text);
          });
          return { ...(result as Obj), stream: observed };
        } catch (err) {
          logger.once("warn", "ai-sdk:model-result", "ai-sdk: could not record a model result; the call is unaffected", err);
          s.end();
          return result;
        }
      },
      (err: unknown) => {
        s.fail(err);
        throw err;
      },
    );
  };
}

/**
 * The model as the SDK sees it for this call: the same object behind a proxy that only replaces
 * `doGenerate`/`doStream` (every other read goes to the model itself, getters with the model as
 * `this`). A model id string (the gateway) is left as is: no `llm` span for it.
 */
function wrapModel(model: unknown, call: TracedCall): unknown {
  if (model === null || typeof model !== "object") return model;
  const traced = new Map<PropertyKey, AnyFunction>();
  return new Proxy(model, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      // A frozen model's own method must be returned as it is: that model call runs untraced.
      if ((prop === "doGenerate" || prop === "doStream") && typeof value === "function" && proxyCanReplace(target, prop)) {
        let fn = traced.get(prop);
        if (!fn) {
          fn = tracedModelMethod(call, target, prop, value as AnyFunction);
          traced.set(prop, fn);
        }
        return fn;
      }
      return value;
    },
  });
}

function tracedExecute(call: TracedCall, name: string, tool: object, execute: AnyFunction): AnyFunction {
  return function tracedToolExecute(this: unknown, ...args: unknown[]): unknown {
    const input = args[0];
    let span: Span | undefined;
    try {
      span = startToolSpan(call.span, name, str(args[1], "toolCallId"), input, call.capture);
    } catch (err) {
      logger.once("warn", "ai-sdk:tool-span", "ai-sdk: could not start a tool span; the tool runs untraced", err);
    }
    if (!span) return Reflect.apply(execute, tool, args);
    const s = span;
    let result: unknown;
    try {
      // The tool's own model calls are its own business: lift the model call's suppression.
      result = unsuppressProviderSpans(() => s.run(() => Reflect.apply(execute, tool, args)));
    } catch (err) {
      s.fail(err);
      throw err;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => {
          finishToolSpan(s, value, call.capture);
          return value;
        },
        (err: unknown) => {
          s.fail(err);
          throw err;
        },
      );
    }
    if (result !== null && typeof result === "object" && Symbol.asyncIterator in result) {
      s.setMetadata({ output_streamed: true });
      s.end();
      return result;
    }
    finishToolSpan(s, result, call.capture);
    return result;
  };
}

/**
 * A copy of the user's `ToolSet` whose tools are seen through proxies that only replace `execute`
 * with one recording a tool span. Every other read goes to the tool itself (a class's getters,
 * non-enumerable fields), so the SDK sends the model the same description and schema. The tools
 * themselves are untouched; a frozen tool's own `execute` runs untraced.
 */
function wrapTools(tools: unknown, call: TracedCall): unknown {
  const set = rec(tools);
  if (!set) return tools;
  const out: Obj = {};
  let changed = false;
  for (const name of Object.keys(set).slice(0, 1000)) {
    const tool = own(set, name);
    const execute = own(tool, "execute");
    if (tool && typeof tool === "object" && typeof execute === "function" && proxyCanReplace(tool, "execute")) {
      const traced = tracedExecute(call, name, tool, execute as AnyFunction);
      out[name] = new Proxy(tool, {
        get: (target, prop) => (prop === "execute" ? traced : Reflect.get(target, prop, target)),
      });
      changed = true;
    } else {
      out[name] = tool;
    }
  }
  return changed ? out : tools;
}

/**
 * What `streamText`/`streamObject` do on an error when the call sets no `onError` (ai 5 and 6
 * both default to logging it): ours replaces the default, so it must do the same.
 */
function sdkDefaultOnError(event: unknown): void {
  console.error(own(event, "error"));
}

/** Chains our `onFinish`/`onAbort`/`onError` before the user's (whose return value the SDK still awaits). */
function withCallback(options: Obj, key: "onFinish" | "onAbort" | "onError", ours: (event: unknown) => void, fallback?: (event: unknown) => void): void {
  const user = own(options, key);
  options[key] = function tracedCallback(this: unknown, ...args: unknown[]): unknown {
    try {
      ours(args[0]);
    } catch (err) {
      logger.once("warn", `ai-sdk:${key}`, "ai-sdk: could not record the end of a stream", err);
    }
    if (typeof user === "function") return Reflect.apply(user as AnyFunction, this, args);
    return fallback?.(args[0]);
  };
}

/** Plans one call: its span and the options the SDK gets. Undefined: run untraced. */
function planCall(kind: OperationKind, options: unknown, agent?: { name: string; id: string | undefined }): TracedCall | undefined {
  const opts = rec(options);
  if (!opts) return undefined;
  const telemetry = own(opts, "experimental_telemetry");
  if (own(telemetry, "isEnabled") === false) return undefined;
  const capture = captureOf(telemetry);
  const model = own(opts, "model");
  const span = startOperationSpan({
    kind,
    ...modelIds(model),
    messages: optionMessages(opts),
    system: own(opts, "system"),
    tools: own(opts, "tools"),
    values: kind === "embed" ? own(opts, "value") : kind === "embedMany" ? own(opts, "values") : undefined,
    functionId: str(telemetry, "functionId"),
    capture,
    agent,
  });
  const copy: Obj = { ...opts };
  const call: TracedCall = { kind, span, capture, options: copy, streaming: STREAMING.has(kind) };
  try {
    if (hasModelCalls(kind)) copy.model = wrapModel(model, call);
    if (own(opts, "tools") !== undefined) copy.tools = wrapTools(own(opts, "tools"), call);
    if (call.streaming) {
      withCallback(copy, "onFinish", (event) => {
        if (!span.isEnded) finishOperation(span, kind, event, capture);
      });
      withCallback(copy, "onAbort", () => endStreamOperation(call, "abort", undefined));
      // The SDK reports a failed stream here and nowhere else when the model call itself failed
      // (no stream to observe, no onFinish): the operation ends failed with the error given.
      withCallback(copy, "onError", (event) => endStreamOperation(call, "error", own(event, "error")), sdkDefaultOnError);
    }
  } catch (err) {
    logger.once("warn", "ai-sdk:plan", "ai-sdk: could not prepare a call for tracing; it runs untraced", err);
    span.end();
    return undefined;
  }
  return call;
}

/** The replacement for one `ai` 5/6 operation function. */
export function tracedOperation(kind: OperationKind, original: AnyFunction): AnyFunction {
  return function tracedAiOperation(this: unknown, ...args: unknown[]): unknown {
    let call: TracedCall | undefined;
    try {
      call = planCall(kind, args[0]);
    } catch (err) {
      logger.once("warn", "ai-sdk:call", "ai-sdk: could not trace a call; it runs untraced", err);
      call = undefined;
    }
    if (!call) return Reflect.apply(original, this, args);
    const c = call;
    const callArgs = [c.options, ...args.slice(1)];
    // Embeddings are recorded on the operation span: the provider client's own spans are suppressed.
    const run = (): unknown => c.span.run(() => Reflect.apply(original, this, callArgs));
    let result: unknown;
    try {
      result = hasModelCalls(kind) ? run() : suppressProviderSpans(run);
    } catch (err) {
      failOperation(c.span, err);
      throw err;
    }
    if (c.streaming) return result;
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          finishOperation(c.span, kind, value, c.capture);
          return value;
        },
        (err: unknown) => {
          failOperation(c.span, err);
          throw err;
        },
      );
    }
    finishOperation(c.span, kind, result, c.capture);
    return result;
  };
}

/**
 * The replacement for an agent class's `generate`/`stream` (`ai` 5 `Experimental_Agent`, `ai` 6
 * `ToolLoopAgent`), which call the SDK's functions from inside the module, out of reach of the
 * patched exports. The method runs with `this` seen through a proxy whose `settings` (the agent's
 * model, tools, callbacks) are the traced copy; the agent itself is untouched.
 */
export function tracedAgentMethod(kind: "generateText" | "streamText", original: AnyFunction): AnyFunction {
  const method = kind === "generateText" ? "generate" : "stream";
  return function tracedAgentCall(this: unknown, ...args: unknown[]): unknown {
    const agent = this;
    let call: TracedCall | undefined;
    try {
      const settings = own(agent, "settings");
      call = agent !== null && typeof agent === "object" && rec(settings) && proxyCanReplace(agent, "settings") ? planCall(kind, settings, { name: `ai.agent.${method}`, id: str(settings, "id") }) : undefined;
    } catch (err) {
      logger.once("warn", "ai-sdk:agent", "ai-sdk: could not trace an agent run; it runs untraced", err);
      call = undefined;
    }
    if (!call) return Reflect.apply(original, this, args);
    const c = call;
    const view = new Proxy(agent as object, {
      get(target, prop) {
        return prop === "settings" ? c.options : Reflect.get(target, prop, target);
      },
    });
    let result: unknown;
    try {
      result = c.span.run(() => Reflect.apply(original, view, args));
    } catch (err) {
      failOperation(c.span, err);
      throw err;
    }
    if (!(result instanceof Promise)) {
      if (!c.streaming) finishOperation(c.span, kind, result, c.capture);
      return result;
    }
    return result.then(
      (value: unknown) => {
        if (!c.streaming) finishOperation(c.span, kind, value, c.capture);
        return value;
      },
      (err: unknown) => {
        failOperation(c.span, err);
        throw err;
      },
    );
  };
}
