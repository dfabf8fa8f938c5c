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
 * result) or `error`.
 *
 * The channel hands subscribers a redacted copy of each result, and none at all when the call
 * sets `recordInputs`/`recordOutputs: false`; a streamed model call's result is its unread stream.
 * So a model call's output, usage and time to first token come from the SDK's telemetry
 * integration registry (`registerTelemetry`: the `onLanguageModelCallEnd` event, after the call,
 * streamed or not); nothing the SDK reads is touched. When a call brings its own
 * `telemetry.integrations` (which replace the registered ones), the model spans still end, with
 * what the channel gave.
 */
import * as diagnosticsChannel from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";
import { activeContext, bindChannelContext, logger, type ChannelContextChoice, type Span } from "@tracium/core";
import { chatToolCall } from "./messages.js";
import { generateOutput, isGenerateResult, recordModelOutput, startModelSpan, type Capture, type ModelCallInfo } from "./model-call.js";
import { captureOf, failOperation, finishOperation, startOperationSpan, type OperationKind } from "./operation.js";
import { own, str } from "./read.js";
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
  readonly callId?: string | undefined;
  readonly startTime: number;
  /** Tool calls recorded on a model span before its end event (a stream runs tools as they arrive). */
  toolCalls?: Record<string, unknown>[];
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
  integration: object | undefined;
}

/** One subscription per process, shared by the ESM and CJS builds of this package. */
const KEY = Symbol.for("tracium.aiSdk.channel.v1");

function channelState(): ChannelState {
  const g = globalThis as Record<symbol, ChannelState | undefined>;
  let s = g[KEY];
  if (!s) {
    s = { unbind: undefined, unsubscribe: undefined, integration: undefined };
    Object.defineProperty(g, KEY, { value: s, enumerable: false, configurable: true });
  }
  return s;
}

const entries = new WeakMap<object, Entry>();
const operations = new Map<string, Operation>();
/** Model calls whose span is still open, per `callId`, oldest first (an operation's steps run in turn). */
const openCalls = new Map<string, Entry[]>();
/** The latest model call of each running operation (`callId`), ended or not. */
const lastCalls = new Map<string, Entry>();

/**
 * Operations whose stream was abandoned never settle: these tables keep at most this many
 * operations, the oldest forgotten first (their spans still end with their trace).
 */
const MAX_TRACKED = 10_000;

function bound<V>(map: Map<string, V>): void {
  for (const key of map.keys()) {
    if (map.size <= MAX_TRACKED) return;
    map.delete(key);
  }
}

function addOpenCall(callId: string | undefined, entry: Entry): void {
  if (!callId) return;
  lastCalls.set(callId, entry);
  bound(lastCalls);
  bound(openCalls);
  const list = openCalls.get(callId);
  if (list) list.push(entry);
  else openCalls.set(callId, [entry]);
}

function dropOpenCall(entry: Entry): void {
  for (const [id, list] of openCalls) {
    const i = list.indexOf(entry);
    if (i < 0) continue;
    list.splice(i, 1);
    if (list.length === 0) openCalls.delete(id);
    return;
  }
}

