/**
 * `tracium.tool(name, fn)`: a plain tool function (sync or async) as a traced `tool` span, linked
 * to the model's tool call it answers (see `tool-links.ts`).
 */
import { startSpan } from "../tracing/api.js";
import { activeContext } from "../tracing/context.js";
import { logger } from "../util/logger.js";
import { dataField } from "../util/plain-data.js";
import { plainOptions } from "../tracing/span.js";
import { observePromise, resultKind } from "../util/observe.js";
import { keepFunctionShape } from "../util/function-shape.js";
import type { Span } from "../tracing/span.js";
import { linkToolSpan, toolArgsKey } from "../tracing/tool-links/index.js";

export {
  linkToolSpan,
  configureToolLinks,
  toolLinkStats,
  resetToolLinks,
  findToolCall,
  type ToolSpanHint,
  type ToolLinkOptions,
  type ToolLinkStats,
  type ToolCallLink,
} from "../tracing/tool-links/index.js";

/** Options of {@link tool}. */
export interface ToolOptions<A extends unknown[] = unknown[]> {
  /**
   * The id of the model's tool call this run answers (`call_…`, `toolu_…`): a string, or a
   * function of the call's arguments returning it. When absent, the id is read from the caller
   * (OpenAI `runTools()`, a LangChain tool body's `config.toolCall`) or inferred from the tool
   * name and arguments among the calls the model asked for in this trace.
   */
  toolCallId?: string | ((...args: A) => string | undefined);
  /** Match the model's call by name and arguments when no id is known. Default true. */
  inferToolCall?: boolean;
  /** The tool's description (metadata `tool_description`). */
  description?: string;
  /** Extra span metadata. */
  metadata?: Record<string, unknown>;
  tags?: string[];
  /**
   * What to record as the span input. Default: the first argument (the tool's arguments) when
   * the others are the caller's context (a `runTools()` runner, a LangChain config) or absent,
   * else the argument list.
   */
  input?: (...args: A) => unknown;
  /** Record the input. Default true. */
  captureInput?: boolean;
  /** Record the return value. Default true. */
  captureOutput?: boolean;
}

type Obj = Record<string, unknown>;
type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

function rec(value: unknown): Obj | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;
}

function get(obj: unknown, key: string): unknown {
  try {
    return rec(obj)?.[key];
  } catch {
    return undefined;
  }
}

/** An OpenAI `runTools()` runner (`ChatCompletionRunner`, the streaming one): has `messages` and `on`. */
function isRunner(value: unknown): boolean {
  return Array.isArray(get(value, "messages")) && typeof get(value, "on") === "function";
}

const CONFIG_KEYS = ["toolCall", "callbacks", "configurable", "runId", "runName", "recursionLimit", "signal"];

/** A LangChain `RunnableConfig` (what a `tool(...)` body gets as its second argument). */
function isLangChainConfig(value: unknown): boolean {
  const r = rec(value);
  return r !== undefined && CONFIG_KEYS.some((k) => k in r);
}

function defaultInput(args: unknown[]): unknown {
  if (args.length <= 1) return args[0];
  const rest = args.slice(1);
  return rest.every((a) => a === undefined || isRunner(a) || isLangChainConfig(a)) ? args[0] : args;
}

/** Tool calls of the runner already handed to a traced function (parallel calls of one tool). */
const claimedRunnerCalls = new WeakSet<object>();

/**
 * The call a `runTools()` runner is running: in its last assistant message, the first call not
 * yet claimed whose function name is `names` (arguments equal first), or the only unclaimed call.
 */
function runnerCallId(runner: unknown, names: readonly string[], rawArgs: unknown): string | undefined {
  const messages = get(runner, "messages") as unknown[];
  let calls: unknown[] | undefined;
  for (let i = messages.length - 1; i >= 0 && i >= messages.length - 64; i--) {
    const m = rec(messages[i]);
    if (m?.role !== "assistant") continue;
    if (Array.isArray(m.tool_calls)) calls = m.tool_calls;
    break;
  }
  if (!calls) return undefined;
  const open = calls.filter((c): c is Obj => rec(c) !== undefined && typeof (c as Obj).id === "string" && !claimedRunnerCalls.has(c as object));
  const key = toolArgsKey(rawArgs);
  const byName = open.filter((c) => names.includes(get(c.function, "name") as string));
  const pick = byName.find((c) => key !== undefined && toolArgsKey(get(c.function, "arguments")) === key) ?? byName[0] ?? (open.length === 1 ? open[0] : undefined);
  if (!pick) return undefined;
  claimedRunnerCalls.add(pick);
  return pick.id as string;
}

function callerCallId(args: unknown[], names: readonly string[]): string | undefined {
  const ctx = args[1];
  if (isRunner(ctx)) return runnerCallId(ctx, names, args[0]);
  const fromConfig = get(get(ctx, "toolCall"), "id");
  return typeof fromConfig === "string" && fromConfig ? fromConfig : undefined;
}

