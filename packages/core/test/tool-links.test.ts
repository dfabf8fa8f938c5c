import { afterEach, describe, expect, it } from "vitest";
import { agentTrace, configureToolLinks, resetToolLinks, span, startSpan, tool, toolLinkStats, type SpanData } from "../src/index.js";
import { normalizeToolCalls, toolArgsKey, toolResultIds, ToolCallTable } from "../src/tracing/tool-links/index.js";
import { setup, tick } from "./helpers.js";

afterEach(() => {
  resetToolLinks();
  configureToolLinks({ maxEntries: 10_000, ttlMs: 30 * 60_000 });
});

const OPENAI_CALLS = [
  { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' } },
  { id: "call_b", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo","unit":"c"}' } },
];

describe("ToolCallTable", () => {
  const call = (callId: string, traceId = "t1", name = "f", argsKey?: string) => ({ callId, llmSpanId: `llm-${callId}`, traceId, name, argsKey });

  it("remembers calls and finds them by id", () => {
    const t = new ToolCallTable();
    t.remember(call("c1"));
    expect(t.get("c1")).toMatchObject({ callId: "c1", llmSpanId: "llm-c1", traceId: "t1", toolSpanId: undefined, resultSeen: false });
    expect(t.get("nope")).toBeUndefined();
  });

  it("keeps a claimed call claimed when the same span records it again (a stream's calls recorded as they arrive)", () => {
    const t = new ToolCallTable();
    const first = t.remember(call("c1"));
    t.claim(first, "tool-1");
    t.remember(call("c1"));
    expect(t.get("c1")).toMatchObject({ toolSpanId: "tool-1" });
    expect(t.infer("t1", "f", undefined)).toBeUndefined();
    // Another span asking with the same id starts afresh.
    t.remember({ ...call("c1"), llmSpanId: "llm-other" });
    expect(t.get("c1")).toMatchObject({ llmSpanId: "llm-other", toolSpanId: undefined });
  });

  it("evicts the least recently used call beyond maxEntries", () => {
    const t = new ToolCallTable({ maxEntries: 3 });
    for (const id of ["c1", "c2", "c3"]) t.remember(call(id));
    t.get("c1"); // touch: c2 is now the least recently used
    t.remember(call("c4"));
    expect(t.get("c2")).toBeUndefined();
    expect(t.get("c1")).toBeDefined();
    expect(t.stats()).toEqual({ entries: 3, pending: 3, traces: 1 });
  });

  it("forgets calls older than the TTL", () => {
    const t = new ToolCallTable({ ttlMs: 1000 });
    t.remember(call("old"), 0);
    expect(t.get("old", 999)).toBeDefined();
    expect(t.get("old", 1000)).toBeUndefined();
    expect(t.stats()).toEqual({ entries: 0, pending: 0, traces: 0 });
    t.remember(call("a"), 0);
    t.remember(call("b"), 5000); // insertion evicts the expired head
    expect(t.stats().entries).toBe(1);
    expect(t.infer("t1", "f", undefined, 6500)).toBeUndefined();
  });

  it("infers the oldest unclaimed call of the trace by name, equal arguments first", () => {
    const t = new ToolCallTable();
    t.remember(call("c1", "t1", "f", "k1"));
    t.remember(call("c2", "t1", "f", "k2"));
    t.remember(call("c3", "t2", "f", "k2"));
    expect(t.infer("t1", "f", "k2")?.callId).toBe("c2");
    expect(t.infer("t1", "f", "other")?.callId).toBe("c1");
    expect(t.infer("t1", "g", "k1")).toBeUndefined();
    t.claim(t.get("c1")!, "span-1");
    expect(t.infer("t1", "f", "k1")?.callId).toBe("c2");
    t.resultSent(t.get("c2")!);
    expect(t.infer("t1", "f", undefined)).toBeUndefined();
    expect(t.get("c1")?.toolSpanId).toBe("span-1");
  });

  it("keeps memory bounded over 100,000 calls", () => {
    const t = new ToolCallTable({ maxEntries: 1000 });
    for (let i = 0; i < 100_000; i++) {
      const trace = `t${i % 97}`;
      t.remember(call(`c${i}`, trace, "f", String(i)));
      if (i % 3 === 0) t.claim(t.get(`c${i}`)!, `s${i}`);
    }
    const stats = t.stats();
    expect(stats.entries).toBe(1000);
    expect(stats.pending).toBeLessThanOrEqual(1000);
    expect(stats.traces).toBeLessThanOrEqual(97);
    expect(t.get("c0")).toBeUndefined();
    expect(t.get("c99999")).toBeDefined();
  });

  it("shrinks when reconfigured with a smaller limit", () => {
    const t = new ToolCallTable();
    for (let i = 0; i < 50; i++) t.remember(call(`c${i}`));
    t.configure({ maxEntries: 10 });
    expect(t.stats().entries).toBe(10);
    expect(t.get("c49")).toBeDefined();
  });
});

describe("shapes", () => {
  it("reads tool calls in every recorded shape", () => {
    expect(
      normalizeToolCalls([
        ...OPENAI_CALLS,
        { id: "toolu_1", type: "tool_use", name: "search", input: { q: "x" } },
        { id: "lc_1", type: "tool_call", name: "lookup", args: { k: 1 } },
        { call_id: "fc_1", type: "function_call", name: "f", arguments: "{}" },
        { type: "function" },
        null,
        "junk",
      ]),
    ).toEqual([
      { id: "call_a", name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' },
      { id: "call_b", name: "get_weather", arguments: '{"city":"Oslo","unit":"c"}' },
      { id: "toolu_1", name: "search", arguments: { q: "x" } },
      { id: "lc_1", name: "lookup", arguments: { k: 1 } },
      { id: "fc_1", name: "f", arguments: "{}" },
    ]);
    expect(normalizeToolCalls("nope")).toEqual([]);
  });

  it("gives equal argument keys to a JSON string and the object, whatever the key order", () => {
    expect(toolArgsKey('{"city":"Paris","unit":"c"}')).toBe(toolArgsKey({ unit: "c", city: "Paris" }));
    expect(toolArgsKey({ city: "Paris" })).not.toBe(toolArgsKey({ city: "Oslo" }));
    expect(toolArgsKey("not json")).toBe(toolArgsKey("not json"));
    expect(toolArgsKey(undefined)).toBeUndefined();
    const big = { text: "x".repeat(1_000_000) };
    expect(toolArgsKey(big)?.length).toBeLessThan(20);
  });

  it("finds tool results in OpenAI, Anthropic, Responses and LangChain requests", () => {
    const openai = {
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", tool_calls: [{ id: "old" }] },
        { role: "tool", tool_call_id: "old", content: "1" },
        { role: "assistant", content: null, tool_calls: OPENAI_CALLS },
        { role: "tool", tool_call_id: "call_a", content: "20C" },
        { role: "tool", tool_call_id: "call_b", content: "5C" },
      ],
    };
    expect(toolResultIds(openai)).toEqual({ recent: ["call_a", "call_b"], all: ["old", "call_a", "call_b"] });
    const anthropic = {
      system: "s",
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "f", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }, { type: "text", text: "go on" }] },
      ],
    };
    expect(toolResultIds(anthropic)).toEqual({ recent: ["toolu_1"], all: ["toolu_1"] });
    const responses = {
      input: [
        { role: "user", content: "hi" },
        { type: "function_call", call_id: "fc_1", name: "f", arguments: "{}" },
        { type: "function_call_output", call_id: "fc_1", output: "ok" },
      ],
    };
    expect(toolResultIds(responses)).toEqual({ recent: ["fc_1"], all: ["fc_1"] });
    const langchain = [[{ role: "user", content: "hi" }, { role: "ai", tool_calls: [{ id: "lc" }] }, { role: "tool", tool_call_id: "lc", content: "x" }]];
    expect(toolResultIds(langchain)).toEqual({ recent: ["lc"], all: ["lc"] });
    expect(toolResultIds({ messages: "nope" })).toEqual({ recent: [], all: [] });
    expect(toolResultIds(undefined)).toEqual({ recent: [], all: [] });
  });

  it("finds tool results in Bedrock Converse, Gemini and Mistral requests", () => {
    const bedrock = {
      messages: [
        { role: "user", content: [{ text: "hi" }] },
        { role: "assistant", content: [{ toolUse: { toolUseId: "tooluse_1", name: "f", input: {} } }] },
        { role: "user", content: [{ toolResult: { toolUseId: "tooluse_1", content: [{ json: { ok: true } }] } }] },
      ],
    };
    expect(toolResultIds(bedrock)).toEqual({ recent: ["tooluse_1"], all: ["tooluse_1"] });
    const gemini = {
      messages: [
        { role: "user", parts: [{ text: "hi" }] },
        { role: "model", parts: [{ functionCall: { id: "fc-1", name: "f", args: {} } }, { functionCall: { name: "g", args: {} } }] },
        { role: "user", parts: [{ functionResponse: { id: "fc-1", name: "f", response: {} } }, { functionResponse: { name: "g", response: {} } }] },
      ],
    };
    expect(toolResultIds(gemini)).toEqual({ recent: ["fc-1", { name: "g" }], all: ["fc-1", { name: "g" }] });
    // A bare Part as an item of `contents`.
    expect(toolResultIds({ messages: [{ functionResponse: { id: "fc-2", name: "f", response: {} } }] }).all).toEqual(["fc-2"]);
    const mistral = {
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "", toolCalls: [{ id: "abc123XYZ", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", toolCallId: "abc123XYZ", name: "f", content: "ok" },
      ],
    };
    expect(toolResultIds(mistral)).toEqual({ recent: ["abc123XYZ"], all: ["abc123XYZ"] });
  });

  it("a result named only by its tool answers the oldest unanswered call of that name, once", () => {
    const t = new ToolCallTable();
    t.remember({ callId: "s1:0", llmSpanId: "s1", traceId: "T", name: "get_weather" });
    t.remember({ callId: "s1:1", llmSpanId: "s1", traceId: "T", name: "get_weather" });
    t.remember({ callId: "s1:2", llmSpanId: "s1", traceId: "T", name: "other" });
    const first = t.awaitingResult("T", "get_weather")!;
    expect(first.callId).toBe("s1:0");
    t.resultSent(first);
    expect(t.awaitingResult("T", "get_weather")!.callId).toBe("s1:1");
    expect(t.awaitingResult("other-trace", "get_weather")).toBeUndefined();
    t.claim(t.get("s1:1")!, "tool-span");
    // Claimed by a tool span but its result not sent yet: still awaiting.
    expect(t.awaitingResult("T", "get_weather")!.callId).toBe("s1:1");
  });
});

