/**
 * A GenAI semantic-convention check over every span kind the mapping produces (llm chat and text
 * completion, embeddings, tool, agent, the trace's invoke_agent root, generic steps): span names,
 * kinds, required attributes, and the type of every gen_ai.* / error.* attribute against a local
 * copy of the registry. Plus the message-schema conversion for each provider input shape.
 */
import { afterEach, describe, expect, it } from "vitest";
import { agentTrace, shutdown, type SpanData, type TraceData } from "../../src/index.js";
import { inputContent, outputContent } from "../../src/export/otlp/content.js";
import { mapSpan, mapTrace } from "../../src/export/otlp/mapping.js";
import type { AttrValue, OtlpSpan } from "../../src/export/otlp/model.js";
import { setup } from "../helpers.js";

afterEach(async () => {
  await shutdown();
});

type T = "string" | "int" | "double" | "bool" | "string[]";

/** The registry types of the attributes we may emit (semantic-conventions, gen-ai + error + http). */
const REGISTRY: Record<string, T> = {
  "gen_ai.operation.name": "string",
  "gen_ai.provider.name": "string",
  "gen_ai.agent.name": "string",
  "gen_ai.agent.id": "string",
  "gen_ai.conversation.id": "string",
  "gen_ai.output.type": "string",
  "gen_ai.request.model": "string",
  "gen_ai.request.temperature": "double",
  "gen_ai.request.top_p": "double",
  "gen_ai.request.top_k": "double",
  "gen_ai.request.max_tokens": "int",
  "gen_ai.request.frequency_penalty": "double",
  "gen_ai.request.presence_penalty": "double",
  "gen_ai.request.stop_sequences": "string[]",
  "gen_ai.request.seed": "int",
  "gen_ai.request.choice.count": "int",
  "gen_ai.request.stream": "bool",
  "gen_ai.request.encoding_formats": "string[]",
  "gen_ai.embeddings.dimension.count": "int",
  "gen_ai.response.model": "string",
  "gen_ai.response.id": "string",
  "gen_ai.response.finish_reasons": "string[]",
  "gen_ai.response.time_to_first_chunk": "double",
  "gen_ai.usage.input_tokens": "int",
  "gen_ai.usage.output_tokens": "int",
  "gen_ai.usage.cache_read.input_tokens": "int",
  "gen_ai.usage.cache_creation.input_tokens": "int",
  "gen_ai.usage.reasoning.output_tokens": "int",
  "gen_ai.tool.name": "string",
  "gen_ai.tool.call.id": "string",
  "gen_ai.tool.type": "string",
  "gen_ai.tool.description": "string",
  "gen_ai.tool.call.arguments": "string",
  "gen_ai.tool.call.result": "string",
  "gen_ai.tool.definitions": "string",
  "gen_ai.input.messages": "string",
  "gen_ai.output.messages": "string",
  "gen_ai.system_instructions": "string",
  "error.type": "string",
  "http.response.status_code": "int",
};

/** Required attributes and the span-name rule for each operation. */
const RULES: Record<string, { required: string[]; kind: number; name: (s: OtlpSpan) => string }> = {
  chat: { required: ["gen_ai.provider.name", "gen_ai.request.model"], kind: 3, name: (s) => `chat ${str(s, "gen_ai.request.model")}` },
  text_completion: { required: ["gen_ai.provider.name", "gen_ai.request.model"], kind: 3, name: (s) => `text_completion ${str(s, "gen_ai.request.model")}` },
  embeddings: { required: ["gen_ai.provider.name", "gen_ai.request.model"], kind: 3, name: (s) => `embeddings ${str(s, "gen_ai.request.model")}` },
  execute_tool: { required: ["gen_ai.tool.name"], kind: 1, name: (s) => `execute_tool ${str(s, "gen_ai.tool.name")}` },
  invoke_agent: { required: ["gen_ai.agent.name"], kind: 1, name: (s) => `invoke_agent ${str(s, "gen_ai.agent.name")}` },
};

function typeOf(v: AttrValue): T {
  if (v.type === "array") return v.value.every((i) => i.type === "string") ? "string[]" : (("array" as unknown) as T);
  return v.type === "bool" ? "bool" : v.type;
}

function str(s: OtlpSpan, key: string): string | undefined {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v?.type === "string" ? v.value : undefined;
}

