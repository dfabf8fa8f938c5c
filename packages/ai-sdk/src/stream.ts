/**
 * The stream of one model call (`doStream().stream`, a `ReadableStream` of stream parts) observed
 * on its way to the SDK: every part passes through unchanged and in order, pulled only when the SDK
 * pulls (no read-ahead), while the `llm` span collects text, reasoning, tool calls, the finish part's
 * usage, and the time to the first generated part. The span ends when the stream ends (`done`), is
 * cancelled (`break`: the reader stopped early), is aborted (`abort`: the call's abort signal) or
 * fails (`error`, the same error object passed on).
 */
import { performance } from "node:perf_hooks";
import { logger, type Span } from "@tracium/core";
import { chatToolCall } from "./messages.js";
import { emptyOutput, finishReason, recordModelOutput, type ModelCallInfo, type ModelOutput } from "./model-call.js";
import { own, str } from "./read.js";

/** Why an observed stream ended. */
export type StreamEnd = "done" | "break" | "abort" | "error";

/** Part types that carry generated content (time to first token is measured to the first). */
const TOKEN_PARTS = new Set(["text-delta", "reasoning-delta", "tool-input-start", "tool-input-delta", "tool-call", "text", "reasoning"]);

function collect(out: ModelOutput, span: Span, part: unknown): void {
  const type = str(part, "type");
  switch (type) {
    case "text-delta":
    case "reasoning-delta": {
      const delta = own(part, "delta") ?? own(part, "textDelta");
      if (typeof delta === "string") {
        if (type === "text-delta") out.text += delta;
        else out.reasoning += delta;
      }
      break;
    }
    case "tool-call": {
      const call = chatToolCall(part);
      if (call) {
        out.toolCalls.push(call);
        // Recorded as they arrive: the SDK may run the tool before the stream ends.
        span.setToolCalls([...out.toolCalls]);
      }
      break;
    }
    case "response-metadata":
      out.responseModel = str(part, "modelId") ?? out.responseModel;
      out.responseId = str(part, "id") ?? out.responseId;
      break;
    case "finish":
      out.finishReason = finishReason(own(part, "finishReason"));
      out.usage = own(part, "usage");
      out.providerMetadata = own(part, "providerMetadata");
      break;
    default:
      break;
  }
}

/**
 * Returns a stream that yields exactly what `source` yields and ends `span` when it ends.
 * `onEnd` is told why it ended (after the span ended). `startTime` is `performance.now()` when
 * the call was made. On anything unexpected, `source` itself is returned and the span ends.
 */
export function observeModelStream<S>(span: Span, source: S, info: ModelCallInfo, startTime: number, onEnd?: (reason: StreamEnd, error: unknown, output: ModelOutput) => void): S {
  let reader: ReadableStreamDefaultReader<unknown>;
  try {
    reader = (source as unknown as ReadableStream<unknown>).getReader();
  } catch (err) {
    logger.once("warn", "ai-sdk:stream", "ai-sdk: could not observe a model stream; its span ends now", err);
    span.end();
    return source;
  }
  const out = emptyOutput();
  let firstToken = false;
  let ended = false;
  const end = (reason: StreamEnd, error?: unknown): void => {
    if (ended) return;
    ended = true;
    try {
      span.setMetadata({ stream_end_reason: reason });
      recordModelOutput(span, out, info);
      if (reason === "error") span.markFailed(error);
      span.end();
      onEnd?.(reason, error, out);
    } catch (err) {
      logger.once("warn", "ai-sdk:stream-end", "ai-sdk: could not end a stream span", err);
    }
  };
  const observe = (part: unknown): void => {
    try {
      if (!firstToken && TOKEN_PARTS.has(str(part, "type") ?? "")) {
        firstToken = true;
        span.setMetadata({ time_to_first_token_ms: Math.round((performance.now() - startTime) * 1000) / 1000 });
      }
      if (str(part, "type") === "error") span.markFailed(own(part, "error"));
      collect(out, span, part);
    } catch (err) {
      logger.once("warn", "ai-sdk:stream-part", "ai-sdk: could not read a stream part; the stream is unaffected", err);
    }
  };
  return new ReadableStream<unknown>(
    {
      async pull(controller): Promise<void> {
        let step: { done?: boolean; value?: unknown };
        try {
          step = await reader.read();
        } catch (err) {
          end(isAbort(err) ? "abort" : "error", err);
          controller.error(err);
          return;
        }
        if (step.done) {
          end("done");
          controller.close();
          return;
        }
        observe(step.value);
        controller.enqueue(step.value);
      },
      cancel(reason): Promise<void> {
        end(isAbort(reason) ? "abort" : "break");
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  ) as unknown as S;
}

/** An abort (the call's `abortSignal`), not a failure of the call. */
function isAbort(err: unknown): boolean {
  try {
    return err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError");
  } catch {
    return false;
  }
}
