import { describe, expect, it } from "vitest";
import { AIMessage, AIMessageChunk, ChatMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { Document } from "@langchain/core/documents";
import { ChatPromptValue, StringPromptValue } from "@langchain/core/prompt_values";
import { runNameOf, toolInput, toolOutput, toPlain, toPlainMessage, unwrapChainValues } from "../src/serialize.js";

describe("toPlainMessage", () => {
  it("maps LangChain message classes to {role, content, tool_calls?, tool_call_id?, name?}", () => {
    expect(toPlainMessage(new HumanMessage("hi"))).toEqual({ role: "user", content: "hi" });
    expect(toPlainMessage(new SystemMessage("sys"))).toEqual({ role: "system", content: "sys" });
    expect(toPlainMessage(new AIMessageChunk({ content: "part" }))).toEqual({ role: "assistant", content: "part" });
    expect(toPlainMessage(new ChatMessage({ content: "x", role: "critic" }))).toEqual({ role: "critic", content: "x" });
    expect(
      toPlainMessage(new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "f", args: { a: 1 }, type: "tool_call" }] })),
    ).toEqual({ role: "assistant", content: "", tool_calls: [{ id: "c1", type: "tool_call", name: "f", args: { a: 1 } }] });
    expect(toPlainMessage(new ToolMessage({ content: "r", tool_call_id: "c1", name: "f" }))).toEqual({ role: "tool", content: "r", tool_call_id: "c1", name: "f" });
  });

  it("a streamed message's tool calls come from its tool_call_chunks (its tool_calls is a lazy getter, not called)", () => {
    const streamed = new AIMessageChunk({ content: "", tool_call_chunks: [{ id: "c1", name: "get_weather", args: '{"city":', index: 0, type: "tool_call_chunk" }] }).concat(
      new AIMessageChunk({ content: "", tool_call_chunks: [{ args: '"Paris"}', index: 0, type: "tool_call_chunk" }] }),
    );
    expect(Object.getOwnPropertyDescriptor(streamed, "tool_calls")?.get).toBeTypeOf("function");
    expect(toPlainMessage(streamed)).toEqual({ role: "assistant", content: "", tool_calls: [{ id: "c1", type: "tool_call", name: "get_weather", args: { city: "Paris" } }] });
    // Arguments cut short stay as the text that arrived.
    const cut = new AIMessageChunk({ content: "", tool_call_chunks: [{ id: "c2", name: "f", args: '{"a":', index: 0, type: "tool_call_chunk" }] });
    expect(toPlainMessage(cut)?.tool_calls).toEqual([{ id: "c2", type: "tool_call", name: "f", args: '{"a":' }]);
  });

  it("accepts plain {role, content} objects and keeps content blocks", () => {
    expect(toPlainMessage({ role: "user", content: [{ type: "text", text: "a" }] })).toEqual({ role: "user", content: [{ type: "text", text: "a" }] });
    expect(toPlainMessage({ foo: 1 })).toBeUndefined();
    expect(toPlainMessage("x")).toBeUndefined();
  });
});

describe("toPlain", () => {
  it("never leaves a LangChain constructor dump", () => {
    const value = {
      messages: [new HumanMessage("q"), new AIMessage("a")],
      prompt: new ChatPromptValue([new SystemMessage("s")]),
      text: new StringPromptValue("plain"),
      docs: [new Document({ pageContent: "p", metadata: { k: 1 } })],
      nested: { deeper: [new HumanMessage("n")] },
    };
    const out = toPlain(value);
    expect(JSON.stringify(out)).not.toMatch(/"lc":|lc_kwargs|lc_namespace|"constructor"/);
    expect(out).toEqual({
      messages: [{ role: "user", content: "q" }, { role: "assistant", content: "a" }],
      prompt: { messages: [{ role: "system", content: "s" }] },
      text: "plain",
      docs: [{ page_content: "p", metadata: { k: 1 } }],
      nested: { deeper: [{ role: "user", content: "n" }] },
    });
  });

  it("cuts cycles and depth, and skips functions", () => {
    const a: Record<string, unknown> = { f: () => 1 };
    a.self = a;
    expect(toPlain(a)).toEqual({ self: "[Circular]" });
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 30; i++) deep = deep.next = {};
    expect(JSON.stringify(toPlain(root))).toContain("[MaxDepth]");
  });
});

describe("chain and tool values", () => {
  it("unwraps LangChain's {input}/{output} wrapping only", () => {
    expect(unwrapChainValues({ input: "q" }, "input")).toBe("q");
    expect(unwrapChainValues({ output: new AIMessage("a") }, "output")).toEqual({ role: "assistant", content: "a" });
    expect(unwrapChainValues({ input: "q", other: 1 }, "input")).toEqual({ input: "q", other: 1 });
  });

  it("parses JSON tool arguments and unwraps tool messages", () => {
    expect(toolInput('{"city":"Paris"}')).toEqual({ city: "Paris" });
    expect(toolInput("plain text")).toBe("plain text");
    expect(toolInput("{not json")).toBe("{not json");
    expect(toolOutput(new ToolMessage({ content: "sunny", tool_call_id: "c" }))).toBe("sunny");
    expect(toolOutput(new ToolMessage({ content: "x", tool_call_id: "c", artifact: { raw: 1 } }))).toEqual({ content: "x", artifact: { raw: 1 } });
  });

  it("names runs by runName, serialized name, then class name", () => {
    expect(runNameOf({ id: ["a", "RunnableSequence"] }, undefined, "chain")).toBe("RunnableSequence");
    expect(runNameOf({ id: ["a", "X"], name: "named" }, undefined, "chain")).toBe("named");
    expect(runNameOf({ id: ["a", "X"] }, "custom", "chain")).toBe("custom");
    expect(runNameOf(undefined, undefined, "chain")).toBe("chain");
  });
});
