/**
 * Collects each trace's `llm_steps` from its finished `llm` spans, for the complete/fail body.
 * The Python SDK sends a list of `{name, model, system_prompt}` there, one per distinct step.
 */
import type { SpanData } from "../../model/records.js";
import { toLlmStep, type LlmStep } from "../wire.js";

/** Bounded per-trace collector of {@link LlmStep}s, keyed by trace id. */
export class LlmStepCollector {
  private readonly byTrace = new Map<string, LlmStep[]>();

  /**
   * @param maxTraces traces tracked at once; the oldest is forgotten beyond it (a trace that never
   *   ends must not grow memory forever).
   * @param maxSteps steps kept per trace.
   */
  constructor(
    private readonly maxTraces = 10_000,
    private readonly maxSteps = 1_000,
  ) {}

  /** Records a finished span; spans other than `llm` are ignored. */
  add(traceId: string, span: SpanData, traceModelId?: string): void {
    const step = toLlmStep(span, traceModelId);
    if (!step) return;
    let steps = this.byTrace.get(traceId);
    if (!steps) {
      if (this.byTrace.size >= this.maxTraces) {
        const oldest = this.byTrace.keys().next();
        if (!oldest.done) this.byTrace.delete(oldest.value);
      }
      steps = [];
      this.byTrace.set(traceId, steps);
    }
    if (steps.length >= this.maxSteps) return;
    // The Python SDK skips exact duplicates: ten calls of the same step are one step.
    if (steps.some((s) => s.name === step.name && s.model === step.model)) return;
    steps.push(step);
  }

  /** Returns the trace's steps and forgets them (called once, at trace end). */
  take(traceId: string): LlmStep[] {
    const steps = this.byTrace.get(traceId) ?? [];
    this.byTrace.delete(traceId);
    return steps;
  }
}
