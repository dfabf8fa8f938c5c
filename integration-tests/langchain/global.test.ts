/**
 * Global registration: existing LangChain code traced without passing `callbacks`, through
 * `registerGlobalHandler()` and through `tracium.instrument(<@langchain/core/callbacks/manager>)`,
 * in this (ESM, vitest) process and in plain-Node CJS and ESM apps.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import "langchain"; // sets up LangChain's context propagation (nested runnables get their parent's callbacks)
import * as managerModule from "@langchain/core/callbacks/manager";
import * as chatModelsModule from "@langchain/core/language_models/chat_models";
import * as llmsModule from "@langchain/core/language_models/llms";
import * as toolsModule from "@langchain/core/tools";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { getClient, instrument, isWrapped, registerPlugin, uninstrument } from "@tracium/core";
import { TraciumCallbackHandler, globalHandler, langchainPlugin, langchainReady, registerGlobalHandler, unregisterGlobalHandler } from "@tracium/langchain";
import OpenAI from "openai";
import { memory, onlyTrace, tree, useTracium } from "./support.js";

useTracium();
afterEach(() => unregisterGlobalHandler());

const run = promisify(execFile);
const chain = (reply = "ok") => ChatPromptTemplate.fromMessages([["human", "{q}"]]).pipe(new FakeListChatModel({ responses: [reply] }));

describe("registerGlobalHandler", () => {
  it("traces runs made without callbacks", async () => {
    const handler = registerGlobalHandler({ agentName: "global-agent" });
    expect(handler).toBeInstanceOf(TraciumCallbackHandler);
    expect(globalHandler()).toBe(handler);
    await langchainReady();
    expect(isWrapped(managerModule.CallbackManager, "_configureSync")).toBe(true);

    await chain().invoke({ q: "hi" });
    const trace = onlyTrace();
    expect(trace.agentName).toBe("global-agent");
    expect(tree(trace.id)).toEqual(["chain:RunnableSequence", "  llm:FakeListChatModel"]);
    expect(handler.openRuns).toBe(0);
  });

  it("a handler passed explicitly is used instead of the global one (never both)", async () => {
    registerGlobalHandler({ agentName: "global-agent" });
    await chain().invoke({ q: "hi" }, { callbacks: [new TraciumCallbackHandler({ agentName: "explicit" })] });
    const trace = onlyTrace();
    expect(trace.agentName).toBe("explicit");
    expect(memory.spans()).toHaveLength(2);
  });

  it("a model invoked inside a lambda without config joins its parent's trace", async () => {
    registerGlobalHandler();
    const model = new FakeListChatModel({ responses: ["inner"] });
    await RunnableLambda.from(async (q: string) => (await model.invoke(q)).content)
      .withConfig({ runName: "outer" })
      .invoke("hi");
    expect(tree(onlyTrace().id)).toEqual(["chain:outer", "  llm:FakeListChatModel"]);
  });

  it("concurrent runs get separate traces", async () => {
    registerGlobalHandler();
    await Promise.all(["a", "b", "c", "d"].map((q) => chain(`reply-${q}`).invoke({ q })));
    expect(memory.traces()).toHaveLength(4);
    for (const t of memory.traces()) {
      const llm = memory.spans(t.id).find((s) => s.spanType === "llm")!;
      const q = (llm.input as { messages: Array<{ content: string }> }).messages[0]!.content;
      expect(llm.output).toEqual({ role: "assistant", content: `reply-${q}` });
    }
  });

  it("after unregisterGlobalHandler() runs are not traced", async () => {
    registerGlobalHandler();
    unregisterGlobalHandler();
    expect(globalHandler()).toBeUndefined();
    await chain().invoke({ q: "hi" });
    expect(memory.records).toEqual([]);
  });
});

describe("tracium.instrument(<@langchain/core/callbacks/manager>)", () => {
  it("detects the LangChain modules and classes, and nothing else", () => {
    for (const target of [managerModule, managerModule.CallbackManager, chatModelsModule, chatModelsModule.BaseChatModel, llmsModule, llmsModule.BaseLLM, toolsModule]) {
      expect(langchainPlugin.detect(target)).toBe(true);
    }
    const hostile = new Proxy({}, { get() { throw new Error("no"); }, has() { throw new Error("no"); } });
    for (const target of [OpenAI, {}, { CallbackManager: {} }, { default: {} }, null, undefined, 1, "x", () => 1, hostile]) {
      expect(langchainPlugin.detect(target)).toBe(false);
    }
  });

  it("turns on a global handler; uninstrument turns it off", async () => {
    registerPlugin(langchainPlugin);
    expect(instrument(managerModule)).toBe(true);
    expect(langchainPlugin.isPatched?.(managerModule)).toBe(true);
    await chain().invoke({ q: "hi" });
    const trace = onlyTrace();
    expect(trace.agentName).toBe(getClient().config.defaultAgentName);
    expect(trace.tags).toContain("@langchain");
    memory.reset();

    expect(uninstrument(managerModule)).toBe(true);
    expect(isWrapped(managerModule.CallbackManager, "_configureSync")).toBe(false);
    await chain().invoke({ q: "hi" });
    expect(memory.records).toEqual([]);

    // registerGlobalHandler() re-applies what uninstrument removed.
    registerGlobalHandler({ agentName: "back" });
    await chain().invoke({ q: "hi" });
    expect(onlyTrace().agentName).toBe("back");
  });

  it("keeps the options of a handler registered with registerGlobalHandler", async () => {
    registerPlugin(langchainPlugin);
    registerGlobalHandler({ agentName: "configured" });
    instrument(managerModule);
    await chain().invoke({ q: "hi" });
    expect(onlyTrace().agentName).toBe("configured");
  });
});

describe("plain Node apps", () => {
  const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

  it("CommonJS: the CJS builds are patched and runs are traced", async () => {
    const { stdout } = await run(process.execPath, [fixture("global-cjs.cjs")], { cwd: fileURLToPath(new URL("..", import.meta.url)) });
    expect(JSON.parse(stdout)).toEqual({
      out: "from cjs",
      traces: [{ agentName: "cjs-app", status: "completed" }],
      spans: ["llm:FakeListChatModel", "chain:RunnableSequence"],
      patched: { configure: true, generate: true },
    });
  });

  it("ES modules: traced at once, without loading @langchain/core's CJS build", async () => {
    const { stdout } = await run(process.execPath, [fixture("global-esm.mjs")], { cwd: fileURLToPath(new URL("..", import.meta.url)) });
    expect(JSON.parse(stdout)).toEqual({
      out: "from esm",
      traces: [{ agentName: "esm-app", status: "completed" }],
      spans: ["llm:FakeListChatModel", "chain:RunnableSequence"],
      cjsLoaded: false,
    });
  });

  it("Node without require(esm): the ESM build is patched asynchronously, traced after langchainReady()", async () => {
    const { stdout } = await run(process.execPath, [fixture("no-require-esm.mjs")], { cwd: fileURLToPath(new URL("..", import.meta.url)) });
    expect(JSON.parse(stdout)).toEqual({
      requireModule: false,
      awaitHandlers: true,
      spans: ["llm:FakeListChatModel", "chain:RunnableSequence"],
    });
  });
});
