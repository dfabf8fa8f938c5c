/**
 * `ai` 7: the SDK publishes every operation on the Node tracing channel `ai:telemetry`
 * (`{ type, event }` messages: `generateText`, `streamText`, `step`, `languageModelCall`,
 * `executeTool`, `embed`, `embedMany`, `rerank`). Subscribing needs no patching at all, so it works
 * for the ES module the SDK ships, bundled copies, and every copy at once.
 *
 * Tracium's context is bound to the channel's `start` event (`bindChannelContext`): the operation
 * runs with its span active, so its model calls and tools nest beneath it, a provider client
 * patched by another plugin records nothing inside a model call (one `llm` span, usage counted
 * once), and a tool body's own calls nest under its `tool` span. Spans end on `asyncEnd` (the
 * result) or `error`. A streamed model call's span ends with its stream (observed on its way to
 * the SDK); `streamText` ends when its last step ends, or when its stream is cut short.
 */
import * as diagnosticsChannel from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";
import { activeContext, bindChannelContext, logger, type ChannelContextChoice, type Span } from "@tracium/core";
import { generateOutput, isGenerateResult, recordModelOutput, startModelSpan, type Capture, type ModelCallInfo } from "./model-call.js";
import { captureOf, failOperation, finishOperation, startOperationSpan, type OperationKind } from "./operation.js";
import { own, str } from "./read.js";
import { observeModelStream } from "./stream.js";
import { finishToolSpan, startToolSpan } from "./tool.js";

/** The AI SDK's channel name (`AI_SDK_TELEMETRY_TRACING_CHANNEL`). */
export const AI_TELEMETRY_CHANNEL = "ai:telemetry";

/** What a message's span is, kept until the message's `asyncEnd`. */
interface Entry {
  readonly type: string;
  readonly span: Span;
  readonly capture: Capture;
  readonly operation: Operation | undefined;
  readonly call?: ModelCallInfo;
  readonly startTime: number;
}

/** A running operation (generateText/streamText…), found by the `callId` its events share. */
interface Operation {
  readonly kind: OperationKind;
  readonly span: Span;
  readonly capture: Capture;
}

const OPERATIONS = new Set<string>(["generateText", "streamText", "embed", "embedMany", "rerank"]);

interface ChannelState {
  unbind: (() => void) | undefined;
  unsubscribe: (() => void) | undefined;
}

/** One subscription per process, shared by the ESM and CJS builds of this package. */
const KEY = Symbol.for("tracium.aiSdk.channel.v1");

function channelState(): ChannelState {
  const g = globalThis as Record<symbol, ChannelState | undefined>;
  let s = g[KEY];
  if (!s) {
    s = { unbind: undefined, unsubscribe: undefined };
    Object.defineProperty(g, KEY, { value: s, enumerable: false, configurable: true });
  }
  return s;
}

const entries = new WeakMap<object, Entry>();
const operations = new Map<string, Operation>();

function operationOf(event: unknown): Operation | undefined {
  const id = str(event, "callId");
  return id ? operations.get(id) : undefined;
}

function modelCallInfo(kind: OperationKind | undefined, event: unknown, capture: Capture, stream: boolean): ModelCallInfo {
  return {
    operation: kind ?? (stream ? "streamText" : "generateText"),
    providerId: str(event, "provider"),
    modelId: str(event, "modelId"),
    messages: own(event, "messages"),
    system: own(event, "instructions") ?? own(event, "system"),
    tools: own(event, "tools"),
    settings: event,
    stream,
    capture,
  };
}

/** Opens the span a message stands for (called before the operation runs) and says how its context looks. */
function open(message: unknown): ChannelContextChoice | undefined {
  const type = str(message, "type");
  const event = own(message, "event");
  if (!type || !event || typeof event !== "object") return undefined;
  const parentOp = operationOf(event);
  if (OPERATIONS.has(type)) {
    const kind = type as OperationKind;
    const capture = captureOf(event);
    const values = kind === "embed" ? own(event, "value") : kind === "embedMany" ? own(event, "values") : kind === "rerank" ? own(event, "query") : undefined;
    const span = startOperationSpan({
      kind,
      providerId: str(event, "provider"),
      modelId: str(event, "modelId"),
      messages: own(event, "messages"),
      system: own(event, "instructions") ?? own(event, "system"),
      tools: own(event, "tools"),
      values,
      functionId: str(event, "functionId"),
      capture,
    });
    const operation: Operation = { kind, span, capture };
    const callId = str(event, "callId");
    if (callId && (kind === "generateText" || kind === "streamText")) operations.set(callId, operation);
    entries.set(message as object, { type, span, capture, operation, startTime: performance.now() });
    // Embeddings and reranking are recorded on this span: a patched provider client records nothing more.
    return { span, suppressProviderSpans: kind === "embed" || kind === "embedMany" || kind === "rerank" ? true : undefined };
  }
  if (type === "step") return parentOp ? { span: parentOp.span } : undefined;
  if (type === "languageModelCall") {
    const parent = parentOp?.span ?? activeContext()?.span;
    const capture = parentOp?.capture ?? captureOf(event);
    // The stream flag is known when the call returns; the operation tells it first.
    const call = modelCallInfo(parentOp?.kind, event, capture, parentOp?.kind === "streamText");
    const span = startModelSpan(parent, call);
    entries.set(message as object, { type, span, capture, operation: parentOp, call, startTime: performance.now() });
    return { span, suppressProviderSpans: true };
  }
  if (type === "executeTool") {
    const parent = parentOp?.span ?? activeContext()?.span;
    const capture = parentOp?.capture ?? captureOf(event);
    const toolCall = own(event, "toolCall");
    const span = startToolSpan(parent, str(toolCall, "toolName"), str(toolCall, "toolCallId"), own(toolCall, "input"), capture);
    entries.set(message as object, { type, span, capture, operation: parentOp, startTime: performance.now() });
    return { span, suppressProviderSpans: false };
  }
  return undefined;
}

