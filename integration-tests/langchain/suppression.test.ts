/**
 * The de-duplication seam, without any provider plugin: a probe model records what
 * `isProviderSpanSuppressed()` (what the openai/anthropic plugins check) says where its provider
 * call would run. Suppression must cover exactly the provider call of a model run a Tracium
 * handler records — not runs nobody records, not concurrent code, not the stream consumer, not a
 * tool body, not what runs after the model run ended.
 */
import { describe, expect, it } from "vitest";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import * as chatModels from "@langchain/core/language_models/chat_models";
import { tool } from "@langchain/core/tools";
import { isProviderSpanSuppressed, isWrapped, suppressProviderSpans } from "@tracium/core";
import { TraciumCallbackHandler } from "@tracium/langchain";
import { z } from "zod";
import { onlySpan, onlyTrace, sleep, useTracium } from "./support.js";

useTracium();

/** A chat model whose "provider call" records whether provider spans are suppressed there. */
class ProbeModel extends BaseChatModel {
  readonly seen: boolean[] = [];
  constructor(private readonly during?: () => Promise<void>) {
    super({});
  }
  _llmType(): string {
    return "probe";
  }
  async _generate(): Promise<ChatResult> {
    this.seen.push(isProviderSpanSuppressed());
    await this.during?.();
    await sleep(1);
    this.seen.push(isProviderSpanSuppressed());
    return { generations: [{ text: "ok", message: new AIMessage("ok") }] };
  }
  override async *_streamResponseChunks(_m: BaseMessage[]): AsyncGenerator<ChatGenerationChunk> {
    for (const text of ["a", "b", "c"]) {
      this.seen.push(isProviderSpanSuppressed());
      await sleep(1);
      yield new ChatGenerationChunk({ message: new AIMessageChunk({ content: text }), text });
    }
  }
}

describe("suppression of provider spans around a LangChain model call", () => {
  it("constructing a handler patches the model base class of the build in use", () => {
    new TraciumCallbackHandler();
    expect(isWrapped(chatModels.BaseChatModel.prototype, "_generateUncached")).toBe(true);
    expect(isWrapped(chatModels.BaseChatModel.prototype, "_streamIterator")).toBe(true);
  });

  it("is on inside the provider call of a model run the handler records (invoke and stream)", async () => {
    const handler = new TraciumCallbackHandler();
    const model = new ProbeModel();
    await model.invoke("hi", { callbacks: [handler] });
    for await (const _ of await model.stream("hi", { callbacks: [handler] })) void _;
    expect(model.seen).toEqual([true, true, true, true, true]);
    expect(isProviderSpanSuppressed()).toBe(false);
  });

  it("is off for a model run no Tracium handler records (its provider span must stay)", async () => {
    const other = BaseCallbackHandler.fromMethods({ handleLLMStart() {} });
    const model = new ProbeModel();
    await model.invoke("hi");
    await model.invoke("hi", { callbacks: [other] });
    for await (const _ of await model.stream("hi")) void _;
    expect(model.seen).toEqual([false, false, false, false, false, false, false]);
  });

  it("is off for a direct SDK call made elsewhere at the same time", async () => {
    const handler = new TraciumCallbackHandler();
    const elsewhere: boolean[] = [];
    let inCall!: () => void;
    const entered = new Promise<void>((resolve) => (inCall = resolve));
    const model = new ProbeModel(async () => {
      inCall();
      await sleep(5);
    });
    const run = model.invoke("hi", { callbacks: [handler] });
    await entered; // the model's provider call is in flight now
    elsewhere.push(isProviderSpanSuppressed());
    await Promise.all([
      (async () => {
        await sleep(1);
        elsewhere.push(isProviderSpanSuppressed());
      })(),
      run,
    ]);
    expect(model.seen).toEqual([true, true]);
    expect(elsewhere).toEqual([false, false]);
  });

  it("is off in the stream consumer's own code between chunks", async () => {
    const handler = new TraciumCallbackHandler();
    const model = new ProbeModel();
    const consumer: boolean[] = [];
    for await (const _ of await model.stream("hi", { callbacks: [handler] })) consumer.push(isProviderSpanSuppressed());
    expect(model.seen).toEqual([true, true, true]);
    expect(consumer).toEqual([false, false, false]);
  });

  it("is off in a tool body run from inside a traced model call, and on again after it", async () => {
    const handler = new TraciumCallbackHandler();
    const inTool: boolean[] = [];
    const probe = tool(
      async () => {
        inTool.push(isProviderSpanSuppressed());
        await sleep(1);
        inTool.push(isProviderSpanSuppressed());
        return "tool result";
      },
      { name: "probe_tool", description: "probe", schema: z.object({}) },
    );
    // A model that runs a tool itself in the middle of its provider call.
    const model = new ProbeModel(async () => {
      await probe.invoke({});
    });
    await model.invoke("hi", { callbacks: [handler] });
    expect(inTool).toEqual([false, false]);
    expect(model.seen).toEqual([true, true]);
  });

  it("ends with the model run: work the call left running is not suppressed afterwards", async () => {
    const handler = new TraciumCallbackHandler();
    const later: boolean[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let checked!: Promise<void>;
    const model = new ProbeModel(async () => {
      // Continues in the model call's async context, after the model run has ended.
      checked = gate.then(() => {
        later.push(isProviderSpanSuppressed());
      });
    });
    await model.invoke("hi", { callbacks: [handler] });
    release();
    await checked;
    expect(model.seen).toEqual([true, true]);
    expect(later).toEqual([false]);
  });

  it("keeps a suppression the user set around the call", async () => {
    const model = new ProbeModel();
    await suppressProviderSpans(() => model.invoke("hi"));
    expect(model.seen).toEqual([true, true]);
  });

  it("records the llm span itself as usual", async () => {
    const handler = new TraciumCallbackHandler();
    await new ProbeModel().invoke("hi", { callbacks: [handler] });
    const llm = onlySpan(onlyTrace().id, "llm");
    expect(llm.name).toBe("ProbeModel");
    expect(llm.output).toEqual({ role: "assistant", content: "ok" });
  });
});