const TOOL_OPTION_KEYS: ReadonlyArray<keyof ToolOptions & string> = ["toolCallId", "inferToolCall", "description", "metadata", "tags", "input", "captureInput", "captureOutput"];

/**
 * Wraps a tool function so each call is a `tool` span named `name` in the active trace (an
 * implicit trace outside any), with the arguments as input, the return value (awaited when it is a
 * promise) as output, and a throw or rejection marking the span failed — the same error object
 * reaches the caller. A sync function stays sync; `this` and every argument are passed through.
 *
 * The span is linked to the model's tool call it answers (metadata `tool_call_id` and
 * `llm_span_id`, see `tool-links.ts`): from `options.toolCallId`, from OpenAI `runTools()` (the
 * runner's messages), from a LangChain tool body's `config.toolCall`, else inferred by name and
 * arguments among the calls the model asked for in this trace.
 *
 * ```ts
 * const getWeather = tracium.tool("get_weather", async ({ city }: { city: string }) => fetchWeather(city));
 * // OpenAI runTools():   { type: "function", function: { name: "get_weather", function: getWeather, parse: JSON.parse, parameters } }
 * // LangChain:           tool(getWeather, { name: "get_weather", schema })
 * ```
 *
 * Never throws for its own reasons: if tracing fails, `fn` runs untraced.
 */
export function tool<F extends (...args: any[]) => any>(name: string, fn: F, options: ToolOptions<Parameters<F>> = {}): F {
  if (typeof fn !== "function") {
    logger.once("error", "tool-fn", "tool() needs a function; the value is returned unwrapped");
    return fn;
  }
  const o = plainOptions<ToolOptions<Parameters<F>>>(options, TOOL_OPTION_KEYS, "tool options");
  const fnName = dataField(fn, "name");
  const ownName = typeof fnName === "string" ? fnName : "";
  const toolName = typeof name === "string" && name.trim() ? name.trim() : ownName || "tool";
  const names = ownName && ownName !== toolName ? [toolName, ownName] : [toolName];
  const baseMeta: Obj = { tool_name: toolName, tool_type: "function" };
  if (typeof o.description === "string" && o.description) baseMeta.tool_description = o.description;

  const begin = (args: unknown[]): Span | undefined => {
    let span: Span | undefined;
    try {
      const parent = activeContext()?.span;
      span = startSpan({ spanType: "tool", name: toolName, metadata: { ...baseMeta, ...(rec(o.metadata) ?? {}) }, ...(Array.isArray(o.tags) ? { tags: o.tags } : {}) });
      if (o.captureInput !== false) span.recordInput(typeof o.input === "function" ? Reflect.apply(o.input, undefined, args) : defaultInput(args));
      let callId: string | undefined;
      const given = o.toolCallId;
      if (typeof given === "function") {
        const v = Reflect.apply(given, undefined, args);
        callId = typeof v === "string" && v ? v : undefined;
      } else if (typeof given === "string" && given) {
        callId = given;
      }
      callId ??= callerCallId(args, names);
      linkToolSpan(span, { toolCallId: callId, toolName, arguments: args[0], parent, infer: o.inferToolCall !== false });
      return span;
    } catch (err) {
      logger.once("warn", "tool-start", `tool "${toolName}": could not start its span; it runs untraced`, err);
      try {
        span?.end();
      } catch {
        // ignore
      }
      return undefined;
    }
  };

  const done = (span: Span, value: unknown): void => {
    try {
      if (o.captureOutput !== false) span.recordOutput(value);
      span.end();
    } catch {
      // Span methods never throw; belt and braces.
    }
  };

  const failed = (span: Span, err: unknown): void => {
    try {
      span.fail(err);
    } catch {
      // ignore
    }
  };

  const traced = function tracedTool(this: unknown, ...args: unknown[]): unknown {
    const span = begin(args);
    if (!span) return Reflect.apply(fn as AnyFunction, this, args);
    let result: unknown;
    try {
      result = span.run(() => Reflect.apply(fn as AnyFunction, this, args));
    } catch (err) {
      failed(span, err);
      throw err;
    }
    switch (resultKind(result)) {
      case "promise":
        return (result as Promise<unknown>).then(
          (value) => {
            done(span, value);
            return value;
          },
          (err: unknown) => {
            failed(span, err);
            throw err;
          },
        );
      case "promise-subclass":
        // The same object back, observed from the side through the engine's `then` (its own may run lazy work).
        observePromise(result as Promise<unknown>, (value) => done(span, value), (err) => failed(span, err));
        return result;
      case "thenable":
        // Its `then` may run the tool's work again: the span ends now, without output.
        span.setMetadata({ unobserved_result: "thenable" });
        span.end();
        return result;
      default:
        done(span, result);
        return result;
    }
  };
  return keepFunctionShape(traced, fn, toolName) as unknown as F;
}
