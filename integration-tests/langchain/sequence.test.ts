/**
 * `prompt | model | parser`, retrievers and the basics of the handler: the tree, readable
 * messages, noise folding, joining an active trace, the trace's summary and model id.
 */
import { describe, expect, it } from "vitest";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { Document } from "@langchain/core/documents";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeListChatModel, FakeRetriever } from "@langchain/core/utils/testing";
import { agentTrace, currentSpan } from "@tracium/core";
import { TraciumCallbackHandler } from "@tracium/langchain";
import { hasLangChainDump, memory, onlySpan, onlyTrace, spansInStartOrder, tree, useTracium } from "./support.js";

useTracium();

function sequence(reply = "hello there") {
  const prompt = ChatPromptTemplate.fromMessages([
    ["system", "You are terse."],
    ["human", "{question}"],
  ]);
  return prompt.pipe(new FakeListChatModel({ responses: [reply] })).pipe(new StringOutputParser());
}

describe("prompt | model | parser", () => {
  it("gives one trace: the sequence as a chain span with the model as its llm child; prompt and parser folded", async () => {
    const handler = new TraciumCallbackHandler({ agentName: "qa-bot", tags: ["demo"] });
    const out = await sequence().invoke({ question: "hi?" }, { callbacks: [handler] });
    expect(out).toBe("hello there");

    const trace = onlyTrace();
    expect(trace.agentName).toBe("qa-bot");
    expect(trace.status).toBe("completed");
    expect(trace.tags).toEqual(expect.arrayContaining(["@langchain", "demo"]));
    expect(tree(trace.id)).toEqual(["chain:RunnableSequence", "  llm:FakeListChatModel"]);

    const root = onlySpan(trace.id, "chain");
    expect(root.parentSpanId).toBeUndefined();
    expect(root.input).toEqual({ question: "hi?" });
    expect(root.output).toBe("hello there");

    const llm = onlySpan(trace.id, "llm");
    expect(llm.parentSpanId).toBe(root.id);
    expect(llm.input).toEqual({
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "hi?" },
      ],
    });
    expect(llm.output).toEqual({ role: "assistant", content: "hello there" });
    expect(llm.metadata).toMatchObject({ provider: "FakeListChatModel", operation: "chat", stream: false });
    expect(hasLangChainDump(memory.records)).toBe(false);
    expect(handler.openRuns).toBe(0);
  });

  it("keepNoise: true records the prompt template and the output parser as chain spans", async () => {
    const handler = new TraciumCallbackHandler({ keepNoise: true });
    await sequence().invoke({ question: "hi?" }, { callbacks: [handler] });
    const trace = onlyTrace();
    expect(tree(trace.id)).toEqual([
      "chain:RunnableSequence",
      "  chain:ChatPromptTemplate",
      "  llm:FakeListChatModel",
      "  chain:StrOutputParser",
    ]);
    const prompt = spansInStartOrder(trace.id).find((s) => s.name === "ChatPromptTemplate")!;
    expect(prompt.output).toEqual({
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "hi?" },
      ],
    });
  });

  it("a bare prompt template (noise as the root run) records nothing", async () => {
    const handler = new TraciumCallbackHandler();
    await ChatPromptTemplate.fromMessages([["human", "{q}"]]).invoke({ q: "x" }, { callbacks: [handler] });
    expect(memory.records).toEqual([]);
    expect(handler.openRuns).toBe(0);
  });

  it("fills the trace summary and model id from the llm spans, like any trace", async () => {
    const handler = new TraciumCallbackHandler();
    const model = new FakeListChatModel({ responses: ["a", "b"] });
    // The config is passed on by hand: this file does not import `langchain`/LangGraph, so
    // LangChain's own context propagation (its global AsyncLocalStorage) is not set up.
    const chain = RunnableLambda.from(async (q: string, config) => {
      const first = await model.invoke(q, config);
      const second = await model.invoke(`${q}!`, config);
      return `${String(first.content)}${String(second.content)}`;
    });
    // The fake model has no model name and no usage: give it both through LangChain's own fields.
    const withUsage = async (): Promise<void> => {
      const msg = new AIMessage({
        content: "ok",
        usage_metadata: {
          input_tokens: 20,
          output_tokens: 7,
          total_tokens: 27,
          input_token_details: { cache_read: 4, cache_creation: 6 },
          output_token_details: { reasoning: 2 },
        },
        response_metadata: { model_name: "gpt-test-1" },
      });
      await handler.handleChatModelStart({ lc: 1, type: "not_implemented", id: ["x", "ChatTest"] }, [[new HumanMessage("q")]], "run-llm", "run-root", { invocation_params: { model: "gpt-test", temperature: 0.2 } }, [], { ls_provider: "openai", ls_model_name: "gpt-test" });
      await handler.handleLLMEnd({ generations: [[{ text: "ok", message: msg, generationInfo: { finish_reason: "stop" } }]] }, "run-llm");
    };
    await handler.handleChainStart({ lc: 1, type: "not_implemented", id: ["x", "Root"] }, { input: "q" }, "run-root");
    await withUsage();
    await handler.handleChainEnd({ output: "ok" }, "run-root");
    await chain.invoke("hey", { callbacks: [handler] });

    const [first, second] = memory.traces();
    expect(first!.modelId).toBe("gpt-test-1");
    expect(first!.summary).toMatchObject({
      input_tokens: 10, // 20 − 4 cache reads − 6 cache writes
      cached_input_tokens: 4,
      cache_creation_input_tokens: 6,
      output_tokens: 7,
      reasoning_tokens: 2,
      total_tokens: 27,
      llm_calls: 1,
      models: ["gpt-test-1"],
    });
    const llm = onlySpan(first!.id, "llm");
    expect(llm.modelId).toBe("gpt-test-1");
    expect(llm.usage).toEqual({ inputTokens: 10, outputTokens: 7, cachedInputTokens: 4, cacheCreationInputTokens: 6, reasoningTokens: 2 });
    expect(llm.metadata).toEqual({
      provider: "openai",
      operation: "chat",
      request_model: "gpt-test",
      request_params: { temperature: 0.2 },
      finish_reasons: ["stop"],
      stream: false,
    });
    expect(second!.summary).toMatchObject({ llm_calls: 2 });
    expect(tree(second!.id)).toEqual(["chain:RunnableLambda", "  llm:FakeListChatModel", "  llm:FakeListChatModel"]);
  });

  it("falls back to llmOutput.tokenUsage when no message carries usage_metadata", async () => {
    const handler = new TraciumCallbackHandler();
    await handler.handleLLMStart({ lc: 1, type: "not_implemented", id: ["x", "OpenAI"] }, ["say hi"], "r1", undefined, { invocation_params: { model: "gpt-3.5-turbo-instruct" } }, [], {});
    await handler.handleLLMEnd({ generations: [[{ text: "hi", generationInfo: { finish_reason: "length" } }]], llmOutput: { tokenUsage: { promptTokens: 5, completionTokens: 2, totalTokens: 7 } } }, "r1");
    const trace = onlyTrace();
    const llm = onlySpan(trace.id, "llm");
    expect(llm.input).toEqual({ prompts: ["say hi"] });
    expect(llm.output).toBe("hi");
    expect(llm.usage).toEqual({ inputTokens: 5, outputTokens: 2 });
    expect(llm.metadata).toMatchObject({ operation: "completions", request_model: "gpt-3.5-turbo-instruct", finish_reasons: ["length"] });
    expect(trace.summary).toMatchObject({ input_tokens: 5, output_tokens: 2, llm_calls: 1, models: ["gpt-3.5-turbo-instruct"] });
  });
});

