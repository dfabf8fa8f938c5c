/**
 * What the plugin patches, and how one command sent through a Bedrock Runtime client becomes a span.
 *
 * The plugin defines `send` on the `BedrockRuntimeClient` prototype (see `targets.ts`): it calls the
 * shared smithy `send` (looked up at call time, so another library's wrapper there still runs) and
 * traces only the commands listed in {@link TRACED_COMMANDS}. `CountTokens`, guardrail and async
 * invocation commands make no model call of their own and go through untraced, as does a `send`
 * given a callback. The aggregated `BedrockRuntime` client (`client.converse(...)`) calls `send`, so
 * it is covered too.
 */
// The global `performance` (the one `node:perf_hooks` exports): this plugin also runs on Workers and edge runtimes.
import {
  logger,
  safeGet,
  spanCapturesContent,
  wrapProviderMethod,
  type ProviderCallHooks,
  type ProviderCallPlan,
  type ProviderCallPlanner,
  type Span,
  type StreamEndInfo,
} from "@tracium/core";
import { converseInput, converseParams, converseTools, recordConverseOutput } from "./converse.js";
import { ConverseStreamAccumulator, isConverseTokenEvent } from "./converse-stream.js";
import { InvokeStreamAccumulator, invokeRequest, recordInvokeOutput, recordInvokeResult } from "./invoke.js";
import { field } from "./read.js";
import { wrapStreamingSend } from "./stream-tap.js";
import { PATCH_MARK, resolvePrototypes } from "./targets.js";

/** Provider name recorded in span metadata. */
export const PROVIDER = "aws.bedrock";

/** One traced command. */
export interface TracedCommand {
  /** The Smithy operation name (`ConverseStream`; the command class is `ConverseStreamCommand`). */
  readonly operation: string;
  /** Request/response shape: the Converse API, or a model-native InvokeModel body. */
  readonly api: "converse" | "invoke";
  /** Whether the output carries an event stream. */
  readonly stream: boolean;
  /** Span name. */
  readonly spanName: string;
}

/** The traced commands. Adding one is one line here. */
export const TRACED_COMMANDS: readonly TracedCommand[] = [
  { operation: "Converse", api: "converse", stream: false, spanName: "bedrock.converse" },
  { operation: "ConverseStream", api: "converse", stream: true, spanName: "bedrock.converseStream" },
  { operation: "InvokeModel", api: "invoke", stream: false, spanName: "bedrock.invokeModel" },
  { operation: "InvokeModelWithResponseStream", api: "invoke", stream: true, spanName: "bedrock.invokeModelWithResponseStream" },
];

const BY_OPERATION = new Map(TRACED_COMMANDS.map((c) => [c.operation, c]));
/** Where each streaming output keeps its event stream. */
const STREAM_KEYS = ["stream", "body"];

/**
 * The operation a command runs: from its schema (`[kind, namespace, name, …]`, SDK versions with
 * schema-based serde), else from its class name (`ConverseCommand` → `Converse`).
 */
export function operationOf(command: unknown): string | undefined {
  const schema = safeGet(command, "schema");
  if (Array.isArray(schema) && typeof schema[2] === "string") return schema[2];
  const name = safeGet(safeGet(command, "constructor"), "name");
  return typeof name === "string" && name.endsWith("Command") ? name.slice(0, -"Command".length) : undefined;
}

/** The traced command `command` is, if any. */
export function tracedCommand(command: unknown): TracedCommand | undefined {
  const op = operationOf(command);
  return op === undefined ? undefined : BY_OPERATION.get(op);
}

function signalOf(args: readonly unknown[]): AbortSignal | undefined {
  const s = safeGet(args[1], "abortSignal");
  return s !== null && typeof s === "object" && typeof safeGet(s, "addEventListener") === "function" ? (s as AbortSignal) : undefined;
}

/** The hooks of one call; a stream call's hooks hold its accumulator. */
function callHooks(entry: TracedCommand, input: unknown, signal: AbortSignal | undefined): ProviderCallHooks<unknown, unknown> {
  const converseAcc = entry.stream && entry.api === "converse" ? new ConverseStreamAccumulator() : undefined;
  const invokeAcc = entry.stream && entry.api === "invoke" ? new InvokeStreamAccumulator() : undefined;
  let startedAt = performance.now();
  const hooks: ProviderCallHooks<unknown, unknown> = {
    onStart(span: Span): void {
      startedAt = performance.now();
      if (entry.api === "converse") {
        const recorded = converseInput(input);
        if (recorded !== undefined) span.recordInput(recorded);
        const tools = converseTools(input);
        if (tools) span.setTools(tools);
        const params = converseParams(input);
        if (params) span.setMetadata({ request_params: params });
      } else {
        const req = invokeRequest(field(input, "body"));
        if (req.input !== undefined) span.recordInput(req.input);
        if (req.tools) span.setTools(req.tools);
        if (req.params) {
          if (!spanCapturesContent(span)) delete req.params.stop_sequences;
          span.setMetadata({ request_params: req.params });
        }
      }
    },
    onResult(span: Span, output: unknown): void {
      if (entry.api === "converse") recordConverseOutput(span, output);
      else recordInvokeOutput(span, output);
    },
    onChunk(span: Span, chunk: unknown): void {
      converseAcc?.add(chunk);
      // InvokeModel chunks are bytes: the first one carrying generated content is the first token.
      if (invokeAcc?.add(chunk)) span.setMetadata({ time_to_first_token_ms: Math.round((performance.now() - startedAt) * 1000) / 1000 });
    },
    onStreamEnd(span: Span, info: StreamEndInfo): void {
      if (converseAcc && converseAcc.eventCount > 0) recordConverseOutput(span, converseAcc.output());
      if (invokeAcc && invokeAcc.chunkCount > 0) recordInvokeResult(span, invokeAcc.result());
      if (info.reason === "error" && signal?.aborted === true) span.setMetadata({ stream_end_reason: "abort" });
    },
  };
  if (converseAcc) hooks.isTokenChunk = isConverseTokenEvent;
  return hooks;
}