describe("ToolCallTable: calls awaiting their result", () => {
  const remember = (t: ToolCallTable, callId: string, now?: number) => t.remember({ callId, llmSpanId: "s", traceId: "T", name: "f" }, now);

  it("counts calls until a request carries their result, never below zero", () => {
    const t = new ToolCallTable();
    expect(t.hasAwaitingResults()).toBe(false);
    const a = remember(t, "a");
    const b = remember(t, "b");
    remember(t, "a"); // the same span recording it again: still one call
    expect(t.hasAwaitingResults()).toBe(true);
    t.resultSent(a);
    expect(t.hasAwaitingResults()).toBe(true);
    t.resultSent(b);
    t.resultSent(b);
    expect(t.hasAwaitingResults()).toBe(false);
    remember(t, "c");
    expect(t.hasAwaitingResults()).toBe(true);
  });

  it("stops counting a call that is evicted or expires, and once only", () => {
    const t = new ToolCallTable({ maxEntries: 1, ttlMs: 1_000 });
    const a = remember(t, "a", 0);
    remember(t, "b", 0); // evicts a
    t.resultSent(a); // evicted already: not counted twice
    expect(t.hasAwaitingResults()).toBe(true);
    expect(t.get("b", 5_000)).toBeUndefined(); // expired: dropped
    expect(t.hasAwaitingResults()).toBe(false);
  });
});