/** Every convention violation of a span, as readable strings (empty: conformant). */
function violations(s: OtlpSpan): string[] {
  const out: string[] = [];
  const keys = s.attributes.map((a) => a.key);
  if (new Set(keys).size !== keys.length) out.push("duplicate attribute keys");
  for (const { key, value } of s.attributes) {
    if (key.startsWith("gen_ai.") || key.startsWith("error.") || key.startsWith("http.")) {
      const want = REGISTRY[key];
      if (!want) out.push(`${key}: not in the registry`);
      else if (typeOf(value) !== want) out.push(`${key}: ${typeOf(value)}, registry says ${want}`);
    }
    if (key.endsWith("messages") || key.endsWith("instructions") || key.endsWith("definitions")) {
      try {
        if (!Array.isArray(JSON.parse(str(s, key) ?? ""))) out.push(`${key}: not a JSON array`);
      } catch {
        out.push(`${key}: not JSON`);
      }
    }
  }
  const op = str(s, "gen_ai.operation.name");
  if (op) {
    const rule = RULES[op];
    if (!rule) out.push(`operation ${op}: unknown`);
    else {
      for (const r of rule.required) if (!keys.includes(r)) out.push(`${op}: missing ${r}`);
      if (s.kind !== rule.kind) out.push(`${op}: kind ${s.kind}, expected ${rule.kind}`);
      if (s.name !== rule.name(s)) out.push(`${op}: name "${s.name}", expected "${rule.name(s)}"`);
    }
  }
  if (s.status.code === 2 && !keys.includes("error.type")) out.push("failed span without error.type");
  if (s.status.code !== 2 && keys.includes("error.type")) out.push("error.type on a span that did not fail");
  if (!/^[0-9a-f]{32}$/.test(s.traceId) || !/^[0-9a-f]{16}$/.test(s.spanId)) out.push("bad ids");
  if (s.endNs < s.startNs) out.push("ends before it starts");
  return out;
}

async function everyKind(): Promise<{ spans: SpanData[]; traces: TraceData[]; records: Array<{ span: SpanData; trace: TraceData }> }> {
  const memory = setup();
  await agentTrace({ agentName: "kinds" }, async (t) => {
    const llm = (operation: string, model: string) => ({
      spanType: "llm",
      name: "x",
      metadata: { provider: "openai", operation, request_model: model, request_params: { temperature: 1, top_k: 3, max_tokens: 9, n: 1 } },
      input: { messages: [{ role: "user", content: "hi" }] },
    });
    await t.span(llm("chat", "gpt-4o"), (s) => {
      s.setTokenUsage({ inputTokens: 1, outputTokens: 1 });
      s.recordOutput("yo");
    });
    await t.span(llm("responses", "gpt-5"), (s) => s.recordOutput("ok"));
    await t.span(llm("completions", "gpt-3.5-turbo-instruct"), (s) => s.recordOutput(["a"]));
    await t.span({ spanType: "llm", name: "manual llm", modelId: "my-model", metadata: { provider: "acme" } }, () => undefined);
    await t.span({ spanType: "embedding", name: "emb", metadata: { provider: "openai", request_model: "text-embedding-3-small" } }, () => undefined);
    await t.span({ spanType: "tool", name: "search", metadata: { tool_call_id: "c1" }, input: { q: 1 } }, (s) => s.recordOutput({ hits: 2 }));
    await t.span({ spanType: "agent", name: "sub-agent" }, () => undefined);
    for (const type of ["retrieval", "plan", "action", "chain", "custom", "whatever"]) await t.span({ spanType: type, name: type }, () => undefined);
    await t.span({ spanType: "tool", name: "broken" }, async () => Promise.reject(new TypeError("bad"))).catch(() => undefined);
    await t.span({ name: "failed step" }, async () => Promise.reject("just a string")).catch(() => undefined);
  });
  const records = memory.records.filter((r) => r.kind === "span_end").map((r) => ({ span: (r as { span: SpanData }).span, trace: r.trace }));
  return { spans: memory.spans(), traces: memory.traces(), records };
}

