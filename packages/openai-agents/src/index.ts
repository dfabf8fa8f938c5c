/**
 * @tracium/openai-agents: Tracium tracing for the OpenAI Agents SDK (`@openai/agents`).
 *
 * ```ts
 * import * as agents from "@openai/agents";
 * import * as tracium from "@tracium/sdk";   // registers this plugin
 * tracium.init();
 * tracium.instrument(agents);                 // adds the Tracium trace processor
 * ```
 *
 * or zero-code: `node --import @tracium/sdk/auto app.js`. The SDK's traces and spans become
 * Tracium traces and spans (see `processor.ts` for the mapping and `context.ts` for how they meet
 * the provider plugins: one `llm` span per model call).
 */
import { attach, openaiAgentsPlugin, registration, type OpenAIAgentsOptions } from "./plugin.js";
import type { TraciumTracingProcessor } from "./processor.js";

export { openaiAgentsPlugin, type OpenAIAgentsOptions } from "./plugin.js";
export { TraciumTracingProcessor } from "./processor.js";
export { agentsTracingApi, agentsShapeProblem, type AgentsTracingApi } from "./targets.js";

/**
 * Adds Tracium's trace processor to the Agents SDK `target` comes from (the `@openai/agents` or
 * `@openai/agents-core` module namespace). Idempotent; never throws. True when `target` is the
 * Agents SDK.
 */
export function instrumentOpenAIAgents(target: unknown, options: OpenAIAgentsOptions = {}): boolean {
  try {
    return attach(target, options);
  } catch {
    return false;
  }
}

/** Stops recording (the SDK keeps the processor; it ignores what it is sent). True when `target` is the Agents SDK. */
export function uninstrumentOpenAIAgents(target: unknown): boolean {
  try {
    openaiAgentsPlugin.unpatch(target);
    return openaiAgentsPlugin.detect(target);
  } catch {
    return false;
  }
}

/**
 * The process-wide Tracium processor, for apps that set the SDK's processors themselves:
 * `setTraceProcessors([traciumProcessor(), ...others])`.
 */
export function traciumProcessor(): TraciumTracingProcessor {
  const reg = registration();
  reg.enabled = true;
  return reg.processor;
}
