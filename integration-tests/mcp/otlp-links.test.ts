/**
 * The agent loop on the OTLP wire: a tool span carries `gen_ai.tool.call.id` and a span link to the
 * chat span that asked for it; the next chat span links to the tool spans whose results it sends.
 * Bodies decoded with the official OTLP schema (protobuf) and read as OTLP/JSON.
 */
import { createRequire } from "node:module";
import OpenAI from "openai-v6";
import * as tracium from "@tracium/core";
import { openaiPlugin } from "@tracium/openai";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { nock, useNock } from "../helpers/nock.js";
import { OtlpCollector } from "../otel/collector.js";
import { connect, useMcpTracing } from "./harness.js";

useMcpTracing();
useNock();
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ExportTraceServiceRequest = (require("@opentelemetry/otlp-transformer/build/src/generated/root.js") as any).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

let collector: OtlpCollector;
beforeAll(() => {
  tracium.registerPlugin(openaiPlugin);
  tracium.instrument(OpenAI);
});
beforeEach(async () => {
  collector = new OtlpCollector();
  await collector.start();
});
afterEach(async () => {
  await tracium.shutdown();
  await collector.stop();
  tracium.init({ exporter: "none", logLevel: "silent" });
});

const API = "https://api.openai.com";
const CALL = { id: "call_wx", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } };
const completion = (message: Record<string, unknown>, finish: string) => ({
  id: "c",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", refusal: null, ...message }, logprobs: null, finish_reason: finish }],
  usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
});

interface WireLink {
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
}
interface WireSpan {
  name: string;
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
  links: WireLink[];
}

const b64hex = (v: unknown): string => (typeof v === "string" && /^[0-9a-f]+$/.test(v) ? v : Buffer.from(v as Uint8Array).toString("hex"));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const kv = (list: any[] | undefined): Record<string, unknown> => Object.fromEntries((list ?? []).map((a) => [a.key, a.value.stringValue ?? a.value.intValue ?? a.value.boolValue]));

/** Every span of every request, protobuf decoded with the official schema, or JSON as sent. */
function wireSpans(): WireSpan[] {
  const out: WireSpan[] = [];
  for (const r of collector.requests) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const body: any = r.headers["content-type"] === "application/json" ? JSON.parse(r.raw.toString("utf8")) : ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(r.raw), { longs: String });
    for (const rs of body.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? [])
          out.push({
            name: s.name,
            traceId: b64hex(s.traceId),
            spanId: b64hex(s.spanId),
            attributes: kv(s.attributes),
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            links: (s.links ?? []).map((l: any) => ({ traceId: b64hex(l.traceId), spanId: b64hex(l.spanId), attributes: kv(l.attributes) })),
          });
  }
  return out;
}

describe.each([["http/protobuf"], ["http/json"]] as const)("OTLP %s", (protocol) => {
  it("tool span: gen_ai.tool.call.id + link to the asking chat span; next chat span links to the tool span", async () => {
    tracium.init({ exporter: "otlp", logLevel: "silent", otlp: { endpoint: collector.url, protocol } });
    const mcp = await connect("in-memory");
    nock(API)
      .post("/v1/chat/completions")
      .reply(200, completion({ content: null, tool_calls: [CALL] }, "tool_calls"))
      .post("/v1/chat/completions")
      .reply(200, completion({ content: "21°C" }, "stop"));
    const oai = new OpenAI({ apiKey: "sk-test", maxRetries: 0 });
    await tracium.agentTrace({ agentName: "otlp-loop" }, async () => {
      const messages: Array<Record<string, unknown>> = [{ role: "user", content: "Weather?" }];
      const first = await oai.chat.completions.create({ model: "gpt-4o-mini", messages: messages as never });
      messages.push(first.choices[0]!.message as never);
      const result = await mcp.callTool({ name: "get_weather", arguments: { city: "Paris" } });
      messages.push({ role: "tool", tool_call_id: CALL.id, content: (result.content as Array<{ text: string }>)[0]!.text });
      await oai.chat.completions.create({ model: "gpt-4o-mini", messages: messages as never });
    });
    await tracium.flush();
    expect(collector.requests.filter((r) => r.error)).toEqual([]);
    const spans = wireSpans();
    const chats = spans.filter((s) => s.name === "chat gpt-4o-mini");
    const toolSpan = spans.find((s) => s.name === "execute_tool get_weather")!;
    expect(chats).toHaveLength(2);
    const [ask, answer] = chats.sort((a, b) => (a.links.length > b.links.length ? 1 : -1)) as [WireSpan, WireSpan];
    expect(toolSpan.attributes["gen_ai.tool.call.id"]).toBe("call_wx");
    expect(toolSpan.links).toEqual([{ traceId: ask.traceId, spanId: ask.spanId, attributes: { "gen_ai.tool.call.id": "call_wx" } }]);
    expect(answer.links).toEqual([{ traceId: toolSpan.traceId, spanId: toolSpan.spanId, attributes: {} }]);
    expect(ask.links).toEqual([]);
  });
});
