/**
 * `tracium.tool()` from the built package: sync, async and throwing tool functions; a LangChain
 * `tool(...)` body (the call id comes from LangChain's ToolCall); and the link table's memory
 * staying bounded over 100,000 model tool calls.
 */
import { tool as langchainTool } from "@langchain/core/tools";
import { agentTrace, configureToolLinks, span, startSpan, tool, toolLinkStats } from "@tracium/core";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { memory, onlySpan, useMcpTracing } from "./harness.js";

useMcpTracing();

describe("tracium.tool()", () => {
  it("sync: stays sync, passes this and the arguments, records input and output", () => {
    const calculator = {
      factor: 3,
      scale: tool("scale", function (this: { factor: number }, args: { x: number }) {
        return { value: args.x * this.factor };
      }),
    };
    const out = calculator.scale({ x: 5 });
    expect(out).toEqual({ value: 15 });
    expect(onlySpan("scale")).toMatchObject({ spanType: "tool", status: "completed", input: { x: 5 }, output: { value: 15 }, metadata: { tool_name: "scale", tool_type: "function" } });
  });

  it("async: the span ends when the promise settles, with the resolved value", async () => {
    const lookup = tool("lookup", async (args: { key: string }) => {
      await new Promise((r) => setTimeout(r, 15));
      return `value of ${args.key}`;
    }, { description: "Looks a key up" });
    const p = lookup({ key: "k1" });
    expect(p).toBeInstanceOf(Promise);
    expect(memory.spans()).toHaveLength(0);
    await expect(p).resolves.toBe("value of k1");
    expect(onlySpan("lookup")).toMatchObject({ output: "value of k1", metadata: { tool_description: "Looks a key up" } });
    expect(onlySpan("lookup").latencyMs).toBeGreaterThanOrEqual(10);
  });

  it("throwing: sync throw and async rejection mark the span failed and rethrow the same object", async () => {
    const syncErr = new TypeError("bad input");
    const asyncErr = new RangeError("out of range");
    const syncTool = tool("sync_bad", () => {
      throw syncErr;
    });
    const asyncTool = tool("async_bad", async () => {
      throw asyncErr;
    });
    let caught: unknown;
    try {
      syncTool();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(syncErr);
    await expect(asyncTool()).rejects.toBe(asyncErr);
    expect(onlySpan("sync_bad")).toMatchObject({ status: "failed", error: "bad input", metadata: { error_type: "TypeError" } });
    expect(onlySpan("async_bad")).toMatchObject({ status: "failed", error: "out of range", metadata: { error_type: "RangeError" } });
  });

  it("inside a trace the span joins it under the active span", async () => {
    const f = tool("f", (n: number) => n + 1);
    await agentTrace({ agentName: "t" }, () => span({ spanType: "agent", name: "plan" }, () => f(1)));
    expect(onlySpan("f").parentSpanId).toBe(onlySpan("plan").id);
  });

  it("as a LangChain tool(...) body: linked with LangChain's tool call id", async () => {
    const weather = langchainTool(
      tool("get_weather", async (input: { city: string }) => `${input.city}: 21°C`),
      { name: "get_weather", description: "Weather", schema: z.object({ city: z.string() }) },
    );
    const out = await agentTrace({ agentName: "lc" }, async () => {
      const model = startSpan({ spanType: "llm", name: "chat_model" });
      model.setToolCalls([{ id: "call_lc_1", type: "tool_call", name: "get_weather", args: { city: "Paris" } }]);
      model.end();
      return weather.invoke({ id: "call_lc_1", name: "get_weather", args: { city: "Paris" }, type: "tool_call" });
    });
    expect((out as { content: string }).content).toBe("Paris: 21°C");
    expect(onlySpan("get_weather")).toMatchObject({
      input: { city: "Paris" },
      output: "Paris: 21°C",
      metadata: { tool_call_id: "call_lc_1", llm_span_id: onlySpan("chat_model").id },
    });
  });
});

describe("link table memory", () => {
  afterAll(() => configureToolLinks({ maxEntries: 10_000 }));

  it("stays bounded over 100,000 model tool calls (most never run, some run by tool spans)", async () => {
    configureToolLinks({ maxEntries: 2_000 });
    const run = tool("step", (args: { i: number }) => args.i);
    for (let batch = 0; batch < 100; batch++) {
      await agentTrace({ agentName: `agent-${batch}` }, () => {
        for (let i = 0; i < 1000; i++) {
          const n = batch * 1000 + i;
          const llm = startSpan({ spanType: "llm", name: "llm" });
          llm.setToolCalls([{ id: `call_${n}`, type: "function", function: { name: "step", arguments: JSON.stringify({ i: n }) } }]);
          llm.end();
          if (i % 10 === 0) run({ i: n });
        }
      });
      memory.reset();
    }
    const stats = toolLinkStats();
    expect(stats.entries).toBe(2_000);
    expect(stats.pending).toBeLessThanOrEqual(2_000);
    expect(stats.traces).toBeLessThanOrEqual(3);
    // The oldest calls are gone; the newest are still linkable.
    const byId = tool("by_id", (args: { i: number }) => args.i, { toolCallId: (args) => `call_${args.i}` });
    byId({ i: 99_999 });
    byId({ i: 0 });
    const [newest, oldest] = memory.spans().filter((s) => s.name === "by_id");
    expect(newest!.metadata).toMatchObject({ tool_call_id: "call_99999", llm_span_id: expect.any(String) });
    expect(oldest!.metadata.tool_call_id).toBe("call_0");
    expect(oldest!.metadata.llm_span_id).toBeUndefined();
  });
});
