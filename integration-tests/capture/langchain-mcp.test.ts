/**
 * Capture runs no user code in the LangChain handler and the MCP plugin: chain inputs, chat
 * messages and MCP tool arguments full of getters, toJSON methods, Proxies and frozen/sealed/
 * prototype-less objects cause exactly as many user-code calls traced as not. For LangChain the
 * baseline runs with a no-op callback handler, so LangChain's own work with a handler is the same.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { HumanMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { instrument, uninstrument } from "@tracium/core";
import { TraciumCallbackHandler } from "@tracium/langchain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientModule, connect, memory, useMcpTracing } from "../mcp/harness.js";
import { build, shapeArb, type Calls, type Shape } from "./hostile.js";

class NoopHandler extends BaseCallbackHandler {
  name = "noop";
}

useMcpTracing();

/* eslint-disable @typescript-eslint/no-explicit-any */

async function langchainCalls(shapes: Shape[], handler: BaseCallbackHandler): Promise<number> {
  const calls: Calls = { n: 0 };
  const [a, b, c] = shapes.map((s) => build(s, calls));
  const model = new FakeListChatModel({ responses: ["ok"] });
  const chain = RunnableLambda.from(async (input: any, config: any) => {
    await model.invoke([new HumanMessage({ content: "hi", additional_kwargs: { extra: input.b } })], config);
    return { out: input.c };
  }).withConfig({ runName: "chain" });
  await chain.invoke({ a, b, c }, { callbacks: [handler], metadata: { m: build(shapes[0]!, calls) } });
  return calls.n;
}

describe("LangChain handler: capture runs no user code", () => {
  it("chain inputs, outputs, messages and metadata full of getters, toJSON, Proxies: the same user-code calls", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(shapeArb, { minLength: 3, maxLength: 3 }), async (shapes) => {
        const plain = await langchainCalls(shapes, new NoopHandler());
        memory.reset();
        const traced = await langchainCalls(shapes, new TraciumCallbackHandler({ agentName: "lc" }));
        expect(memory.spans().length).toBeGreaterThanOrEqual(2);
        expect(traced).toBe(plain);
      }),
      { numRuns: 30 },
    );
  });
});

describe("MCP client: capture runs no user code", () => {
  it("tool arguments full of getters, toJSON, Proxies: the same user-code calls instrumented and not", async () => {
    const client = await connect("in-memory");
    const callCount = async (shape: Shape): Promise<number> => {
      const calls: Calls = { n: 0 };
      await client.callTool({ name: "add", arguments: { a: 1, b: 2, extra: build(shape, calls) } as any });
      return calls.n;
    };
    await fc.assert(
      fc.asyncProperty(shapeArb, async (shape) => {
        uninstrument(clientModule);
        const plain = await callCount(shape);
        expect(instrument(clientModule)).toBe(true);
        memory.reset();
        const traced = await callCount(shape);
        expect(memory.spans().filter((s) => s.name === "add")).toHaveLength(1);
        expect(traced).toBe(plain);
      }),
      { numRuns: 30 },
    );
  });
});
