/**
 * Streaming: tokens joined into the output, time to first token, a stream that fails midway
 * (partial output kept), and a consumer that stops early (the model run ends as cancelled).
 */
import { describe, expect, it } from "vitest";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { TraciumCallbackHandler } from "@tracium/langchain";
import { memory, onlySpan, onlyTrace, sleep, tree, useTracium } from "./support.js";

useTracium();

/** Streams "Hel", "lo", then fails like a dropped connection. */
class FlakyStreamModel extends BaseChatModel {
  _llmType(): string {
    return "flaky";
  }
  async _generate(): Promise<ChatResult> {
    throw new Error("not used");
  }
  override async *_streamResponseChunks(_messages: BaseMessage[], _options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    for (const text of ["Hel", "lo"]) {
      yield new ChatGenerationChunk({ message: new AIMessageChunk({ content: text }), text });
      await runManager?.handleLLMNewToken(text);
    }
    throw new Error("connection reset");
  }
}

describe("model.stream()", () => {
  it("joins the streamed tokens, records time to first token and stream: true", async () => {
    const handler = new TraciumCallbackHandler();
    const model = new FakeListChatModel({ responses: ["hello"], sleep: 5 });
    const chunks: string[] = [];
    for await (const chunk of await model.stream("hi", { callbacks: [handler] })) chunks.push(String(chunk.content));
    expect(chunks.join("")).toBe("hello");

    const trace = onlyTrace();
    const llm = onlySpan(trace.id, "llm");
    expect(llm.output).toEqual({ role: "assistant", content: "hello" });
    expect(llm.metadata.stream).toBe(true);
    expect(llm.metadata.time_to_first_token_ms).toEqual(expect.any(Number));
    expect(llm.metadata.time_to_first_token_ms as number).toBeGreaterThan(0);
    expect(llm.metadata.time_to_first_token_ms as number).toBeLessThanOrEqual(llm.latencyMs!);
    expect(handler.openRuns).toBe(0);
  });

  it("a chain streamed through prompt | model | parser gives the same tree as invoke", async () => {
    const handler = new TraciumCallbackHandler();
    const chain = ChatPromptTemplate.fromMessages([["human", "{q}"]])
      .pipe(new FakeListChatModel({ responses: ["streamed"], sleep: 1 }))
      .pipe(new StringOutputParser());
    let text = "";
    for await (const piece of await chain.stream({ q: "x" }, { callbacks: [handler] })) text += piece;
    expect(text).toBe("streamed");
    const trace = onlyTrace();
    expect(tree(trace.id)).toEqual(["chain:RunnableSequence", "  llm:FakeListChatModel"]);
    expect(onlySpan(trace.id, "llm").output).toEqual({ role: "assistant", content: "streamed" });
    expect(onlySpan(trace.id, "llm").metadata.stream).toBe(true);
    expect(onlySpan(trace.id, "chain").output).toBe("streamed");
  });

  it("a stream that fails midway: the llm span fails and keeps the partial output; the error reaches the consumer", async () => {
    const handler = new TraciumCallbackHandler();
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of await new FlakyStreamModel({}).stream("hi", { callbacks: [handler] })) seen.push(String(chunk.content));
      })(),
    ).rejects.toThrow("connection reset");
    expect(seen).toEqual(["Hel", "lo"]);
    const trace = onlyTrace();
    expect(trace.status).toBe("failed");
    const llm = onlySpan(trace.id, "llm");
    expect(llm.status).toBe("failed");
    expect(llm.error).toBe("connection reset");
    expect(llm.output).toEqual({ role: "assistant", content: "Hello" });
    expect(llm.metadata).toMatchObject({ stream: true, time_to_first_token_ms: expect.any(Number) });
    expect(handler.openRuns).toBe(0);
  });

  it("a consumer that stops early: the model run ends as cancelled with the partial output, and its trace ends", async () => {
    const handler = new TraciumCallbackHandler();
    const model = new FakeListChatModel({ responses: ["abcdef"], sleep: 1 });
    for await (const chunk of await model.stream("hi", { callbacks: [handler] })) {
      expect(chunk.content).toBe("a");
      break;
    }
    const trace = onlyTrace();
    const llm = onlySpan(trace.id, "llm");
    expect(llm.status).toBe("completed");
    expect(llm.metadata).toMatchObject({ cancelled: true });
    // What the model produced before the stream was closed: "a", or "ab" when LangChain's stream
    // wrapper had already pulled the next chunk (timing-dependent).
    const partial = (llm.output as { content: string }).content;
    expect(llm.output).toEqual({ role: "assistant", content: partial });
    expect(["a", "ab"]).toContain(partial);
    expect(handler.openRuns).toBe(0);
  });

  it("a chain stream stopped early: the model run is cancelled at once, the chain run is evicted after runTtlMs", async () => {
    const handler = new TraciumCallbackHandler({ runTtlMs: 30 });
    const chain = ChatPromptTemplate.fromMessages([["human", "{q}"]]).pipe(new FakeListChatModel({ responses: ["abcdef"], sleep: 1 }));
    for await (const _chunk of await chain.stream({ q: "x" }, { callbacks: [handler] })) break;
    await sleep(5);
    expect(memory.spans().map((s) => [s.spanType, s.metadata.cancelled])).toEqual([["llm", true]]);
    expect(handler.openRuns).toBe(1); // the sequence never reported its end
    await sleep(40);
    await new FakeListChatModel({ responses: ["z"] }).invoke("next", { callbacks: [handler] }); // any new run sweeps
    expect(handler.openRuns).toBe(0);
    const [first] = memory.traces();
    expect(first!.status).toBe("failed");
    const root = memory.spans(first!.id).find((s) => s.spanType === "chain")!;
    expect(root.status).toBe("failed");
    expect(root.metadata).toMatchObject({ evicted: "ttl" });
  });
});
