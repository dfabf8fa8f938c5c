import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentTrace, getClient, logger, span, startSpan, type Span, type Trace } from "../src/index.js";
import { setup } from "./helpers.js";

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  logger.resetOnce();
  logger.setSink((_level, line) => lines.push(line));
});
afterEach(() => logger.setSink(undefined));

describe("span lifecycle events", () => {
  it("a subscriber sees every event in order, after the built-in subscribers did their part", async () => {
    const memory = setup();
    const seen: string[] = [];
    getClient().subscribe({
      traceStarted: (t: Trace) => seen.push(`trace started ${t.agentName}`),
      spanStarted: (s: Span) => seen.push(`span started ${s.name}`),
      inputRecorded: (s: Span, input: unknown) => seen.push(`input ${s.name} ${JSON.stringify(input)}`),
      outputRecorded: (s: Span, output: unknown) => seen.push(`output ${s.name} ${JSON.stringify(output)}`),
      toolCallsRecorded: (s: Span, calls: unknown) => seen.push(`tool calls ${s.name} ${(calls as unknown[]).length}`),
      metadataRecorded: (s: Span, m: Readonly<Record<string, unknown>>) => seen.push(`metadata ${s.name} ${Object.keys(m).join(",")}`),
      // the records subscriber ran before: the span_end record is already out
      spanEnded: (s: Span) => seen.push(`span ended ${s.name} ${s.status} records=${memory.records.length}`),
      traceEnded: (t: Trace) => seen.push(`trace ended ${t.status} llm_calls=${String(t.summary.llm_calls)}`),
    });
    await agentTrace({ agentName: "events" }, async () => {
      await span({ spanType: "llm", name: "call", metadata: { step: 1 } }, (s) => {
        s.recordInput({ q: 1 });
        s.setToolCalls([{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }]);
        s.recordOutput("ok");
      });
    });
    expect(seen).toEqual([
      "trace started events",
      "metadata call step",
      "span started call",
      'input call {"q":1}',
      "tool calls call 1",
      'output call "ok"',
      "span ended call completed records=3",
      "trace ended completed llm_calls=1",
    ]);
  });

  it("tool linking works through the events: a tool span given the call id is linked to the llm span", async () => {
    const memory = setup();
    await agentTrace({ agentName: "links" }, async () => {
      const llm = startSpan({ spanType: "llm", name: "ask" });
      llm.setToolCalls([{ id: "call_9", type: "function", function: { name: "lookup", arguments: "{}" } }]);
      llm.end();
      span({ spanType: "tool", name: "lookup", metadata: { tool_call_id: "call_9" } }, () => undefined);
      const next = startSpan({ spanType: "llm", name: "answer" });
      next.recordInput({ messages: [{ role: "tool", tool_call_id: "call_9", content: "42" }] });
      next.end();
    });
    const byName = new Map(memory.spans().map((s) => [s.name, s]));
    expect(byName.get("lookup")!.metadata).toMatchObject({ tool_call_id: "call_9", llm_span_id: byName.get("ask")!.id });
    expect(byName.get("answer")!.metadata).toMatchObject({ tool_results_for: ["call_9"], tool_span_ids: [byName.get("lookup")!.id] });
  });

  it("a subscriber that throws is logged once and changes nothing for the others or the user", async () => {
    const memory = setup({ logLevel: "error" });
    let after = 0;
    getClient().subscribe({ spanEnded: () => { throw new Error("subscriber bug"); } });
    getClient().subscribe({ spanEnded: () => void after++ });
    const result = await agentTrace({ agentName: "throws" }, () => span({ name: "a" }, () => span({ name: "b" }, () => 7)));
    expect(result).toBe(7);
    expect(after).toBe(2);
    expect(memory.spans()).toHaveLength(2);
    expect(lines.filter((l) => l.includes('"spanEnded" span event threw'))).toHaveLength(1);
  });

  it("an async subscriber that rejects is logged once like one that throws: no unhandled rejection", async () => {
    const memory = setup({ logLevel: "error" });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      getClient().subscribe({ spanEnded: async () => Promise.reject(new Error("async subscriber bug")) });
      await agentTrace({ agentName: "rejects" }, () => span({ name: "a" }, () => span({ name: "b" }, () => 7)));
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(memory.spans()).toHaveLength(2);
    expect(lines.filter((l) => l.includes('"spanEnded" span event threw'))).toHaveLength(1);
  });

  it("unsubscribing stops the events; a Proxy or a non-object is ignored with a warning", async () => {
    setup({ logLevel: "warn" });
    let n = 0;
    const off = getClient().subscribe({ spanStarted: () => void n++ });
    await agentTrace({ agentName: "u" }, () => span({ name: "a" }, () => undefined));
    off();
    await agentTrace({ agentName: "u" }, () => span({ name: "b" }, () => undefined));
    expect(n).toBe(1);
    let trapped = 0;
    const proxy = new Proxy({}, { get: () => { trapped++; return () => undefined; } });
    expect(() => getClient().subscribe(proxy)).not.toThrow();
    expect(() => getClient().subscribe(42 as never)).not.toThrow();
    expect(trapped).toBe(0);
    expect(lines.some((l) => l.includes("subscribe() needs an object of event handlers"))).toBe(true);
  });

  it("traces that are not recorded emit nothing", async () => {
    setup({ sampleRate: 0 });
    let n = 0;
    getClient().subscribe({ spanStarted: () => void n++, spanEnded: () => void n++, traceEnded: () => void n++, inputRecorded: () => void n++ });
    await agentTrace({ agentName: "sampled-out" }, () => span({ name: "a" }, (s) => s.recordInput("x")));
    expect(n).toBe(0);
  });

  it("span.ts imports no feature module (tool linking, cost, summary, exporters)", () => {
    const src = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../src/tracing/span.ts"), "utf8");
    const imports = [...src.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    for (const spec of imports) expect(spec).not.toMatch(/tool-links|cost\/pricer|summary|export\/|client|subscribers/);
  });
});
