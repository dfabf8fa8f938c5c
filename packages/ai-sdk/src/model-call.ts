/**
 * One model call (one step of an AI SDK operation) → one `llm` span: the request (messages, tools,
 * parameters), the response (text, reasoning, tool calls, finish reason, model, usage) and, for a
 * stream, time to first token and why the stream ended. Shared by every `ai` major: the `ai` 7
 * channel hands the same `doGenerate`/`doStream` results the `ai` 5/6 model wrapper sees.
 */
import { logger, startSpan, type Span, type SpanOptions } from "@tracium/core";
import { chatMessages, chatToolCall, chatTools } from "./messages.js";
import { keys, own, providerFamily, rec, str, type Obj } from "./read.js";
import { callUsage } from "./usage.js";

/** What the user allowed to record for this operation (`experimental_telemetry` / `telemetry`). */
export interface Capture {
  readonly inputs: boolean;
  readonly outputs: boolean;
}

/** One model call as the SDK describes it. */
export interface ModelCallInfo {
  /** The operation it belongs to: `generateText`, `streamText`, `generateObject`, `streamObject`. */
  readonly operation: string;
  readonly providerId: string | undefined;
  readonly modelId: string | undefined;
  /** `ModelMessage[]` (ai 7 events) or the provider-level prompt (ai 5/6 `doGenerate` options). */
  readonly messages: unknown;
  /** `instructions` / `system`, when separate from the messages. */
  readonly system?: unknown;
  /** The prepared tools (`[{ type: "function", name, description, inputSchema }]`). */
  readonly tools?: unknown;
  /** The call settings (temperature, maxOutputTokens…). */
  readonly settings?: unknown;
  readonly stream: boolean;
  readonly capture: Capture;
}

/** Call settings kept as `request_params` (the stop sequences only when content is captured). */
const PARAMS = ["maxOutputTokens", "temperature", "topP", "topK", "presencePenalty", "frequencyPenalty", "seed", "maxRetries"] as const;

function requestParams(settings: unknown, capture: boolean): Obj | undefined {
  const out: Obj = {};
  for (const key of PARAMS) {
    const v = own(settings, key);
    if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") out[key] = v;
  }
  const stop = own(settings, "stopSequences");
  if (capture && Array.isArray(stop) && stop.length > 0) out.stopSequences = stop.slice(0, 16);
  const choice = own(settings, "toolChoice");
  const choiceType = typeof choice === "string" ? choice : str(choice, "type");
  if (choiceType) out.toolChoice = choiceType === "tool" ? { type: "tool", toolName: str(choice, "toolName") } : choiceType;
  const format = str(own(settings, "responseFormat"), "type");
  if (format) out.responseFormat = format;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Starts the `llm` span of a model call under `parent` (or the active context) and records the request. */
export function startModelSpan(parent: Span | undefined, info: ModelCallInfo): Span {
  const provider = providerFamily(info.providerId);
  const metadata: Obj = { operation: info.operation, stream: info.stream };
  if (provider) metadata.provider = provider;
  if (info.providerId) metadata.provider_id = info.providerId;
  if (info.modelId) metadata.request_model = info.modelId;
  const options: SpanOptions = {
    spanType: "llm",
    name: `ai.${info.operation}.${info.stream ? "doStream" : "doGenerate"}`,
    metadata,
    ...(info.modelId ? { modelId: info.modelId } : {}),
  };
  const span = parent ? parent.startSpan(options) : startSpan(options);
  try {
    const params = requestParams(info.settings, info.capture.inputs);
    if (params) span.setMetadata({ request_params: params });
    if (info.capture.inputs) span.recordInput({ messages: chatMessages(info.messages, info.system) });
    const tools = chatTools(info.tools);
    if (tools) span.setTools(tools);
  } catch (err) {
    logger.once("warn", "ai-sdk:request", "ai-sdk: could not record a model request; the call is unaffected", err);
  }
  return span;
}

/** `finishReason` of any major: a string (v2) or `{ unified, raw }` (v3/v4). */
export function finishReason(value: unknown): string | undefined {
  if (typeof value === "string") return value || undefined;
  return str(value, "unified") ?? str(value, "raw");
}

/** What a model call produced, gathered from a result's `content` or from stream parts. */
export interface ModelOutput {
  text: string;
  reasoning: string;
  toolCalls: Obj[];
  finishReason: string | undefined;
  usage: unknown;
  providerMetadata: unknown;
  responseModel: string | undefined;
  responseId: string | undefined;
}

export function emptyOutput(): ModelOutput {
  return { text: "", reasoning: "", toolCalls: [], finishReason: undefined, usage: undefined, providerMetadata: undefined, responseModel: undefined, responseId: undefined };
}

/** Records a model call's output, usage and response metadata on its span (the span is not ended). */
export function recordModelOutput(span: Span, out: ModelOutput, info: ModelCallInfo): void {
  try {
    const meta: Obj = {};
    if (out.finishReason) meta.finish_reason = out.finishReason;
    if (out.responseModel) {
      meta.response_model = out.responseModel;
      span.setModelId(out.responseModel);
    }
    if (out.responseId) meta.response_id = out.responseId;
    if (Object.keys(meta).length > 0) span.setMetadata(meta);
    const usage = callUsage(out.usage, info.providerId, out.providerMetadata);
    if (usage) span.setTokenUsage(usage);
    if (out.toolCalls.length > 0) span.setToolCalls(out.toolCalls);
    if (info.capture.outputs) {
      const message: Obj = { role: "assistant", content: out.text || null };
      if (out.reasoning) message.reasoning = out.reasoning;
      if (out.toolCalls.length > 0) message.tool_calls = out.toolCalls;
      span.recordOutput(message);
    }
  } catch (err) {
    logger.once("warn", "ai-sdk:response", "ai-sdk: could not record a model response; the call is unaffected", err);
  }
}

/** The output of a `doGenerate` result (`{ content, finishReason, usage, response }`). */
export function generateOutput(result: unknown): ModelOutput {
  const out = emptyOutput();
  const content = own(result, "content");
  if (Array.isArray(content)) {
    for (const part of content.slice(0, 1000)) {
      const type = str(part, "type");
      if (type === "text") out.text += String(own(part, "text") ?? "");
      else if (type === "reasoning") out.reasoning += String(own(part, "text") ?? "");
      else if (type === "tool-call") {
        const call = chatToolCall(part);
        if (call) out.toolCalls.push(call);
      }
    }
  } else if (typeof own(result, "text") === "string") {
    out.text = own(result, "text") as string;
  }
  out.finishReason = finishReason(own(result, "finishReason"));
  out.usage = own(result, "usage");
  out.providerMetadata = own(result, "providerMetadata");
  const response = own(result, "response");
  out.responseModel = str(response, "modelId");
  out.responseId = str(response, "id");
  return out;
}

/** True for a result that is a model call's output (not a stream): it has `content` or `finishReason`. */
export function isGenerateResult(result: unknown): boolean {
  return rec(result) !== undefined && keys(result).some((k) => k === "content" || k === "finishReason");
}