describe("GenAI semantic conventions, every span kind", () => {
  it("has no violation on any span, with content on and off", async () => {
    const { records, traces } = await everyKind();
    const mapped = [
      ...records.map((r) => mapSpan(r.span, r.trace, { captureContent: true })),
      ...records.map((r) => mapSpan(r.span, r.trace, { captureContent: false })),
      mapTrace(traces[0]!),
    ];
    const problems = mapped.flatMap((s) => violations(s).map((v) => `${s.name}: ${v}`));
    expect(problems).toEqual([]);
  });

  it("the check itself catches wrong types, missing attributes, bad names and unknown keys", () => {
    const bad: OtlpSpan = {
      traceId: "a".repeat(32),
      spanId: "b".repeat(16),
      parentSpanId: undefined,
      traceState: undefined,
      flags: 1,
      name: "chat",
      kind: 1,
      startNs: 2n,
      endNs: 1n,
      attributes: [
        { key: "gen_ai.operation.name", value: { type: "string", value: "chat" } },
        { key: "gen_ai.request.temperature", value: { type: "int", value: 1 } },
        { key: "gen_ai.usage.prompt_tokens", value: { type: "int", value: 1 } },
      ],
      events: [],
      status: { code: 2, message: "x" },
    };
    expect(violations(bad)).toEqual([
      "gen_ai.request.temperature: int, registry says double",
      "gen_ai.usage.prompt_tokens: not in the registry",
      "chat: missing gen_ai.provider.name",
      "chat: missing gen_ai.request.model",
      "chat: kind 1, expected 3",
      'chat: name "chat", expected "chat undefined"',
      "failed span without error.type",
      "ends before it starts",
    ]);
  });

  it("names and classifies each kind as the conventions say", async () => {
    const { records, traces } = await everyKind();
    const names = records.map((r) => {
      const m = mapSpan(r.span, r.trace, { captureContent: false });
      return [r.span.spanType, m.name, str(m, "gen_ai.operation.name") ?? null, m.kind];
    });
    expect(names).toEqual([
      ["llm", "chat gpt-4o", "chat", 3],
      ["llm", "chat gpt-5", "chat", 3],
      ["llm", "text_completion gpt-3.5-turbo-instruct", "text_completion", 3],
      ["llm", "chat my-model", "chat", 3],
      ["embedding", "embeddings text-embedding-3-small", "embeddings", 3],
      ["tool", "execute_tool search", "execute_tool", 1],
      ["agent", "invoke_agent sub-agent", "invoke_agent", 1],
      ["retrieval", "retrieval", null, 1],
      ["plan", "plan", null, 1],
      ["action", "action", null, 1],
      ["chain", "chain", null, 1],
      ["custom", "custom", null, 1],
      ["whatever", "whatever", null, 1],
      ["tool", "execute_tool broken", "execute_tool", 1],
      ["custom", "failed step", null, 1],
    ]);
    const root = mapTrace(traces[0]!);
    expect([root.name, str(root, "gen_ai.operation.name"), root.kind]).toEqual(["invoke_agent kinds", "invoke_agent", 1]);
    const broken = mapSpan(records[13]!.span, records[13]!.trace, { captureContent: false });
    expect(str(broken, "error.type")).toBe("TypeError");
    const failed = mapSpan(records[14]!.span, records[14]!.trace, { captureContent: false });
    expect(str(failed, "error.type")).toBe("_OTHER");
  });
});

describe("content → the GenAI message schema", () => {
  it("reads OpenAI Responses inputs (instructions, items, function calls and outputs)", () => {
    const c = inputContent({
      instructions: "Be nice",
      input: [
        { role: "developer", content: "dev note" },
        { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }, { type: "input_image", image_url: "https://x/img.png" }] },
        { type: "function_call", call_id: "fc1", name: "f", arguments: '{"a":1}' },
        { type: "function_call_output", call_id: "fc1", output: "done" },
      ],
    });
    expect(c.system).toEqual([{ type: "text", content: "Be nice" }]);
    expect(c.messages).toEqual([
      { role: "system", parts: [{ type: "text", content: "dev note" }] },
      { role: "user", parts: [{ type: "text", content: "hi" }, { type: "uri", modality: "image", uri: "https://x/img.png" }] },
      { role: "assistant", parts: [{ type: "tool_call", id: "fc1", name: "f", arguments: { a: 1 } }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "fc1", response: "done" }] },
    ]);
    expect(inputContent({ input: "just text" }).messages).toEqual([{ role: "user", parts: [{ type: "text", content: "just text" }] }]);
    expect(inputContent({ prompt: ["p1", "p2"] }).messages).toHaveLength(2);
  });

  it("reads Anthropic blocks (images, thinking, system blocks)", () => {
    const c = inputContent({
      system: [{ type: "text", text: "S1" }, { type: "text", text: "S2" }],
      messages: [
        { role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "[base64 image]" } }] },
        { role: "assistant", content: [{ type: "thinking", thinking: "hmm" }, { type: "text", text: "ok" }] },
      ],
    });
    expect(c.system).toEqual([{ type: "text", content: "S1" }, { type: "text", content: "S2" }]);
    expect(c.messages[0]!.parts).toEqual([{ type: "blob", modality: "image", mime_type: "image/png", content: "[base64 image]" }]);
    expect(c.messages[1]!.parts).toEqual([{ type: "reasoning", content: "hmm" }, { type: "text", content: "ok" }]);
  });

  it("builds output messages with finish reasons and tool calls, tolerating anything", () => {
    expect(outputContent(undefined, [{ id: "c", type: "function", function: { name: "f", arguments: "not json" } }], [])).toEqual([
      { role: "assistant", parts: [{ type: "tool_call", id: "c", name: "f", arguments: "not json" }], finish_reason: "tool_call" },
    ]);
    expect(outputContent({ weird: true }, undefined, ["stop"])).toEqual([{ role: "assistant", parts: [{ type: "text", content: '{"weird":true}' }], finish_reason: "stop" }]);
    for (const junk of [null, 42, Symbol.for("x"), [1, [2]], { role: 5, content: { nested: true } }]) {
      expect(() => inputContent(junk)).not.toThrow();
      expect(() => outputContent(junk, junk, [])).not.toThrow();
    }
  });
});