/** Ends a streamText operation whose stream was cut short (its completion never settles then). */
function cutShort(operation: Operation | undefined, reason: string, error?: unknown): void {
  if (!operation || operation.kind !== "streamText" || operation.span.isEnded) return;
  operation.span.setMetadata({ stream_end_reason: reason });
  if (reason === "error") failOperation(operation.span, error);
  else operation.span.end();
}

function forget(entry: Entry, message: object): void {
  entries.delete(message);
  if (entry.operation && entry.span === entry.operation.span) {
    for (const [id, op] of operations) if (op === entry.operation) operations.delete(id);
  }
}

/** The operation settled (`asyncEnd`, or `end` of a synchronous throw). */
function settle(message: unknown): void {
  if (message === null || typeof message !== "object") return;
  const entry = entries.get(message);
  if (!entry) return;
  const failed = "error" in message;
  const error = own(message, "error");
  const result = own(message, "result");
  try {
    if (entry.type === "languageModelCall") {
      const call = entry.call!;
      if (failed) {
        entry.span.fail(error);
      } else if (isGenerateResult(result)) {
        recordModelOutput(entry.span, generateOutput(result), { ...call, stream: false });
        entry.span.end();
      } else if (result && typeof own(result, "stream") === "object") {
        // A streamed call: observe the stream the SDK is about to read (same parts, same order).
        const observed = observeModelStream(entry.span, own(result, "stream"), { ...call, stream: true }, entry.startTime, (reason, err, output) => {
          if (reason !== "done") cutShort(entry.operation, reason, err);
          else if (entry.operation?.kind === "streamText" && entry.capture.outputs && output.text) entry.operation.span.recordOutput(output.text);
        });
        (result as Record<string, unknown>).stream = observed;
      } else {
        entry.span.end();
      }
    } else if (entry.type === "executeTool") {
      const output = own(result, "output");
      if (failed) entry.span.fail(error);
      else if (str(output, "type") === "tool-error") entry.span.fail(own(output, "error"));
      else finishToolSpan(entry.span, own(output, "output"), entry.capture);
    } else if (entry.operation) {
      if (failed) failOperation(entry.span, error);
      else finishOperation(entry.span, entry.operation.kind, result, entry.capture);
    }
  } catch (err) {
    logger.once("warn", "ai-sdk:channel-end", "ai-sdk: could not record the end of an operation", err);
    entry.span.end();
  }
  forget(entry, message);
}

/**
 * Subscribes to the `ai:telemetry` tracing channel (idempotent, process-wide). Returns false when
 * this Node has no tracing channels (then `ai` 7 is not traced).
 */
export function subscribeAiTelemetry(): boolean {
  const state = channelState();
  if (state.unsubscribe) return true;
  const dc = diagnosticsChannel as unknown as { tracingChannel?: (name: string) => TracingChannelLike };
  if (typeof dc.tracingChannel !== "function") {
    logger.warn("ai-sdk: this Node.js has no diagnostics_channel.tracingChannel; ai 7 calls are not traced");
    return false;
  }
  try {
    const channel = dc.tracingChannel(AI_TELEMETRY_CHANNEL);
    const handlers = {
      start: noop,
      end: (message: unknown) => {
        // A synchronous throw publishes `error` then `end`, and no `asyncEnd`.
        if (message && typeof message === "object" && "error" in message && own(message, "result") === undefined) settle(message);
      },
      asyncStart: noop,
      asyncEnd: settle,
      error: noop,
    };
    state.unbind = bindChannelContext(channel.start, open);
    channel.subscribe(handlers);
    state.unsubscribe = () => channel.unsubscribe(handlers);
    return true;
  } catch (err) {
    logger.error("ai-sdk: could not subscribe to the ai:telemetry channel; ai 7 calls are not traced", err);
    return false;
  }
}

/** Stops following the channel (tests, `uninstrument`). */
export function unsubscribeAiTelemetry(): void {
  const state = channelState();
  try {
    state.unsubscribe?.();
    state.unbind?.();
  } catch {
    // already gone
  }
  state.unsubscribe = undefined;
  state.unbind = undefined;
}

/** Whether the channel is followed. */
export function isSubscribed(): boolean {
  return channelState().unsubscribe !== undefined;
}

function noop(): void {}

interface TracingChannelLike {
  readonly start: { bindStore(store: unknown, transform?: (m: unknown) => unknown): void; unbindStore(store: unknown): boolean };
  subscribe(handlers: Record<string, (message: unknown) => void>): void;
  unsubscribe(handlers: Record<string, (message: unknown) => void>): boolean;
}
