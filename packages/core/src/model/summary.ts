import type { SpanData } from "./records.js";
import type { SpanCost } from "./cost/types.js";

/**
 * Running totals of a trace's `llm` (and `embedding`) spans, kept as spans end so that ending a
 * trace costs nothing proportional to its size.
 */
export class SummaryAccumulator {
  private input = 0;
  private output = 0;
  private cached = 0;
  private cacheCreation = 0;
  private reasoning = 0;
  private llmCalls = 0;
  private readonly models: string[] = [];
  private cost: { input: number; cached_input: number; cache_creation: number; output: number; total: number } | undefined;
  private unpriced = 0;

  add(span: SpanData): void {
    const u = span.usage;
    this.input += u.inputTokens ?? 0;
    this.output += u.outputTokens ?? 0;
    this.cached += u.cachedInputTokens ?? 0;
    this.cacheCreation += u.cacheCreationInputTokens ?? 0;
    this.reasoning += u.reasoningTokens ?? 0;
    if (span.spanType === "llm") this.llmCalls++;
    if (span.modelId && !this.models.includes(span.modelId)) this.models.push(span.modelId);
    this.addCost(span);
  }

  private addCost(span: SpanData): void {
    const c = span.metadata.cost as Partial<SpanCost> | undefined;
    if (!c || typeof c !== "object" || typeof c.total !== "number" || !Number.isFinite(c.total)) {
      if (span.spanType === "llm") this.unpriced++;
      return;
    }
    const sum = (this.cost ??= { input: 0, cached_input: 0, cache_creation: 0, output: 0, total: 0 });
    sum.input += finite(c.input);
    sum.cached_input += finite(c.cached_input);
    sum.cache_creation += finite(c.cache_creation);
    sum.output += finite(c.output);
    sum.total += c.total;
  }

  /** The auto-filled summary keys (DESIGN.md, trace summary). */
  toSummary(): Record<string, unknown> {
    return {
      input_tokens: this.input,
      output_tokens: this.output,
      cached_input_tokens: this.cached,
      cache_creation_input_tokens: this.cacheCreation,
      reasoning_tokens: this.reasoning,
      // Every input token counts once (uncached + cache reads + cache writes), plus output.
      total_tokens: this.input + this.cached + this.cacheCreation + this.output,
      llm_calls: this.llmCalls,
      models: [...this.models],
      // Only when some span was priced: an absent cost means "unknown", never "free".
      ...(this.cost
        ? { cost_usd: this.cost.total, cost: { ...this.cost, currency: "USD" }, ...(this.unpriced > 0 ? { unpriced_llm_calls: this.unpriced } : {}) }
        : {}),
    };
  }
}

function finite(n: unknown): number {
  return typeof n === "number" && Number.isFinite(n) ? n : 0;
}