/** Ends the open model spans of `callId` (the step or operation ended first): no output known. */
function endOpenCalls(callId: string | undefined, reason: string | undefined): void {
  const list = callId ? openCalls.get(callId) : undefined;
  if (!list) return;
  openCalls.delete(callId!);
  for (const entry of list) {
    if (reason && entry.call?.stream) entry.span.setMetadata({ stream_end_reason: reason });
    entry.span.end();
  }
}

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
    if (callId && (kind === "generateText" || kind === "streamText")) {
      operations.set(callId, operation);
      bound(operations);
    }
    entries.set(message as object, { type, span, capture, operation, startTime: performance.now() });
    // Embeddings and reranking are recorded on this span: a patched provider client records nothing more.
    return { span, suppressProviderSpans: kind === "embed" || kind === "embedMany" || kind === "rerank" ? true : undefined };
  }
  if (type === "step") {
    if (!parentOp) return undefined;
    entries.set(message as object, { type, span: parentOp.span, capture: parentOp.capture, operation: parentOp, callId: str(event, "callId"), startTime: performance.now() });
    return { span: parentOp.span };
  }
  if (type === "languageModelCall") {
    const parent = parentOp?.span ?? activeContext()?.span;
    const capture = parentOp?.capture ?? captureOf(event);
    // The stream flag is known when the call returns; the operation tells it first.
    const call = modelCallInfo(parentOp?.kind, event, capture, parentOp?.kind === "streamText");
    const span = startModelSpan(parent, call);
    const entry: Entry = { type, span, capture, operation: parentOp, call, callId: str(event, "callId"), startTime: performance.now() };
    entries.set(message as object, entry);
    addOpenCall(entry.callId, entry);
    return { span, suppressProviderSpans: true };
  }
  if (type === "executeTool") {
    const parent = parentOp?.span ?? activeContext()?.span;
    const capture = parentOp?.capture ?? captureOf(event);
    const toolCall = own(event, "toolCall");
    const asker = announceToolCall(str(event, "callId"), toolCall);
    const span = startToolSpan(parent, str(toolCall, "toolName"), str(toolCall, "toolCallId"), own(toolCall, "input"), capture);
    // The asking span ended without its calls (outputs withheld by recordOutputs: false): point at it.
    if (asker && span.data.metadata.llm_span_id === undefined) span.setMetadata({ llm_span_id: asker.span.id });
    entries.set(message as object, { type, span, capture, operation: parentOp, startTime: performance.now() });
    return { span, suppressProviderSpans: false };
  }
  return undefined;
}

/**
 * A tool is about to run for a call of a model span that has not ended yet (streams run tools as
 * their calls arrive): the call is recorded on that span now, so the tool span links to it.
 */
function announceToolCall(callId: string | undefined, toolCall: unknown): Entry | undefined {
  const entry = callId ? lastCalls.get(callId) : undefined;
  const call = chatToolCall(toolCall);
  if (!entry || !call || entry.span.isEnded) return entry;
  entry.toolCalls ??= [];
  if (entry.toolCalls.some((c) => c.id === call.id)) return entry;
  entry.toolCalls.push(call);
  entry.span.setToolCalls([...entry.toolCalls]);
  return entry;
}

function forget(entry: Entry, message: object): void {
  entries.delete(message);
  if (entry.operation && entry.span === entry.operation.span && entry.type !== "step") {
    for (const [id, op] of operations) {
      if (op !== entry.operation) continue;
      operations.delete(id);
      lastCalls.delete(id);
      endOpenCalls(id, "break");
    }
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
      if (failed) {
        dropOpenCall(entry);
        entry.span.fail(error);
      } else if (isGenerateResult(result)) {
        dropOpenCall(entry);
        recordModelOutput(entry.span, withToolCalls(generateOutput(result), entry), { ...entry.call!, stream: false });
        entry.span.end();
      } else if (result && typeof own(result, "stream") === "object") {
        // Streamed: the end event (or the step's end) ends the span; the stream is left alone.
        entry.span.setMetadata({ stream: true });
      }
      // No result (recordInputs/recordOutputs off): the end event brings the usage.
    } else if (entry.type === "step") {
      endOpenCalls(entry.callId, failed ? "error" : undefined);
    } else if (entry.type === "executeTool") {
      const output = own(result, "output");
      if (failed) entry.span.fail(error);
      else if (str(output, "type") === "tool-error") entry.span.fail(own(output, "error"));
      else finishToolSpan(entry.span, own(output, "output"), entry.capture);
    } else if (entry.operation) {
      if (entry.span.isEnded) {
        // Ended by the SDK's onError (operationFailed): the settle says nothing more.
      } else if (failed) failOperation(entry.span, error);
      else finishOperation(entry.span, entry.operation.kind, result, entry.capture);
    }
  } catch (err) {
    logger.once("warn", "ai-sdk:channel-end", "ai-sdk: could not record the end of an operation", err);
    entry.span.end();
  }
  forget(entry, message);
}

function withToolCalls<T extends { toolCalls: Record<string, unknown>[] }>(out: T, entry: Entry): T {
  if (out.toolCalls.length === 0 && entry.toolCalls) out.toolCalls = [...entry.toolCalls];
  return out;
}

