/**
 * `exporter: "otel"`: Tracium spans go through the app's registered OpenTelemetry tracer provider
 * (a real @opentelemetry/sdk-trace-base provider with an AsyncLocalStorage context manager).
 */
import { createRequire } from "node:module";
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span as ApiSpan } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as tracium from "@tracium/core";
import { decodeBody, plain } from "./collector.js";
import { runScenario } from "./scenario.js";

const require = createRequire(import.meta.url);
const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
const tracer = trace.getTracer("app");

function register(): void {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

beforeAll(register);
afterAll(async () => {
  trace.disable();
  context.disable();
  propagation.disable();
  await provider.shutdown();
});
beforeEach(() => {
  memory.reset();
  tracium.init({ exporter: "otel", logLevel: "silent" });
});
afterEach(async () => {
  await tracium.shutdown();
});

function finished(name: string): ReadableSpan {
  const s = memory.getFinishedSpans().find((x) => x.name === name);
  if (!s) throw new Error(`no span ${name}; got ${memory.getFinishedSpans().map((x) => x.name).join(", ")}`);
  return s;
}

const idOf = (s: ReadableSpan): string => s.spanContext().spanId;
const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

describe('exporter "otel"', () => {
  it("makes a trace started inside an active OTel span its child, with GenAI attributes", async () => {
    await tracer.startActiveSpan("GET /chat", { kind: SpanKind.SERVER }, async (http: ApiSpan) => {
      await runScenario();
      http.end();
    });
    const http = finished("GET /chat");
    const root = finished("invoke_agent support-bot");
    expect(parentOf(root)).toBe(idOf(http));
    expect(root.spanContext().traceId).toBe(http.spanContext().traceId);
    for (const s of memory.getFinishedSpans()) expect(s.spanContext().traceId).toBe(http.spanContext().traceId);

    const chat = finished("chat gpt-4o");
    expect(parentOf(chat)).toBe(idOf(root));
    expect(chat.kind).toBe(SpanKind.CLIENT);
    expect(chat.instrumentationScope.name).toBe("tracium");
    expect(chat.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.response.model": "gpt-4o-2024-08-06",
      "gen_ai.usage.input_tokens": 125,
      "gen_ai.usage.cache_read.input_tokens": 20,
      "gen_ai.response.finish_reasons": ["stop", "length"],
      "gen_ai.response.time_to_first_chunk": 0.1235,
    });
    expect(JSON.parse(chat.attributes["gen_ai.input.messages"] as string)).toHaveLength(4);
    // Times are the Tracium span's, not the moment the bridge saw it.
    expect(chat.startTime[0]).toBeGreaterThan(0);

    const tool = finished("execute_tool get_weather");
    expect(tool.kind).toBe(SpanKind.INTERNAL);
    expect(tool.attributes["gen_ai.tool.call.id"]).toBe("call_1");
    expect(parentOf(finished("make-plan"))).toBe(idOf(finished("invoke_agent researcher")));

    const failed = finished("chat gpt-4o-mini");
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: "slow down" });
    expect(failed.attributes["error.type"]).toBe("RateLimitError");
    expect(failed.events.map((e) => e.name)).toEqual(["exception"]);
    expect(root.attributes["gen_ai.usage.input_tokens"]).toBe(1143);
  });

  it("gives the spans to whatever exporter the app uses (here: the official OTLP serializer)", async () => {
    await runScenario();
    const { ProtobufTraceSerializer } = require("@opentelemetry/otlp-transformer") as {
      ProtobufTraceSerializer: { serializeRequest(spans: ReadableSpan[]): Uint8Array };
    };
    const bytes = ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans());
    const decoded = decodeBody(Buffer.from(bytes), "application/x-protobuf", undefined);
    expect(decoded).toHaveLength(8);
    const chat = decoded.find((s) => s.name === "chat gpt-4o")!;
    expect(plain(chat.attributes["gen_ai.usage.output_tokens"])).toBe(50);
    expect(chat.scope.name).toBe("tracium");
  });

  it("starts a new OTel trace when no span is active, and nests Tracium spans in it", async () => {
    await runScenario();
    const root = finished("invoke_agent support-bot");
    expect(root.parentSpanContext).toBeUndefined();
    expect(parentOf(finished("execute_tool get_weather"))).toBe(idOf(root));
  });

  it("injects the bridged span's real ids", async () => {
    let headers: Record<string, string> = {};
    let otelIds = { traceId: "", spanId: "" };
    await tracium.agentTrace({ agentName: "bot" }, (t) =>
      t.span({ spanType: "tool", name: "call" }, () => {
        headers = tracium.inject({});
      }),
    );
    otelIds = finished("execute_tool call").spanContext();
    expect(headers.traceparent).toBe(`00-${otelIds.traceId}-${otelIds.spanId}-01`);
    // The Tracium trace id is carried too, since it is not the W3C one here.
    expect(headers.tracestate).toMatch(new RegExp(`^tracium=p:${otelIds.spanId};s:[0-9a-f-]{36};d:0;t:[0-9a-f-]{36}$`));
  });

  it("continues a caller's W3C trace from headers", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentId = "00f067aa0ba902b7";
    await tracium.agentTrace({ agentName: "svc", parent: { traceparent: `00-${traceId}-${parentId}-01` } }, (t) =>
      t.span({ spanType: "tool", name: "work" }, () => undefined),
    );
    const root = finished("invoke_agent svc");
    expect(root.spanContext().traceId).toBe(traceId);
    expect(parentOf(root)).toBe(parentId);
    expect(root.parentSpanContext?.isRemote).toBe(true);
    expect(parentOf(finished("execute_tool work"))).toBe(idOf(root));
  });

  it("drops and counts spans (with one warning) while no provider is registered", async () => {
    trace.disable();
    try {
      await tracium.agentTrace({ agentName: "bot" }, (t) => t.span({ name: "step" }, () => "ok"));
      expect(memory.getFinishedSpans()).toHaveLength(0);
      expect(tracium.stats().exporters.otel).toEqual({ queued: 0, sent: 0, failed: 0, dropped: 2 });
    } finally {
      trace.setGlobalTracerProvider(provider);
    }
    await tracium.agentTrace({ agentName: "bot" }, (t) => t.span({ name: "step" }, () => "ok"));
    expect(memory.getFinishedSpans().map((s) => s.name).sort()).toEqual(["invoke_agent bot", "step"]);
  });
});
