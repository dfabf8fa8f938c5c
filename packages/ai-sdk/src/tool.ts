/**
 * One tool execution → one `tool` span, linked to the model's tool call by its id (the core
 * tool linking: `tool_call_id`, `llm_span_id`), failed when the tool throws.
 */
import { linkToolSpan, logger, startSpan, type Span } from "@tracium/core";
import type { Capture } from "./model-call.js";

/** Starts a tool span under `parent` and links it to the call `toolCallId`. */
export function startToolSpan(parent: Span | undefined, toolName: string | undefined, toolCallId: string | undefined, input: unknown, capture: Capture): Span {
  const name = toolName ?? "tool";
  const options = { spanType: "tool", name, metadata: { tool_name: name, framework: "ai-sdk" } };
  const span = parent ? parent.startSpan(options) : startSpan(options);
  try {
    if (capture.inputs && input !== undefined) span.recordInput(input);
    linkToolSpan(span, { toolCallId, toolName, arguments: input, parent });
  } catch (err) {
    logger.once("warn", "ai-sdk:tool", "ai-sdk: could not record a tool call; the tool is unaffected", err);
  }
  return span;
}

/** Ends a tool span with the tool's output. */
export function finishToolSpan(span: Span, output: unknown, capture: Capture): void {
  try {
    if (capture.outputs && output !== undefined) span.recordOutput(output);
  } catch {
    // the output stays unrecorded
  }
  span.end();
}
