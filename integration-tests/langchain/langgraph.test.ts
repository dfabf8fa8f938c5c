/**
 * A hand-built LangGraph `StateGraph`: nodes become chain spans named after the node, a model
 * called inside a node (config passed on by LangGraph's context) is that node's llm child, the
 * hidden `__start__` plumbing is folded, and a node that fails fails the graph.
 */
import { describe, expect, it } from "vitest";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { TraciumCallbackHandler } from "@tracium/langchain";
import { onlySpan, onlyTrace, tree, useTracium } from "./support.js";

useTracium();

const State = Annotation.Root({
  question: Annotation<string>(),
  draft: Annotation<string>(),
  answer: Annotation<string>(),
});

function graph(options: { failIn?: string } = {}) {
  const model = new FakeListChatModel({ responses: ["draft answer"] });
  return new StateGraph(State)
    .addNode("write", async (s: typeof State.State) => {
      // No config passed: LangGraph's context (LangChain's AsyncLocalStorage) carries the callbacks.
      const reply = await model.invoke(`Answer: ${s.question}`);
      return { draft: String(reply.content) };
    })
    .addNode("review", async (s: typeof State.State) => {
      if (options.failIn === "review") throw new Error("review failed");
      return { answer: s.draft.toUpperCase() };
    })
    .addEdge(START, "write")
    .addConditionalEdges("write", (s: typeof State.State) => (s.draft ? "review" : END))
    .addEdge("review", END)
    .compile();
}

describe("LangGraph StateGraph", () => {
  it("gives graph → node spans (named after the nodes) → the model inside its node", async () => {
    const handler = new TraciumCallbackHandler({ agentName: "graph-agent" });
    const out = await graph().invoke({ question: "why?" }, { callbacks: [handler] });
    expect(out.answer).toBe("DRAFT ANSWER");

    const trace = onlyTrace();
    const lines = tree(trace.id);
    expect(lines[0]).toBe("chain:LangGraph");
    expect(lines).toContain("  chain:write");
    expect(lines).toContain("    llm:FakeListChatModel");
    expect(lines).toContain("  chain:review");
    expect(lines.some((l) => l.includes("__start__"))).toBe(false);
    expect(lines.indexOf("    llm:FakeListChatModel")).toBe(lines.indexOf("  chain:write") + 1);

    const root = onlySpan(trace.id, "chain", "LangGraph");
    expect(root.input).toEqual({ question: "why?" });
    expect(root.output).toEqual({ question: "why?", draft: "draft answer", answer: "DRAFT ANSWER" });
    const llm = onlySpan(trace.id, "llm");
    expect(llm.input).toEqual({ messages: [{ role: "user", content: "Answer: why?" }] });
    expect(trace.summary).toMatchObject({ llm_calls: 1 });
    expect(handler.openRuns).toBe(0);
  });

  it("a failing node fails its span, the graph span and the trace; the error reaches the caller", async () => {
    const handler = new TraciumCallbackHandler();
    await expect(graph({ failIn: "review" }).invoke({ question: "why?" }, { callbacks: [handler] })).rejects.toThrow("review failed");
    const trace = onlyTrace();
    expect(trace.status).toBe("failed");
    expect(onlySpan(trace.id, "chain", "review").status).toBe("failed");
    expect(onlySpan(trace.id, "chain", "LangGraph").status).toBe("failed");
    expect(onlySpan(trace.id, "llm").status).toBe("completed");
    expect(handler.openRuns).toBe(0);
  });

  it("keepNoise: true also records LangGraph's hidden runs", async () => {
    const handler = new TraciumCallbackHandler({ keepNoise: true });
    await graph().invoke({ question: "why?" }, { callbacks: [handler] });
    expect(tree(onlyTrace().id).some((l) => l.includes("__start__") || l.includes("RunnableSequence"))).toBe(true);
  });
});