describe("joining an active trace", () => {
  it("a root run started inside agentTrace joins that trace under the active span; the trace is not ended by the run", async () => {
    const handler = new TraciumCallbackHandler();
    let traceId = "";
    let outerId = "";
    await agentTrace({ agentName: "outer" }, async (t) => {
      traceId = t.id;
      await t.span({ spanType: "agent", name: "plan" }, async (s) => {
        outerId = s.id;
        await sequence().invoke({ question: "q" }, { callbacks: [handler] });
        expect(currentSpan()?.id).toBe(s.id);
        expect(t.isEnded).toBe(false);
      });
    });
    const trace = onlyTrace();
    expect(trace.id).toBe(traceId);
    expect(trace.tags).not.toContain("@langchain");
    expect(tree(traceId)).toEqual(["agent:plan", "  chain:RunnableSequence", "    llm:FakeListChatModel"]);
    expect(onlySpan(traceId, "chain").parentSpanId).toBe(outerId);
    expect(trace.summary).toMatchObject({ llm_calls: 1 });
  });
});

describe("messages and documents are serialised readably", () => {
  it("tool calls, tool results and names keep their fields", async () => {
    const handler = new TraciumCallbackHandler();
    const model = new FakeListChatModel({ responses: ["done"] });
    await model.invoke(
      [
        new SystemMessage("sys"),
        new HumanMessage({ content: "weather?", name: "ann" }),
        new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "get_weather", args: { city: "Paris" }, type: "tool_call" }] }),
        new ToolMessage({ content: "sunny", tool_call_id: "c1", name: "get_weather" }),
      ],
      { callbacks: [handler] },
    );
    const llm = onlySpan(onlyTrace().id, "llm");
    expect(llm.input).toEqual({
      messages: [
        { role: "system", content: "sys" },
        { role: "user", content: "weather?", name: "ann" },
        { role: "assistant", content: "", tool_calls: [{ id: "c1", type: "tool_call", name: "get_weather", args: { city: "Paris" } }] },
        { role: "tool", content: "sunny", tool_call_id: "c1", name: "get_weather" },
      ],
    });
  });

  it("a retriever gives a retrieval span with the query and the documents", async () => {
    const handler = new TraciumCallbackHandler();
    const retriever = new FakeRetriever({
      output: [new Document({ pageContent: "Paris is in France", metadata: { source: "atlas" } }), new Document({ pageContent: "Lyon too", metadata: {} })],
    });
    const docs = await retriever.invoke("where is Paris?", { callbacks: [handler] });
    expect(docs).toHaveLength(2);
    const span = onlySpan(onlyTrace().id, "retrieval");
    expect(span.name).toBe("FakeRetriever");
    expect(span.input).toEqual({ query: "where is Paris?" });
    expect(span.output).toEqual({
      documents: [
        { page_content: "Paris is in France", metadata: { source: "atlas" } },
        { page_content: "Lyon too", metadata: {} },
      ],
      num_documents: 2,
    });
  });
});
