/**
 * The `otlp` exporter's bodies, decoded with the official OTLP schema and checked attribute by
 * attribute: protobuf and JSON, plain and gzipped, and the two encodings of one batch compared.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as tracium from "@tracium/core";
import { OtlpCollector, plain, type DecodedSpan, type Value } from "./collector.js";
import { ANTHROPIC_INPUT, runScenario } from "./scenario.js";

let collector: OtlpCollector;

beforeEach(async () => {
  collector = new OtlpCollector();
  await collector.start();
});

afterEach(async () => {
  await tracium.shutdown();
  await collector.stop();
});

function byName(spans: DecodedSpan[], name: string, nth = 0): DecodedSpan {
  const found = spans.filter((s) => s.name === name)[nth];
  if (!found) throw new Error(`no span ${name} (#${nth}); got ${spans.map((s) => s.name).join(", ")}`);
  return found;
}

function attr(span: DecodedSpan, key: string): unknown {
  return plain(span.attributes[key]);
}

function type(span: DecodedSpan, key: string): string | undefined {
  const v: Value | undefined = span.attributes[key];
  return v ? Object.keys(v)[0] : undefined;
}

async function exportScenario(options: tracium.OtlpOptions, init: Partial<tracium.TraciumOptions> = {}): Promise<{ traceId: string; spans: DecodedSpan[] }> {
  tracium.init({ exporter: "otlp", logLevel: "silent", otlp: { endpoint: collector.url, serviceName: "wire-test", ...options }, ...init });
  const traceId = await runScenario();
  await tracium.flush();
  const errors = collector.requests.filter((r) => r.error).map((r) => r.error);
  expect(errors).toEqual([]);
  return { traceId, spans: collector.spans };
}

const ENCODINGS: Array<[string, tracium.OtlpOptions, string, string | undefined]> = [
  ["protobuf", { protocol: "http/protobuf" }, "application/x-protobuf", undefined],
  ["protobuf + gzip", { protocol: "http/protobuf", compression: "gzip" }, "application/x-protobuf", "gzip"],
  ["JSON", { protocol: "http/json" }, "application/json", undefined],
  ["JSON + gzip", { protocol: "http/json", compression: "gzip" }, "application/json", "gzip"],
];

describe.each(ENCODINGS)("OTLP/HTTP %s", (_label, options, contentType, encoding) => {
  it("posts to the endpoint with the right headers, resource and scope", async () => {
    const { spans } = await exportScenario({ ...options, headers: { authorization: "Bearer s3cret" } });
    expect(collector.requests.length).toBeGreaterThan(0);
    for (const r of collector.requests) {
      expect(r.path).toBe("/v1/traces");
      expect(r.headers["content-type"]).toBe(contentType);
      expect(r.headers["content-encoding"]).toBe(encoding);
      expect(r.headers.authorization).toBe("Bearer s3cret");
      expect(r.headers["user-agent"]).toMatch(/^tracium-js\//);
    }
    const first = spans[0]!;
    expect(first.resource["service.name"]).toEqual({ string: "wire-test" });
    expect(first.resource["telemetry.sdk.name"]).toEqual({ string: "tracium" });
    expect(first.resource["telemetry.sdk.language"]).toEqual({ string: "nodejs" });
    expect(first.scope.name).toBe("tracium");
    expect(first.scope.version).toBe(tracium.SDK_VERSION);
  });

  it("maps ids and parentage by the documented rule", async () => {
    const { traceId, spans } = await exportScenario(options);
    expect(spans).toHaveLength(8);
    const hex = traceId.replace(/-/g, "");
    const root = byName(spans, "invoke_agent support-bot");
    for (const s of spans) {
      expect(s.traceId).toBe(hex);
      expect(s.traceId).toBe(tracium.w3cTraceId(traceId));
      if (s !== root) expect(s.spanId).toBe((attr(s, "tracium.span.id") as string).replace(/-/g, "").slice(0, 16));
      expect(s.endNs).toBeGreaterThanOrEqual(s.startNs);
    }
    expect(root.spanId).toBe(hex.slice(16));
    expect(root.spanId).toBe(tracium.w3cRootSpanId(traceId));
    expect(root.parentSpanId).toBeUndefined();
    const agent = byName(spans, "invoke_agent researcher");
    expect(byName(spans, "make-plan").parentSpanId).toBe(agent.spanId);
    for (const name of ["chat gpt-4o", "embeddings text-embedding-3-small", "execute_tool get_weather", "invoke_agent researcher"]) {
      expect(byName(spans, name).parentSpanId).toBe(root.spanId);
    }
    // Sampled, parent known to be local.
    expect(byName(spans, "chat gpt-4o").flags).toBe(0x101);
  });

  it("writes the chat span attribute by attribute", async () => {
    const { spans } = await exportScenario(options);
    const chat = byName(spans, "chat gpt-4o");
    expect(chat.kind).toBe(3); // CLIENT
    expect(chat.status).toEqual({ code: 0, message: undefined });
    const expected: Record<string, [string, unknown]> = {
      "gen_ai.operation.name": ["string", "chat"],
      "gen_ai.provider.name": ["string", "openai"],
      "gen_ai.request.model": ["string", "gpt-4o"],
      "gen_ai.request.temperature": ["double", 0.2],
      "gen_ai.request.top_p": ["double", 1],
      "gen_ai.request.max_tokens": ["int", 256],
      "gen_ai.request.stop_sequences": ["array", ["END"]],
      "gen_ai.request.seed": ["int", 7],
      "gen_ai.request.choice.count": ["int", 2],
      "gen_ai.request.frequency_penalty": ["double", 0.5],
      "gen_ai.request.presence_penalty": ["double", 0],
      "gen_ai.request.stream": ["bool", true],
      "gen_ai.response.model": ["string", "gpt-4o-2024-08-06"],
      "gen_ai.response.id": ["string", "chatcmpl-1"],
      "gen_ai.response.finish_reasons": ["array", ["stop", "length"]],
      "gen_ai.response.time_to_first_chunk": ["double", 0.1235],
      // input = uncached + cache read + cache write
      "gen_ai.usage.input_tokens": ["int", 125],
      "gen_ai.usage.output_tokens": ["int", 50],
      "gen_ai.usage.cache_read.input_tokens": ["int", 20],
      "gen_ai.usage.cache_creation.input_tokens": ["int", 5],
      "gen_ai.usage.reasoning.output_tokens": ["int", 10],
      "openai.response.system_fingerprint": ["string", "fp_1"],
      "tracium.span.type": ["string", "llm"],
      "tracium.trace.id": ["string", attr(chat, "tracium.trace.id")],
      "tracium.span.id": ["string", attr(chat, "tracium.span.id")],
    };
    for (const [key, [t, v]] of Object.entries(expected)) {
      expect({ key, type: type(chat, key), value: attr(chat, key) }).toEqual({ key, type: t, value: v });
    }
    expect(JSON.parse(attr(chat, "gen_ai.input.messages") as string)).toEqual([
      { role: "system", parts: [{ type: "text", content: "Be brief." }] },
      { role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] },
      { role: "assistant", parts: [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "call_1", response: "rainy" }] },
    ]);
    expect(JSON.parse(attr(chat, "gen_ai.output.messages") as string)).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "It is rainy." }], finish_reason: "stop" },
      { role: "assistant", parts: [{ type: "text", content: "Rainy." }], finish_reason: "length" },
    ]);
    expect(JSON.parse(attr(chat, "gen_ai.tool.definitions") as string)).toEqual([
      { type: "function", name: "get_weather", description: "Weather now", parameters: { type: "object" } },
    ]);
    const known = new Set([...Object.keys(expected), "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.tool.definitions"]);
    // Nothing else, apart from metadata other features add (under tracium.metadata.*).
    expect(Object.keys(chat.attributes).filter((k) => !known.has(k) && !k.startsWith("tracium.metadata."))).toEqual([]);
    expect(chat.attributes["tracium.metadata.system_fingerprint"]).toBeUndefined();
  });

  it("writes the anthropic span with system instructions, tool use and cache writes", async () => {
    const { spans } = await exportScenario(options);
    const span = byName(spans, "chat claude-sonnet-4-5");
    expect(attr(span, "gen_ai.provider.name")).toBe("anthropic");
    expect(attr(span, "gen_ai.request.top_k")).toBe(5);
    expect(type(span, "gen_ai.request.top_k")).toBe("double");
    expect(attr(span, "gen_ai.usage.input_tokens")).toBe(1010);
    expect(attr(span, "gen_ai.usage.cache_creation.input_tokens")).toBe(1000);
    expect(span.attributes["gen_ai.usage.cache_read.input_tokens"]).toBeUndefined();
    expect(attr(span, "gen_ai.response.finish_reasons")).toEqual(["tool_use"]);
    expect(JSON.parse(attr(span, "gen_ai.system_instructions") as string)).toEqual([{ type: "text", content: ANTHROPIC_INPUT.system }]);
    expect(JSON.parse(attr(span, "gen_ai.input.messages") as string)).toEqual([
      { role: "user", parts: [{ type: "text", content: "Book Paris" }] },
      { role: "assistant", parts: [{ type: "tool_call", id: "toolu_1", name: "book", arguments: { city: "Paris" } }] },
      { role: "user", parts: [{ type: "tool_call_response", id: "toolu_1", response: "booked" }] },
    ]);
    expect(JSON.parse(attr(span, "gen_ai.output.messages") as string)).toEqual([
      { role: "assistant", parts: [{ type: "tool_call", id: "toolu_2", name: "pay", arguments: { amount: 10 } }], finish_reason: "tool_use" },
    ]);
  });

  it("writes embeddings, tool, agent and generic spans", async () => {
    const { spans } = await exportScenario(options);
    const emb = byName(spans, "embeddings text-embedding-3-small");
    expect(emb.kind).toBe(3);
    expect(attr(emb, "gen_ai.operation.name")).toBe("embeddings");
    expect(attr(emb, "gen_ai.provider.name")).toBe("openai");
    expect(attr(emb, "gen_ai.usage.input_tokens")).toBe(8);
    expect(attr(emb, "gen_ai.embeddings.dimension.count")).toBe(256);
    expect(attr(emb, "gen_ai.request.encoding_formats")).toEqual(["float"]);
    expect(emb.attributes["gen_ai.input.messages"]).toBeUndefined();

    const tool = byName(spans, "execute_tool get_weather");
    expect(tool.kind).toBe(1); // INTERNAL
    expect(attr(tool, "gen_ai.operation.name")).toBe("execute_tool");
    expect(attr(tool, "gen_ai.tool.name")).toBe("get_weather");
    expect(attr(tool, "gen_ai.tool.call.id")).toBe("call_1");
    expect(attr(tool, "gen_ai.tool.type")).toBe("function");
    expect(JSON.parse(attr(tool, "gen_ai.tool.call.arguments") as string)).toEqual({ city: "Paris" });
    expect(attr(tool, "gen_ai.tool.call.result")).toBe("rainy");

    const agent = byName(spans, "invoke_agent researcher");
    expect(agent.kind).toBe(1);
    expect(attr(agent, "gen_ai.operation.name")).toBe("invoke_agent");
    expect(attr(agent, "gen_ai.agent.name")).toBe("researcher");

    const plan = byName(spans, "make-plan");
    expect(plan.kind).toBe(1);
    expect(plan.attributes["gen_ai.operation.name"]).toBeUndefined();
    expect(attr(plan, "tracium.span.type")).toBe("plan");
    expect(attr(plan, "tracium.tags")).toEqual(["planning"]);
    expect(JSON.parse(attr(plan, "tracium.input") as string)).toEqual({ goal: "x" });
    expect(JSON.parse(attr(plan, "tracium.output") as string)).toEqual(["step 1"]);
    expect(plan.attributes["tracium.metadata.attempt"]).toEqual({ int: 2 });
    expect(plan.attributes["tracium.metadata.ratio"]).toEqual({ double: 0.5 });
    expect(plan.attributes["tracium.metadata.flag"]).toEqual({ bool: true });
    expect(plan.attributes["tracium.metadata.nested"]).toEqual({ string: '{"a":1}' });
  });

  it("writes a failed span with error.type, status and an exception event", async () => {
    const { spans } = await exportScenario(options);
    const failed = byName(spans, "chat gpt-4o-mini");
    expect(failed.status).toEqual({ code: 2, message: "slow down" });
    expect(attr(failed, "error.type")).toBe("RateLimitError");
    expect(attr(failed, "http.response.status_code")).toBe(429);
    expect(failed.events).toHaveLength(1);
    const ev = failed.events[0]!;
    expect(ev.name).toBe("exception");
    expect(ev.timeNs).toBe(failed.endNs);
    expect(plain(ev.attributes["exception.type"])).toBe("RateLimitError");
    expect(plain(ev.attributes["exception.message"])).toBe("slow down");
    expect(plain(ev.attributes["exception.stacktrace"])).toMatch(/slow down\n\s+at /);
  });

  it("writes the invoke_agent root with the trace's totals", async () => {
    const { traceId, spans } = await exportScenario(options);
    const root = byName(spans, "invoke_agent support-bot");
    expect(root.kind).toBe(1);
    expect(root.status.code).toBe(0);
    expect(attr(root, "gen_ai.operation.name")).toBe("invoke_agent");
    expect(attr(root, "gen_ai.agent.name")).toBe("support-bot");
    expect(attr(root, "gen_ai.request.model")).toBe("gpt-4o-2024-08-06");
    // Two llm spans: (100+20+5) + (10+1000); the embedding adds 8 uncached input tokens.
    expect(attr(root, "gen_ai.usage.input_tokens")).toBe(1143);
    expect(attr(root, "gen_ai.usage.output_tokens")).toBe(80);
    expect(attr(root, "gen_ai.usage.cache_read.input_tokens")).toBe(20);
    expect(attr(root, "gen_ai.usage.cache_creation.input_tokens")).toBe(1005);
    expect(attr(root, "tracium.trace.id")).toBe(traceId);
    expect(attr(root, "tracium.agent.version")).toBe("1.2.3");
    expect(attr(root, "tracium.tags")).toEqual(["vip"]);
    expect(attr(root, "tracium.metadata.tenant")).toBe("acme");
    expect(attr(root, "tracium.summary.llm_calls")).toBe(3);
    const children = spans.filter((s) => s.parentSpanId === root.spanId);
    for (const c of children) {
      expect(c.startNs).toBeGreaterThanOrEqual(root.startNs);
      expect(c.endNs).toBeLessThanOrEqual(root.endNs + 1_000_000n);
    }
  });
});

describe("OTLP content capture", () => {
  it("writes no prompt, output or tool argument when captureContent is off", async () => {
    const { spans } = await exportScenario({}, { captureContent: false });
    const content = ["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result", "tracium.input", "tracium.output"];
    for (const s of spans) for (const key of content) expect({ span: s.name, key, value: s.attributes[key] }).toEqual({ span: s.name, key, value: undefined });
    // Models, tokens and timings are kept.
    const chat = byName(spans, "chat gpt-4o");
    expect(attr(chat, "gen_ai.usage.input_tokens")).toBe(125);
    expect(attr(chat, "gen_ai.response.time_to_first_chunk")).toBe(0.1235);
  });
});

describe("one batch, two encodings", () => {
  it("decodes to the same message from protobuf and from gzipped JSON", async () => {
    const second = new OtlpCollector();
    await second.start();
    try {
      const proto = new tracium.OtlpHttpExporter({ endpoint: collector.url, protocol: "http/protobuf", serviceName: "same" });
      const json = new tracium.OtlpHttpExporter({ endpoint: second.url, protocol: "http/json", compression: "gzip", serviceName: "same" });
      tracium.init({ exporter: [proto, json], logLevel: "silent" });
      await runScenario();
      await tracium.flush();
      expect(collector.spans).toHaveLength(8);
      expect(second.spans).toEqual(collector.spans);
      expect(proto.stats()).toEqual({ queued: 0, sent: 8, failed: 0, dropped: 0 });
      expect(json.stats()).toEqual({ queued: 0, sent: 8, failed: 0, dropped: 0 });
    } finally {
      await second.stop();
    }
  });
});
