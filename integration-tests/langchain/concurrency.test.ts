/**
 * Several chains at once never mix spans: four chains through one handler (each starting its own
 * trace), four chains inside four concurrent agentTrace()s, and four concurrent createAgent loops.
 * Steps are made to interleave (random delays), so a tree built from async context instead of
 * run ids would mix them.
 */
import { describe, expect, it } from "vitest";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda } from "@langchain/core/runnables";
import { AIMessage } from "@langchain/core/messages";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { fakeModel } from "@langchain/core/testing";
import { agentTrace } from "@tracium/core";
import { TraciumCallbackHandler } from "@tracium/langchain";
import { createAgent, tool } from "langchain";
import { z } from "zod";
import { memory, onlySpan, sleep, tree } from "./support.js";
import { useTracium } from "./support.js";

useTracium();

const NAMES = ["alpha", "bravo", "charlie", "delta"] as const;
const jitter = (): Promise<void> => sleep(1 + Math.floor(Math.random() * 8));

function chainFor(name: string) {
  const slow = RunnableLambda.from(async (v: { q: string }) => {
    await jitter();
    return v;
  }).withConfig({ runName: "slow_step" });
  return slow
    .pipe(ChatPromptTemplate.fromMessages([["human", "{q}"]]))
    .pipe(new FakeListChatModel({ responses: [`answer-${name}`] }))
    .pipe(RunnableLambda.from(async (m: AIMessage) => {
      await jitter();
      return m;
    }).withConfig({ runName: "after_model" }))
    .pipe(new StringOutputParser());
}

describe("four concurrent chains", () => {
  it("through one handler: four traces, each with only its own spans", async () => {
    const handler = new TraciumCallbackHandler();
    const results = await Promise.all(NAMES.map((n) => chainFor(n).invoke({ q: `question-${n}` }, { callbacks: [handler] })));
    expect(results).toEqual(NAMES.map((n) => `answer-${n}`));

    const all = memory.traces();
    expect(all).toHaveLength(4);
    const seen = new Set<string>();
    for (const trace of all) {
      expect(tree(trace.id)).toEqual(["chain:RunnableSequence", "  chain:slow_step", "  llm:FakeListChatModel", "  chain:after_model"]);
      const root = onlySpan(trace.id, "chain", "RunnableSequence");
      const name = (root.input as { q: string }).q.replace("question-", "");
      seen.add(name);
      const llm = onlySpan(trace.id, "llm");
      expect(llm.input).toEqual({ messages: [{ role: "user", content: `question-${name}` }] });
      expect(llm.output).toEqual({ role: "assistant", content: `answer-${name}` });
      expect(root.output).toBe(`answer-${name}`);
      for (const s of memory.spans(trace.id)) expect(s.traceId).toBe(trace.id);
    }
    expect([...seen].sort()).toEqual([...NAMES]);
    expect(handler.openRuns).toBe(0);
  });

  it("inside four concurrent agentTrace()s: each chain joins its own trace", async () => {
    const handler = new TraciumCallbackHandler();
    const ids = await Promise.all(
      NAMES.map((n) =>
        agentTrace({ agentName: `agent-${n}` }, async (t) => {
          await jitter();
          await chainFor(n).invoke({ q: `question-${n}` }, { callbacks: [handler] });
          return t.id;
        }),
      ),
    );
    expect(memory.traces()).toHaveLength(4);
    for (const [i, id] of ids.entries()) {
      const trace = memory.traces().find((t) => t.id === id)!;
      expect(trace.agentName).toBe(`agent-${NAMES[i]}`);
      expect(onlySpan(id, "llm").output).toEqual({ role: "assistant", content: `answer-${NAMES[i]}` });
      expect(memory.spans(id)).toHaveLength(4);
    }
  });

  it("four createAgent loops at once: each trace has its own tool call and model turns", async () => {
    const handler = new TraciumCallbackHandler();
    const run = async (n: string): Promise<void> => {
      const lookup = tool(
        async ({ city }: { city: string }) => {
          await jitter();
          return `weather of ${city}`;
        },
        { name: "lookup", description: "look up", schema: z.object({ city: z.string() }) },
      );
      const model = fakeModel()
        .respondWithTools([{ name: "lookup", args: { city: `city-${n}` }, id: `call-${n}` }])
        .respond(new AIMessage(`done-${n}`));
      await createAgent({ model, tools: [lookup] }).invoke({ messages: [{ role: "user", content: n }] }, { callbacks: [handler] });
    };
    await Promise.all(NAMES.map(run));
    const all = memory.traces();
    expect(all).toHaveLength(4);
    const names = new Set<string>();
    for (const trace of all) {
      const toolSpan = onlySpan(trace.id, "tool", "lookup");
      const n = String(toolSpan.metadata.tool_call_id).replace("call-", "");
      names.add(n);
      expect(toolSpan.input).toEqual({ city: `city-${n}` });
      expect(toolSpan.output).toBe(`weather of city-${n}`);
      const llms = memory.spans(trace.id).filter((s) => s.spanType === "llm");
      expect(llms).toHaveLength(2);
      expect(llms.map((s) => (s.input as { messages: Array<{ content: unknown }> }).messages[0]!.content)).toEqual([n, n]);
      expect(toolSpan.metadata.llm_span_id).toBe(llms[0]!.id);
    }
    expect([...names].sort()).toEqual([...NAMES]);
    expect(handler.openRuns).toBe(0);
  });
});