/** `onLanguageModelCallEnd`: a model call finished (streamed or not). Ends its span with what it produced. */
function modelCallEnded(event: unknown): void {
  const callId = str(event, "callId");
  const list = callId ? openCalls.get(callId) : undefined;
  const entry = list?.shift();
  if (!entry) return;
  if (list!.length === 0) openCalls.delete(callId!);
  const out = withToolCalls(generateOutput(event), entry);
  out.responseId = str(event, "responseId") ?? out.responseId;
  // The end event names the model that answered at its top level (a stream's response metadata).
  out.responseModel ??= str(event, "modelId");
  const performance = own(event, "performance");
  const ttft = own(performance, "timeToFirstOutputMs");
  const call = entry.call!;
  if (call.stream) {
    const meta: Record<string, unknown> = { stream_end_reason: "done" };
    if (typeof ttft === "number" && Number.isFinite(ttft)) meta.time_to_first_token_ms = Math.round(ttft * 1000) / 1000;
    entry.span.setMetadata(meta);
  }
  recordModelOutput(entry.span, out, call);
  entry.span.end();
  const op = entry.operation;
  if (op?.kind === "streamText" && op.capture.outputs && out.text && !op.span.isEnded) op.span.recordOutput(out.text);
}

/** `onAbort`: a streamed operation was aborted; its open model calls and its span end so. */
function operationAborted(event: unknown): void {
  const callId = str(event, "callId");
  endOpenCalls(callId, "abort");
  const op = callId ? operations.get(callId) : undefined;
  if (op && !op.span.isEnded) {
    op.span.setMetadata({ stream_end_reason: "abort" });
    op.span.end();
  }
}

/**
 * `onError`: an operation failed; its open model calls fail. A `streamText` ends here too: when
 * its stream errors midway the SDK settles it never, and when no step produced output it settles
 * later with "No output generated", where this error is the cause. Other operations settle next
 * (`asyncEnd`), which ends their span.
 */
function operationFailed(event: unknown): void {
  const callId = str(event, "callId");
  const error = own(event, "error");
  const list = callId ? openCalls.get(callId) : undefined;
  if (list) {
    openCalls.delete(callId!);
    for (const entry of list) {
      if (entry.call?.stream) entry.span.setMetadata({ stream_end_reason: "error" });
      entry.span.fail(error);
    }
  }
  const op = callId ? operations.get(callId) : undefined;
  if (!op || op.span.isEnded) return;
  if (op.kind !== "streamText") {
    op.span.markFailed(error);
    return;
  }
  op.span.setMetadata({ stream_end_reason: "error" });
  failOperation(op.span, error);
  operations.delete(callId!);
  lastCalls.delete(callId!);
}

/** The integration registered with the SDK (`registerTelemetry` keeps them on this global). */
function telemetryIntegration(): object {
  const guard = (fn: (event: unknown) => void) => (event: unknown): void => {
    try {
      fn(event);
    } catch (err) {
      logger.once("warn", "ai-sdk:integration", "ai-sdk: could not record a telemetry event; the call is unaffected", err);
    }
  };
  return { onLanguageModelCallEnd: guard(modelCallEnded), onAbort: guard(operationAborted), onError: guard(operationFailed) };
}

const REGISTRY = "AI_SDK_TELEMETRY_INTEGRATIONS";

function register(integration: object): void {
  const g = globalThis as Record<string, unknown>;
  if (!Array.isArray(g[REGISTRY])) g[REGISTRY] = [];
  (g[REGISTRY] as unknown[]).push(integration);
}

function unregister(integration: object | undefined): void {
  const list = (globalThis as Record<string, unknown>)[REGISTRY];
  if (!integration || !Array.isArray(list)) return;
  const i = list.indexOf(integration);
  if (i >= 0) list.splice(i, 1);
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
    state.integration = telemetryIntegration();
    register(state.integration);
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
    unregister(state.integration);
  } catch {
    // already gone
  }
  state.unsubscribe = undefined;
  state.unbind = undefined;
  state.integration = undefined;
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

/** @internal Sizes of the tables that follow running operations (tests). */
export function channelTableSizes(): { operations: number; openCalls: number; lastCalls: number } {
  return { operations: operations.size, openCalls: openCalls.size, lastCalls: lastCalls.size };
}
