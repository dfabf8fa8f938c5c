/**
 * Model runs → `llm` span fields: what `handleChatModelStart`/`handleLLMStart` and `handleLLMEnd`
 * receive, read defensively (any shape, never throws).
 */
import { dataItems, type TokenUsage } from "@tracium/core";
import { asRecord, toolCallsOf, toPlain, toPlainMessage, type PlainToolCall } from "./serialize.js";

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The model a run asks for: `ls_model_name` metadata, else the invocation params, else the constructor args. */
export function requestModel(metadata: unknown, extraParams: unknown, serialized: unknown): string | undefined {
  const m = asRecord(metadata);
  const params = asRecord(asRecord(extraParams)?.invocation_params);
  const kwargs = asRecord(asRecord(serialized)?.kwargs);
  return (
    str(m?.ls_model_name) ??
    str(params?.model) ??
    str(params?.model_name) ??
    str(params?.modelName) ??
    str(kwargs?.model) ??
    str(kwargs?.model_name) ??
    str(kwargs?.modelName)
  );
}

/** Provider of a run: the `ls_provider` LangChain sets on every model run. */
export function providerOf(metadata: unknown): string | undefined {
  return str(asRecord(metadata)?.ls_provider);
}

/** Invocation params that are neither the model, the content, the tools nor streaming plumbing. */
const NOT_PARAMS = new Set(["model", "model_name", "modelName", "messages", "prompt", "tools", "functions", "stream", "streaming", "system"]);

