/**
 * One AI SDK operation → one span: `generateText`/`streamText`/`generateObject`/`streamObject` a
 * `chain` span (its model calls and tool runs beneath), `embed`/`embedMany` an `embedding` span
 * (the operation is the model call: usage on it), `rerank` a `retrieval` span.
 */
import { logger, startSpan, type Span, type SpanOptions } from "@tracium/core";
import type { Capture } from "./model-call.js";
import { chatMessages, toolSetNames } from "./messages.js";
import { own, providerFamily, sdkGet, str, type Obj } from "./read.js";
import { embeddingUsage } from "./usage.js";

/** The operations traced. */
export type OperationKind = "generateText" | "streamText" | "generateObject" | "streamObject" | "embed" | "embedMany" | "rerank";

/** An operation as its start event (ai 7) or its options (ai 5/6) describe it. */
export interface OperationInfo {
  readonly kind: OperationKind;
  readonly providerId: string | undefined;
  readonly modelId: string | undefined;
  readonly messages?: unknown;
  readonly system?: unknown;
  /** The user's `ToolSet` (only its names are read). */
  readonly tools?: unknown;
  /** `embed`'s value / `embedMany`'s values / `rerank`'s query. */
  readonly values?: unknown;
  readonly functionId?: string | undefined;
  readonly capture: Capture;
  /** An agent run (`Agent`/`ToolLoopAgent` `generate`/`stream`): an `agent` span of that name. */
  readonly agent?: { readonly name: string; readonly id: string | undefined } | undefined;
}

/** Span type of an operation. */
export function operationSpanType(kind: OperationKind): string {
  if (kind === "embed" || kind === "embedMany") return "embedding";
  if (kind === "rerank") return "retrieval";
  return "chain";
}

/** True for the operations whose model calls are their own spans (not embed/rerank). */
export function hasModelCalls(kind: OperationKind): boolean {
  return operationSpanType(kind) === "chain";
}

/** Starts the operation's span in the active context (or under `parent`) and records its input. */
export function startOperationSpan(info: OperationInfo, parent?: Span): Span {
  const provider = providerFamily(info.providerId);
  const metadata: Obj = { operation: info.kind };
  if (provider) metadata.provider = provider;
  if (info.providerId) metadata.provider_id = info.providerId;
  if (info.modelId) metadata.request_model = info.modelId;
  if (info.functionId) metadata.function_id = info.functionId;
  const names = toolSetNames(info.tools);
  if (names) metadata.tool_names = names;
  if (info.agent?.id) metadata.agent_id = info.agent.id;
  const spanType = info.agent ? "agent" : operationSpanType(info.kind);
  const options: SpanOptions = { spanType, name: info.agent?.name ?? `ai.${info.kind}`, metadata, ...(info.modelId ? { modelId: info.modelId } : {}) };
  const span = parent ? parent.startSpan(options) : startSpan(options);
  try {
    if (info.capture.inputs) {
      if (hasModelCalls(info.kind)) span.recordInput({ messages: chatMessages(info.messages, info.system) });
      else if (info.values !== undefined) span.recordInput(info.kind === "embed" ? { value: info.values } : { values: info.values });
    }
  } catch (err) {
    logger.once("warn", "ai-sdk:operation-input", "ai-sdk: could not record an operation's input", err);
  }
  return span;
}

function embeddingOutput(result: unknown): Obj | undefined {
  const one = sdkGet(result, "embedding");
  if (Array.isArray(one)) return { dimensions: one.length };
  const many = sdkGet(result, "embeddings");
  if (Array.isArray(many)) return { count: many.length, dimensions: Array.isArray(many[0]) ? (many[0] as unknown[]).length : undefined };
  return undefined;
}

/**
 * Records what an operation returned and ends its span: the final text or object, the finish
 * reason, the number of steps (an embedding's usage and dimensions). `result` is the operation's
 * result object, a `streamText` `onFinish` event, or undefined (a stream whose result is not known).
 */
export function finishOperation(span: Span, kind: OperationKind, result: unknown, capture: Capture): void {
  try {
    if (result !== undefined && result !== null && typeof result === "object") {
      if (kind === "embed" || kind === "embedMany") {
        const usage = embeddingUsage(sdkGet(result, "usage"));
        if (usage) span.setTokenUsage(usage);
        const output = embeddingOutput(result);
        if (output) span.recordOutput(output);
      } else {
        const meta: Obj = {};
        const reason = sdkGet(result, "finishReason");
        if (typeof reason === "string") meta.finish_reason = reason;
        const steps = sdkGet(result, "steps");
        if (Array.isArray(steps)) meta.steps = steps.length;
        if (Object.keys(meta).length > 0) span.setMetadata(meta);
        if (capture.outputs) {
          if (kind === "generateObject" || kind === "streamObject") {
            const object = sdkGet(result, "object");
            if (object !== undefined) span.recordOutput(object);
          } else if (kind !== "rerank") {
            const text = sdkGet(result, "text");
            if (typeof text === "string") span.recordOutput(text);
          } else {
            const ranking = own(result, "ranking") ?? sdkGet(result, "ranking");
            if (ranking !== undefined) span.recordOutput(ranking);
          }
        }
      }
    }
  } catch (err) {
    logger.once("warn", "ai-sdk:operation-output", "ai-sdk: could not record an operation's result", err);
  }
  span.end();
}

/** Fails and ends an operation's span (the error itself goes on to the caller unchanged). */
export function failOperation(span: Span, error: unknown): void {
  try {
    span.markFailed(error);
  } catch {
    // ignore
  }
  span.end();
}

/** The provider id and model id of a model object (or a gateway model string). */
export function modelIds(model: unknown): { providerId: string | undefined; modelId: string | undefined } {
  if (typeof model === "string") return { providerId: "gateway", modelId: model };
  const providerId = sdkGet(model, "provider");
  const modelId = sdkGet(model, "modelId");
  return { providerId: typeof providerId === "string" ? providerId : undefined, modelId: typeof modelId === "string" ? modelId : undefined };
}

/** `recordInputs`/`recordOutputs` of telemetry settings (default true). */
export function captureOf(telemetry: unknown): Capture {
  return { inputs: own(telemetry, "recordInputs") !== false, outputs: own(telemetry, "recordOutputs") !== false };
}

