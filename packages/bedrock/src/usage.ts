/**
 * Bedrock token counts → Tracium token counts (DESIGN.md, token normalisation). Bedrock's
 * `inputTokens` already excludes cache reads and writes (as Anthropic's `input_tokens` does), so it
 * is kept as is; cache reads and writes go to their own fields.
 */
import type { TokenUsage } from "@tracium/core";
import { asRecord, count, field } from "./read.js";

function build(input: number | undefined, output: number | undefined, cacheRead: number | undefined, cacheWrite: number | undefined): TokenUsage | undefined {
  const out: TokenUsage = {};
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  if (cacheRead !== undefined) out.cachedInputTokens = cacheRead;
  if (cacheWrite !== undefined) out.cacheCreationInputTokens = cacheWrite;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Converse / ConverseStream `usage` (also Amazon Nova's InvokeModel `usage`, whose cache fields end in `Count`). */
export function converseUsage(usage: unknown): TokenUsage | undefined {
  const u = asRecord(usage);
  if (!u) return undefined;
  return build(
    count(field(u, "inputTokens")),
    count(field(u, "outputTokens")),
    count(field(u, "cacheReadInputTokens")) ?? count(field(u, "cacheReadInputTokenCount")),
    count(field(u, "cacheWriteInputTokens")) ?? count(field(u, "cacheWriteInputTokenCount")),
  );
}

/** An Anthropic messages `usage` (InvokeModel with `anthropic.*` models). */
export function anthropicUsage(usage: unknown): TokenUsage | undefined {
  const u = asRecord(usage);
  if (!u) return undefined;
  return build(count(field(u, "input_tokens")), count(field(u, "output_tokens")), count(field(u, "cache_read_input_tokens")), count(field(u, "cache_creation_input_tokens")));
}

/** The `amazon-bedrock-invocationMetrics` a streamed InvokeModel's last chunk carries. */
export function invocationMetricsUsage(metrics: unknown): TokenUsage | undefined {
  const m = asRecord(metrics);
  if (!m) return undefined;
  return build(count(field(m, "inputTokenCount")), count(field(m, "outputTokenCount")), count(field(m, "cacheReadInputTokenCount")), count(field(m, "cacheWriteInputTokenCount")));
}