/** The planner: the span each traced command gets. */
export const planSend: ProviderCallPlanner = (_self, args): ProviderCallPlan<unknown, unknown> | undefined => {
  const entry = tracedCommand(args[0]);
  if (!entry) return undefined;
  const input = safeGet(args[0], "input");
  const modelId = safeGet(input, "modelId");
  const model = typeof modelId === "string" && modelId ? modelId : undefined;
  const metadata: Record<string, unknown> = { provider: PROVIDER, operation: "chat", stream: entry.stream, bedrock_operation: entry.operation };
  if (model !== undefined) metadata.request_model = model;
  return {
    span: { spanType: "llm", name: entry.spanName, ...(model !== undefined ? { modelId: model } : {}), metadata, tags: ["@aws", "@bedrock"] },
    hooks: callHooks(entry, input, signalOf(args)),
    options: { provider: PROVIDER },
  };
};

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

function hasCallback(args: readonly unknown[]): boolean {
  return typeof args[1] === "function" || typeof args[2] === "function";
}

/** The `send` defined on a Bedrock prototype (`owner`): traces listed commands, passes the rest through. */
function makeSend(owner: object): AnyFunction {
  const callSuper = function callSuper(this: unknown, ...args: unknown[]): unknown {
    const base = Object.getPrototypeOf(owner) as Record<string, unknown> | null;
    return Reflect.apply(base?.send as AnyFunction, this, args);
  };
  const plain = wrapProviderMethod(callSuper, planSend);
  const streaming = wrapStreamingSend(callSuper, (inner) => wrapProviderMethod(inner, planSend), STREAM_KEYS, signalOf);
  const send = function send(this: unknown, ...args: unknown[]): unknown {
    let entry: TracedCommand | undefined;
    try {
      entry = hasCallback(args) ? undefined : tracedCommand(args[0]);
    } catch {
      entry = undefined;
    }
    if (!entry) return Reflect.apply(callSuper, this, args);
    return Reflect.apply(entry.stream ? streaming : plain, this, args);
  };
  Object.defineProperty(send, PATCH_MARK, { value: true });
  return send;
}

function ownSend(proto: object): AnyFunction | undefined {
  const own = Object.getOwnPropertyDescriptor(proto, "send");
  return typeof own?.value === "function" ? (own.value as AnyFunction) : undefined;
}

function isPatchedProto(proto: object): boolean {
  return (ownSend(proto) as Record<symbol, unknown> | undefined)?.[PATCH_MARK] === true;
}

/**
 * Defines the tracing `send` on every Bedrock prototype `target` reaches. Idempotent (shared by the
 * ESM and CJS builds of the plugin through the mark). A prototype that already has a `send` of its
 * own (not ours) is left alone. Returns the number of prototypes newly patched.
 */
export function patchTarget(target: unknown): number {
  let patched = 0;
  for (const proto of resolvePrototypes(target)) {
    if (isPatchedProto(proto) || ownSend(proto)) continue;
    try {
      Object.defineProperty(proto, "send", { value: makeSend(proto), writable: true, configurable: true, enumerable: false });
      patched++;
    } catch (err) {
      logger.once("error", "bedrock-patch", "bedrock: could not patch BedrockRuntimeClient.send; it stays untraced", err);
    }
  }
  return patched;
}

/** Removes the `send` the plugin defined (the shared one is inherited again). Returns the number removed. */
export function unpatchTarget(target: unknown): number {
  let restored = 0;
  for (const proto of resolvePrototypes(target)) {
    try {
      if (isPatchedProto(proto) && delete (proto as Record<string, unknown>).send) restored++;
    } catch (err) {
      logger.once("error", "bedrock-unpatch", "bedrock: could not unpatch BedrockRuntimeClient.send", err);
    }
  }
  return restored;
}

/** Whether every Bedrock prototype `target` reaches is patched (false when it reaches none). */
export function isTargetPatched(target: unknown): boolean {
  const protos = resolvePrototypes(target);
  return protos.length > 0 && protos.every(isPatchedProto);
}