/** `request_params` metadata: the invocation params that are set, minus the ones recorded elsewhere. */
export function requestParams(extraParams: unknown): Record<string, unknown> | undefined {
  const params = asRecord(asRecord(extraParams)?.invocation_params);
  if (!params) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (NOT_PARAMS.has(k) || v === undefined || v === null || typeof v === "function") continue;
    out[k] = toPlain(v);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The tools offered to the model, when the invocation params list any. */
export function requestTools(extraParams: unknown): unknown[] | undefined {
  const params = asRecord(asRecord(extraParams)?.invocation_params);
  const tools = params?.tools ?? params?.functions;
  return Array.isArray(tools) && tools.length > 0 ? (toPlain(tools) as unknown[]) : undefined;
}

/** Whether the invocation asked for a stream. */
export function requestedStream(extraParams: unknown): boolean {
  const params = asRecord(asRecord(extraParams)?.invocation_params);
  return params?.stream === true || params?.streaming === true;
}

/** The generations of an `LLMResult`, flattened (one per prompt × candidate). */
export function generationsOf(output: unknown): Record<string, unknown>[] {
  const gens = asRecord(output)?.generations;
  const out: Record<string, unknown>[] = [];
  for (const group of dataItems(gens)) {
    if (Array.isArray(group)) {
      for (const g of dataItems(group)) {
        const r = asRecord(g);
        if (r) out.push(r);
      }
    } else {
      const r = asRecord(group);
      if (r) out.push(r);
    }
  }
  return out;
}

/**
 * LangChain's `usage_metadata` → Tracium counts. `input_tokens` there is the whole input,
 * including cache reads and cache writes (LangChain normalises both providers to that), so the
 * uncached part is `input_tokens − cache_read − cache_creation`.
 */
export function usageFromUsageMetadata(usage: unknown): TokenUsage | undefined {
  const u = asRecord(usage);
  if (!u) return undefined;
  const input = count(u.input_tokens);
  const output = count(u.output_tokens);
  const inDetails = asRecord(u.input_token_details);
  const outDetails = asRecord(u.output_token_details);
  const cacheRead = count(inDetails?.cache_read);
  const cacheCreation = count(inDetails?.cache_creation);
  const reasoning = count(outDetails?.reasoning);
  const out: TokenUsage = {};
  if (input !== undefined) out.inputTokens = Math.max(0, input - (cacheRead ?? 0) - (cacheCreation ?? 0));
  if (output !== undefined) out.outputTokens = output;
  if (cacheRead !== undefined) out.cachedInputTokens = cacheRead;
  if (cacheCreation !== undefined) out.cacheCreationInputTokens = cacheCreation;
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Fallback when no message carries `usage_metadata`: `llmOutput.tokenUsage`
 * (`{promptTokens, completionTokens}`, no cache detail) or a raw provider `usage` object
 * (OpenAI: prompt tokens include cached ones; Anthropic: input tokens exclude both cache counts).
 */
export function usageFromLlmOutput(llmOutput: unknown): TokenUsage | undefined {
  const o = asRecord(llmOutput);
  if (!o) return undefined;
  const tu = asRecord(o.tokenUsage) ?? asRecord(o.estimatedTokenUsage);
  if (tu) {
    const out: TokenUsage = {};
    const input = count(tu.promptTokens);
    const output = count(tu.completionTokens);
    if (input !== undefined) out.inputTokens = input;
    if (output !== undefined) out.outputTokens = output;
    if (Object.keys(out).length > 0) return out;
  }
  const raw = asRecord(o.usage) ?? asRecord(o.token_usage);
  if (!raw) return undefined;
  const out: TokenUsage = {};
  if (raw.prompt_tokens !== undefined || raw.completion_tokens !== undefined) {
    const cached = count(asRecord(raw.prompt_tokens_details)?.cached_tokens);
    const prompt = count(raw.prompt_tokens);
    if (prompt !== undefined) out.inputTokens = Math.max(0, prompt - (cached ?? 0));
    if (cached !== undefined) out.cachedInputTokens = cached;
    const completion = count(raw.completion_tokens);
    if (completion !== undefined) out.outputTokens = completion;
    const reasoning = count(asRecord(raw.completion_tokens_details)?.reasoning_tokens);
    if (reasoning !== undefined) out.reasoningTokens = reasoning;
  } else {
    const input = count(raw.input_tokens);
    const output = count(raw.output_tokens);
    const cacheRead = count(raw.cache_read_input_tokens);
    const cacheCreation = count(raw.cache_creation_input_tokens);
    if (input !== undefined) out.inputTokens = input;
    if (output !== undefined) out.outputTokens = output;
    if (cacheRead !== undefined) out.cachedInputTokens = cacheRead;
    if (cacheCreation !== undefined) out.cacheCreationInputTokens = cacheCreation;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** What `handleLLMEnd` tells about a run. */
export interface LlmResult {
  output: unknown;
  /** True when the generations carry no text at all (the streamed tokens are used instead). */
  empty: boolean;
  toolCalls: PlainToolCall[] | undefined;
  usage: TokenUsage | undefined;
  responseModel: string | undefined;
  finishReasons: string[] | undefined;
}

function isEmptyContent(content: unknown): boolean {
  return content === undefined || content === null || content === "" || (Array.isArray(content) && content.length === 0);
}

/** Reads an `LLMResult`: output (the assistant message(s) or text(s)), tool calls, usage, model, finish reasons. */
export function readLlmResult(output: unknown): LlmResult {
  const gens = generationsOf(output);
  const outputs: unknown[] = [];
  const toolCalls: PlainToolCall[] = [];
  const finish: string[] = [];
  let usage: TokenUsage | undefined;
  let responseModel: string | undefined;
  let empty = true;
  for (const g of gens) {
    const message = asRecord(g.message);
    const info = asRecord(g.generationInfo);
    const meta = asRecord(message?.response_metadata);
    if (message) {
      const plain = toPlainMessage(message);
      outputs.push(plain ?? toPlain(message));
      if (!isEmptyContent(message.content) || toolCallsOf(message)) empty = false;
      const calls = toolCallsOf(message);
      if (calls) toolCalls.push(...calls);
      usage ??= usageFromUsageMetadata(message.usage_metadata);
    } else {
      outputs.push(typeof g.text === "string" ? g.text : toPlain(g));
      if (typeof g.text === "string" && g.text) empty = false;
    }
    responseModel ??= str(meta?.model_name) ?? str(meta?.model) ?? str(info?.model_name) ?? str(info?.model);
    const reason = str(info?.finish_reason) ?? str(meta?.finish_reason) ?? str(meta?.stop_reason) ?? str(info?.stop_reason);
    if (reason && !finish.includes(reason)) finish.push(reason);
  }
  const llmOutput = asRecord(output)?.llmOutput;
  usage ??= usageFromLlmOutput(llmOutput);
  const lo = asRecord(llmOutput);
  responseModel ??= str(lo?.model_name) ?? str(lo?.model);
  if (finish.length === 0) {
    const reason = str(lo?.stop_reason) ?? str(lo?.finish_reason);
    if (reason) finish.push(reason);
  }
  return {
    output: outputs.length === 1 ? outputs[0] : outputs.length === 0 ? undefined : outputs,
    empty,
    toolCalls: toolCalls.length > 0 ? toolCalls : undefined,
    usage,
    responseModel,
    finishReasons: finish.length > 0 ? finish : undefined,
  };
}