describe("linking spans", () => {
  const byName = (spans: SpanData[], name: string): SpanData[] => spans.filter((s) => s.name === name);

  it("links tool spans to the llm span that asked, and the next llm span to the results", async () => {
    const memory = setup();
    const getWeather = tool("get_weather", async (args: { city: string; unit: string }) => `${args.city}: 20${args.unit}`);
    await agentTrace({ agentName: "loop" }, async () => {
      const first = startSpan({ spanType: "llm", name: "llm-1" });
      first.setToolCalls(OPENAI_CALLS);
      first.end();
      // Out of order on purpose: matched by arguments.
      await getWeather({ unit: "c", city: "Oslo" });
      await getWeather({ city: "Paris", unit: "c" });
      const second = startSpan({ spanType: "llm", name: "llm-2" });
      second.recordInput({
        messages: [
          { role: "assistant", tool_calls: OPENAI_CALLS },
          { role: "tool", tool_call_id: "call_a", content: "Paris: 20c" },
          { role: "tool", tool_call_id: "call_b", content: "Oslo: 20c" },
        ],
      });
      second.end();
    });
    const spans = memory.spans();
    const llm1 = byName(spans, "llm-1")[0]!;
    const [oslo, paris] = byName(spans, "get_weather");
    expect(oslo!.metadata).toMatchObject({ tool_call_id: "call_b", llm_span_id: llm1.id, tool_call_inferred: true, tool_name: "get_weather" });
    expect(paris!.metadata).toMatchObject({ tool_call_id: "call_a", llm_span_id: llm1.id });
    expect(oslo!.parentSpanId).toBe(llm1.parentSpanId);
    const llm2 = byName(spans, "llm-2")[0]!;
    expect(llm2.metadata).toMatchObject({ tool_results_for: ["call_a", "call_b"], tool_span_ids: [paris!.id, oslo!.id] });
    expect(toolLinkStats().pending).toBe(0);
  });

  it("links a result an older message carries while its call awaits it, and reads only the latest turn once none does", async () => {
    const memory = setup();
    // The result comes back behind a later model turn (an agent that edits its history).
    const messages = [
      { role: "assistant", tool_calls: [OPENAI_CALLS[0]] },
      { role: "tool", tool_call_id: "call_a", content: "Paris: 20c" },
      { role: "assistant", content: "Anything else?" },
      { role: "user", content: "no" },
    ];
    await agentTrace({ agentName: "loop" }, async () => {
      const first = startSpan({ spanType: "llm", name: "llm-1" });
      first.setToolCalls([OPENAI_CALLS[0]]);
      first.end();
      for (const name of ["llm-2", "llm-3"]) {
        const next = startSpan({ spanType: "llm", name });
        next.recordInput({ messages });
        next.end();
      }
    });
    const spans = memory.spans();
    expect(byName(spans, "llm-2")[0]!.metadata).toMatchObject({ tool_results_for: ["call_a"] });
    expect(byName(spans, "llm-3")[0]!.metadata.tool_results_for).toBeUndefined();
  });

  it("links a span given tool_call_id in its metadata (the LangChain handler's way)", async () => {
    const memory = setup();
    await agentTrace({ agentName: "lc" }, () => {
      span({ spanType: "llm", name: "model" }, (s) => s.setToolCalls([{ id: "lc_1", type: "tool_call", name: "lookup", args: {} }]));
      span({ spanType: "tool", name: "lookup", metadata: { tool_call_id: "lc_1" } }, () => undefined);
      span({ spanType: "tool", name: "unknown", metadata: { tool_call_id: "lc_404" } }, () => undefined);
    });
    const model = memory.spans().find((s) => s.name === "model")!;
    expect(memory.spans().find((s) => s.name === "lookup")!.metadata).toMatchObject({ tool_call_id: "lc_1", llm_span_id: model.id });
    const unknown = memory.spans().find((s) => s.name === "unknown")!.metadata;
    expect(unknown.tool_call_id).toBe("lc_404");
    expect(unknown.llm_span_id).toBeUndefined();
  });

  it("does not link a tool nested in a linked tool again, nor infer across traces", async () => {
    const memory = setup();
    const inner = tool("get_weather", (a: { city: string }) => a.city);
    const outer = tool("get_weather", (a: { city: string }) => inner(a));
    await agentTrace({ agentName: "a" }, () => {
      span({ spanType: "llm", name: "llm" }, (s) => s.setToolCalls(OPENAI_CALLS));
      outer({ city: "Paris" });
    });
    await agentTrace({ agentName: "b" }, () => outer({ city: "Oslo" }));
    const tools = memory.spans().filter((s) => s.name === "get_weather");
    expect(tools).toHaveLength(4);
    const linked = tools.filter((s) => s.metadata.tool_call_id !== undefined);
    expect(linked).toHaveLength(1);
    expect(linked[0]!.metadata.tool_call_id).toBe("call_a");
    // call_b is still pending: the other trace did not take it.
    expect(toolLinkStats().pending).toBe(1);
  });

  it("links with captureContent off, and remembers nothing for sampled-out traces", async () => {
    const memory = setup({ captureContent: false });
    const f = tool("get_weather", (a: { city: string }) => a.city);
    await agentTrace({ agentName: "a" }, () => {
      span({ spanType: "llm", name: "llm" }, (s) => s.setToolCalls(OPENAI_CALLS));
      f({ city: "Paris", unit: "c" } as { city: string });
    });
    const t = memory.spans().find((s) => s.name === "get_weather")!;
    expect(t.metadata.tool_call_id).toBe("call_a");
    expect(t.input).toBeUndefined();
    resetToolLinks();
    setup({ sampleRate: 0 });
    await agentTrace({ agentName: "b" }, () => span({ spanType: "llm", name: "llm" }, (s) => s.setToolCalls(OPENAI_CALLS)));
    expect(toolLinkStats().entries).toBe(0);
  });

  it("stays bounded over 100,000 model calls through the span API", async () => {
    setup({ exporter: "none" } as never);
    configureToolLinks({ maxEntries: 500 });
    await agentTrace({ agentName: "many" }, () => {
      for (let i = 0; i < 100_000; i++) {
        const s = startSpan({ spanType: "llm", name: "llm" });
        s.setToolCalls([{ id: `call_${i}`, type: "function", function: { name: "f", arguments: "{}" } }]);
        s.end();
      }
    });
    const stats = toolLinkStats();
    expect(stats.entries).toBe(500);
    expect(stats.pending).toBeLessThanOrEqual(256);
  });
});

