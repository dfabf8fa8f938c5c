import type { SpanData } from "./records.js";

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

  add(span: SpanData): void {
    const u = span.usage;
    this.input += u.inputTokens ?? 0;
    this.output += u.outputTokens ?? 0;
    this.cached += u.cachedInputTokens ?? 0;
    this.cacheCreation += u.cacheCreationInputTokens ?? 0;
    this.reasoning += u.reasoningTokens ?? 0;
    if (span.spanType === "llm") this.llmCalls++;
    if (span.modelId && !this.models.includes(span.modelId)) this.models.push(span.modelId);
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
    };
  }
}
