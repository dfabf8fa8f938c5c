/**
 * Duplicate-record guard. Since 0.134 the SDK emits its own OpenTelemetry span
 * (`anthropic.messages.create`) whenever a global tracer provider is registered. Tracium must still
 * record exactly one `llm` span per call, and must not break the user's own OTel setup: the SDK's
 * span keeps flowing to the user's provider.
 *
 * Decision (see packages/anthropic/README.md): Tracium leaves the SDK's own span ON. The core has no
 * OpenTelemetry bridge, so an OTel span never becomes a Tracium record; turning the SDK's span off
 * would silently remove data from the user's pipeline.
 */
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentTrace } from "@tracium/core";
import { MODEL, VERSIONS, client, message, mockMessages, replyJson, sseBody, streamEvents } from "./fixtures.js";
import { exporter, llmSpans, useTracium } from "./harness.js";

useTracium();

const otelExporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(otelExporter)] });
const USER = [{ role: "user" as const, content: "hi" }];

beforeAll(() => {
  expect(trace.setGlobalTracerProvider(provider)).toBe(true);
});

afterAll(async () => {
  trace.disable();
  await provider.shutdown();
});

describe.each(VERSIONS)("$label with a global OpenTelemetry BasicTracerProvider", (v) => {
  it("each call: exactly one Tracium llm span, and the SDK's own OTel span still reaches the user's provider", async () => {
    otelExporter.reset();
    const usage = { input_tokens: 10, output_tokens: 3, cache_creation_input_tokens: 4, cache_read_input_tokens: 6 };
    replyJson(v, message({ text: "plain", usage }));
    for (let i = 0; i < 2; i++) {
      mockMessages(v).reply(200, sseBody(streamEvents({ text: ["streamed"], startUsage: { ...usage, output_tokens: 1 }, deltaUsage: { output_tokens: 3 } })), {
        "content-type": "text/event-stream",
      });
    }
    mockMessages(v).reply(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } });

    const anthropic = client(v);
    let traceId = "";
    await agentTrace({ agentName: "otel-dup" }, async (t) => {
      traceId = t.id;
      await anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: USER });
      const s = await anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: USER, stream: true });
      for await (const _ of s) void _;
      expect(await anthropic.messages.stream({ model: MODEL, max_tokens: 8, messages: USER }).finalText()).toBe("streamed");
      await anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: USER }).catch(() => undefined);
    });

    // Tracium: one llm record per HTTP call, never two, with Anthropic's own token semantics
    // (the SDK's OTel span reports gen_ai.usage.input_tokens = 10 + 4 + 6 = 20; Tracium keeps 10).
    const spans = llmSpans(traceId);
    expect(spans).toHaveLength(4);
    expect(spans.map((s) => s.status)).toEqual(["completed", "completed", "completed", "failed"]);
    for (const s of spans.slice(0, 3)) {
      expect(s.usage).toEqual({ inputTokens: 10, outputTokens: 3, cachedInputTokens: 6, cacheCreationInputTokens: 4 });
    }
    expect(exportedLlmRecords(traceId)).toBe(4);

    // The user's OTel pipeline still gets the SDK's spans, one per call (Tracium did not turn them off).
    const otelSpans = otelExporter.getFinishedSpans().filter((s) => s.name === "anthropic.messages.create");
    expect(otelSpans).toHaveLength(4);
    expect(otelSpans[0]!.attributes["gen_ai.usage.input_tokens"]).toBe(20);
    expect((anthropic as unknown as { openTelemetry?: { traces: { enabled: boolean } } }).openTelemetry?.traces.enabled ?? true).toBe(true);
  });

  it("a client built with openTelemetry: false: no OTel span, still exactly one Tracium span", async () => {
    otelExporter.reset();
    replyJson(v, message({ text: "no otel" }));
    const anthropic = client(v, { openTelemetry: false });
    let traceId = "";
    await agentTrace({ agentName: "otel-off" }, async (t) => {
      traceId = t.id;
      await anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: USER });
    });
    expect(llmSpans(traceId)).toHaveLength(1);
    expect(otelExporter.getFinishedSpans()).toHaveLength(0);
  });
});

/** `span_end` records of llm spans for the trace: what any exporter would have sent. */
function exportedLlmRecords(traceId: string): number {
  return exporter.records.filter((r) => r.kind === "span_end" && r.span.traceId === traceId && r.span.spanType === "llm").length;
}
