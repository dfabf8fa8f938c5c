/**
 * Converse / ConverseStream: request → span input, tools and parameters; response → output, tool
 * uses, stop reason, usage and the server-side latency. Reads plain data only; never throws.
 */
import type { Span } from "@tracium/core";
import { asRecord, field, isList, path, str } from "./read.js";
import { converseUsage } from "./usage.js";

/** A tool call as recorded on the span (the shape the core links tool spans to). */
export interface BedrockToolCall {
  id: unknown;
  type: "tool_use";
  name: unknown;
  input: unknown;
}

/** The text of a list of `{ text }` blocks (the `system` field), or undefined. */
export function blocksText(blocks: unknown): string | undefined {
  if (typeof blocks === "string") return blocks;
  if (!isList(blocks)) return undefined;
  const texts: string[] = [];
  for (const b of blocks.slice(0, 1000)) {
    const t = field(b, "text");
    if (typeof t === "string") texts.push(t);
  }
  return texts.length > 0 ? texts.join("\n") : undefined;
}

/** The span input of a Converse request: `{ system?, messages }`. */
export function converseInput(input: unknown): { system?: string; messages: unknown } | undefined {
  const messages = field(input, "messages");
  const system = blocksText(field(input, "system"));
  if (messages === undefined && system === undefined) return undefined;
  return system !== undefined ? { system, messages } : { messages };
}

/** The tools of `toolConfig.tools` as `{ type: "function", name, description, parameters }`. */
export function converseTools(input: unknown): Record<string, unknown>[] | undefined {
  const tools = path(input, ["toolConfig", "tools"]);
  if (!isList(tools)) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const t of tools.slice(0, 1000)) {
    const spec = asRecord(field(t, "toolSpec"));
    if (!spec) {
      let kind: string | undefined;
      try {
        kind = asRecord(t) ? Object.keys(t as object)[0] : undefined;
      } catch {
        kind = undefined;
      }
      if (kind) out.push({ type: kind });
      continue;
    }
    const entry: Record<string, unknown> = { type: "function", name: field(spec, "name") };
    const description = field(spec, "description");
    if (description !== undefined) entry.description = description;
    const schema = path(spec, ["inputSchema", "json"]);
    if (schema !== undefined) entry.parameters = schema;
    out.push(entry);
  }
  return out.length > 0 ? out : undefined;
}

/** Request parameters recorded under `request_params`: `inferenceConfig` and the other settings. */
export const CONVERSE_PARAMS: readonly string[] = ["inferenceConfig", "additionalModelRequestFields", "guardrailConfig", "performanceConfig", "promptVariables", "requestMetadata", "serviceTier"];

/** The recorded request parameters that are set, plus `toolChoice`; undefined when none are. */
export function converseParams(input: unknown): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const key of CONVERSE_PARAMS) {
    const v = field(input, key);
    if (v !== undefined && v !== null) out[key] = v;
  }
  const choice = path(input, ["toolConfig", "toolChoice"]);
  if (choice !== undefined) out.toolChoice = choice;
  return Object.keys(out).length > 0 ? out : undefined;
}

function contentOf(message: unknown): Record<string, unknown>[] {
  const content = field(message, "content");
  if (!isList(content)) return [];
  const out: Record<string, unknown>[] = [];
  for (const b of content.slice(0, 10_000)) {
    const block = asRecord(b);
    if (block) out.push(block);
  }
  return out;
}

/** The text blocks of an assistant message, joined; undefined when there are none. */
export function messageText(message: unknown): string | undefined {
  const texts = contentOf(message)
    .map((b) => field(b, "text"))
    .filter((t): t is string => typeof t === "string");
  return texts.length > 0 ? texts.join("") : undefined;
}

/** The `toolUse` blocks of an assistant message as tool calls. */
export function messageToolCalls(message: unknown): BedrockToolCall[] | undefined {
  const calls: BedrockToolCall[] = [];
  for (const b of contentOf(message)) {
    const use = asRecord(field(b, "toolUse"));
    if (use) calls.push({ id: field(use, "toolUseId"), type: "tool_use", name: field(use, "name"), input: field(use, "input") });
  }
  return calls.length > 0 ? calls : undefined;
}

/**
 * Records a Converse output (or the one a ConverseStream accumulated): output text, tool calls,
 * usage, `finish_reasons`, `bedrock_latency_ms` (`metrics.latencyMs`) and a guardrail
 * intervention.
 */
export function recordConverseOutput(span: Span, output: unknown): void {
  if (!asRecord(output)) return;
  const message = path(output, ["output", "message"]);
  const meta: Record<string, unknown> = {};
  const stop = str(field(output, "stopReason"));
  if (stop) meta.finish_reasons = [stop];
  const latency = path(output, ["metrics", "latencyMs"]);
  if (typeof latency === "number" && Number.isFinite(latency)) meta.bedrock_latency_ms = latency;
  if (stop === "guardrail_intervened") meta.guardrail_intervened = true;
  if (Object.keys(meta).length > 0) span.setMetadata(meta);
  const usage = converseUsage(field(output, "usage"));
  if (usage) span.setTokenUsage(usage);
  const text = messageText(message);
  if (text !== undefined) span.recordOutput(text);
  const calls = messageToolCalls(message);
  if (calls) span.setToolCalls(calls);
}
