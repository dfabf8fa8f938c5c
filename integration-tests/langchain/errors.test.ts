/**
 * Failures: a failing model and a failing step in a chain (spans and trace failed, the LangChain
 * error reaching the caller as the same, untouched object), LangGraph control flow (interrupts)
 * not counted as failures, and the handler's own fail-safety.
 */
import { describe, expect, it } from "vitest";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Annotation, Command, END, INTERRUPT, MemorySaver, START, StateGraph, interrupt } from "@langchain/langgraph";
import { TraciumCallbackHandler } from "@tracium/langchain";
import { memory, onlySpan, onlyTrace, tree, useTracium } from "./support.js";

useTracium();

describe("failures", () => {
  it("a failing model in prompt | model | parser: llm and chain spans fail, the trace fails", async () => {
    const handler = new TraciumCallbackHandler();
    const chain = ChatPromptTemplate.fromMessages([["human", "{q}"]])
      // The fake model throws when `thrownErrorString` is in its call options.
      .pipe(new FakeListChatModel({ responses: ["x"] }).withConfig({ thrownErrorString: "rate limited" }))
      .pipe(new StringOutputParser());
    await expect(chain.invoke({ q: "hi" }, { callbacks: [handler] })).rejects.toThrow("rate limited");

    const trace = onlyTrace();
    expect(trace.status).toBe("failed");
    expect(trace.error).toContain("rate limited");
    expect(tree(trace.id)).toEqual(["chain:RunnableSequence [failed]", "  llm:FakeListChatModel [failed]"]);
    const llm = onlySpan(trace.id, "llm");
    expect(llm.error).toBe("rate limited");
    expect(llm.metadata).toMatchObject({ error_type: "Error", provider: "FakeListChatModel", operation: "chat" });
    expect(llm.metadata.error_stack).toEqual(expect.stringContaining("rate limited"));
    expect(handler.openRuns).toBe(0);
  });

  it("the error reaches the caller as the same object, untouched", async () => {
    const handler = new TraciumCallbackHandler();
    class DomainError extends Error {
      readonly code = "E_DOMAIN";
    }
    const boom = new DomainError("bad input");
    const before = { ...boom, message: boom.message, stack: boom.stack };
    const chain = RunnableLambda.from(async () => {
      throw boom;
    }).withConfig({ runName: "validate" });
    await expect(chain.invoke("x", { callbacks: [handler] })).rejects.toBe(boom);
    expect({ ...boom, message: boom.message, stack: boom.stack }).toEqual(before);
    expect(Object.getOwnPropertyNames(boom).sort()).toEqual(["code", "message", "stack"]);
    const span = onlySpan(onlyTrace().id, "chain", "validate");
    expect(span.status).toBe("failed");
    expect(span.metadata.error_type).toBe("DomainError");
  });
});

describe("LangGraph control flow", () => {
  it("an interrupt is not a failure: the node span ends as interrupted, the trace completes", async () => {
    const handler = new TraciumCallbackHandler();
    const State = Annotation.Root({ text: Annotation<string>() });
    const graph = new StateGraph(State)
      .addNode("ask", async (s: typeof State.State) => ({ text: `${s.text}:${String(interrupt("approve?"))}` }))
      .addEdge(START, "ask")
      .addEdge("ask", END)
      .compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "t1" }, callbacks: [handler] };
    const first = await graph.invoke({ text: "draft" }, config);
    expect((first as Record<string, unknown>)[INTERRUPT]).toBeDefined();
    const resumed = await graph.invoke(new Command({ resume: "yes" }), config);
    expect(resumed.text).toBe("draft:yes");

    const [paused, done] = memory.traces();
    expect(paused!.status).toBe("completed");
    expect(done!.status).toBe("completed");
    const node = memory.spans(paused!.id).find((s) => s.name === "ask")!;
    expect(node.status).toBe("completed");
    expect(node.metadata).toMatchObject({ interrupted: true, control_flow: "GraphInterrupt" });
    expect(handler.openRuns).toBe(0);
  });
});

describe("fail-safe", () => {
  it("handler methods never throw, whatever they are given", async () => {
    const handler = new TraciumCallbackHandler();
    const h = handler as unknown as Record<string, (...args: unknown[]) => unknown>;
    const junk: unknown[][] = [
      [],
      [undefined, undefined, undefined],
      [null, null, null, null, null, null, null, null],
      [42, "x", "run-1", "run-0", 7, { a: 1 }, 5, {}],
      [Object.create(null), [[{ get content(): never { throw new Error("hostile"); } }]], "run-2"],
    ];
    const methods = [
      "handleChainStart", "handleChainEnd", "handleChainError", "handleChatModelStart", "handleLLMStart", "handleLLMNewToken",
      "handleLLMEnd", "handleLLMError", "handleToolStart", "handleToolEnd", "handleToolError", "handleRetrieverStart",
      "handleRetrieverEnd", "handleRetrieverError",
    ];
    for (const m of methods) for (const args of junk) expect(() => h[m]!(...args)).not.toThrow();
    // Ends with garbage outputs for runs that did start.
    handler.handleChatModelStart({}, [[{ role: "user", content: "q" }]], "r-llm");
    handler.handleLLMEnd({ generations: "nope", llmOutput: 5 } as never, "r-llm");
    handler.handleChainStart({}, { input: 1 }, "r-chain");
    handler.handleChainEnd(undefined as never, "r-chain");
    expect(handler.openRuns).toBeLessThanOrEqual(3);
  });

  it("the run's result is the same with the handler as without it", async () => {
    const chain = () => ChatPromptTemplate.fromMessages([["human", "{q}"]]).pipe(new FakeListChatModel({ responses: ["same"] })).pipe(new StringOutputParser());
    const plain = await chain().invoke({ q: "x" });
    const traced = await chain().invoke({ q: "x" }, { callbacks: [new TraciumCallbackHandler()] });
    expect(traced).toEqual(plain);
  });
});