describe("tool()", () => {
  it("keeps a sync function sync, passes this and arguments, records input and output", () => {
    const memory = setup();
    const obj = {
      k: 2,
      times: tool("times", function (this: { k: number }, x: number) {
        return x * this.k;
      }),
    };
    expect(obj.times(21)).toBe(42);
    expect(obj.times.name).toBe("times");
    expect(memory.spans()[0]).toMatchObject({ spanType: "tool", name: "times", input: 21, output: 42, status: "completed" });
  });

  it("awaits async results and rethrows the same error object, sync or async", async () => {
    const memory = setup();
    const boom = new Error("boom");
    const asyncOk = tool("ok", async (a: { q: string }) => ({ answer: a.q }));
    const asyncBad = tool("bad", async () => {
      await tick();
      throw boom;
    });
    const syncBad = tool("sbad", () => {
      throw boom;
    });
    await expect(asyncOk({ q: "x" })).resolves.toEqual({ answer: "x" });
    await expect(asyncBad()).rejects.toBe(boom);
    expect(() => syncBad()).toThrow(boom);
    const s = new Map(memory.spans().map((x) => [x.name, x]));
    expect(s.get("ok")).toMatchObject({ input: { q: "x" }, output: { answer: "x" }, status: "completed" });
    expect(s.get("bad")).toMatchObject({ status: "failed", error: "boom" });
    expect(s.get("sbad")).toMatchObject({ status: "failed", error: "boom" });
  });

  it("takes the call id from options, a runTools runner, or a LangChain config", async () => {
    const memory = setup();
    await agentTrace({ agentName: "ids" }, async () => {
      await tool("a", (x: number) => x, { toolCallId: (x) => `explicit_${x}` })(1);
      const runner = { on() {}, messages: [{ role: "user", content: "q" }, { role: "assistant", tool_calls: OPENAI_CALLS }] };
      const rt = tool("get_weather", (args: string, _runner: unknown) => args);
      rt(OPENAI_CALLS[1]!.function.arguments, runner);
      rt(OPENAI_CALLS[0]!.function.arguments, runner);
      tool("lc", (x: { k: number }, _config: unknown) => x.k)({ k: 1 }, { toolCall: { id: "lc_9", name: "lc", args: { k: 1 } }, callbacks: [] });
    });
    const spans = memory.spans();
    expect(spans.map((s) => s.metadata.tool_call_id)).toEqual(["explicit_1", "call_b", "call_a", "lc_9"]);
    expect(spans[1]!.input).toBe(OPENAI_CALLS[1]!.function.arguments); // the runner is not recorded
    expect(spans[3]!.input).toEqual({ k: 1 });
  });

  it("returns a non-function unchanged and runs untraced when tracing is off", () => {
    setup({ enabled: false });
    expect(tool("x", 5 as never)).toBe(5);
    expect(tool("y", (a: number) => a + 1)(1)).toBe(2);
  });
});
