/**
 * The AI SDK at its edges, on `ai` 5, 6 and 7 with the SDK's own mock models (`ai/test`): a model
 * call that fails before it streams, a stream that fails midway outside any trace, a frozen model,
 * tools whose fields are getters on a class, and the model a stream says answered. Each is compared
 * with the same call untraced where the program could see a difference.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { MemoryExporter, SpanData } from "@tracium/core";
import { subscribeAiTelemetry, unsubscribeAiTelemetry } from "@tracium/ai-sdk";
import { setupTracing, waitFor } from "../helpers/tracing.js";
import { VERSIONS, steps } from "./harness.js";

let memory: MemoryExporter;
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};
beforeAll(() => {
  process.on("unhandledRejection", onRejection);
});
afterAll(() => {
  process.off("unhandledRejection", onRejection);
});
beforeEach(() => {
  memory = setupTracing();
  rejections.length = 0;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await new Promise((r) => setTimeout(r, 20));
  expect(rejections).toEqual([]);
});

const byType = (spans: SpanData[], type: string): SpanData[] => spans.filter((s) => s.spanType === type);

for (const v of VERSIONS) {
  describe.skipIf(v.skip)(`${v.label}${v.skip ? ` (skipped: ${v.skip})` : ""}`, () => {
    /** The traced module, the untraced one, and the SDK's mock language model of this major. */
    const load = async (): Promise<{ ai: any; raw: any; Mock: any }> => {
      const { ai, raw } = await v.load();
      const test: any = await import(`ai-v${v.major}/test`);
      return { ai, raw, Mock: v.major === 5 ? test.MockLanguageModelV2 : v.major === 6 ? test.MockLanguageModelV3 : test.MockLanguageModelV4 };
    };
    const usage = (input: number, output: number): unknown =>
      v.major === 5
        ? { inputTokens: input, outputTokens: output, totalTokens: input + output }
        : { inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: output, text: output, reasoning: 0 } };
    const finish = (reason: string): unknown => (v.major === 5 ? reason : { unified: reason, raw: reason });
    const generated = (content: unknown[], reason = "stop"): unknown => ({
      content,
      finishReason: finish(reason),
      usage: usage(10, 5),
      warnings: [],
      response: { id: "r1", modelId: "answering-model", timestamp: new Date(0) },
    });
    /** A model stream of `text`, four characters a part, that errors after `failAfter` parts when given. */
    const modelStream = (text: string, failAfter?: { parts: number; error: Error }): ReadableStream<unknown> => {
      const parts: unknown[] = [{ type: "stream-start", warnings: [] }, { type: "response-metadata", id: "r1", modelId: "answering-model", timestamp: new Date(0) }, { type: "text-start", id: "t" }];
      for (const piece of text.match(/.{1,4}/g) ?? []) parts.push({ type: "text-delta", id: "t", delta: piece });
      parts.push({ type: "text-end", id: "t" }, { type: "finish", finishReason: finish("stop"), usage: usage(10, 5) });
      let i = 0;
      return new ReadableStream({
        pull(controller) {
          if (failAfter && i === failAfter.parts) controller.error(failAfter.error);
          else if (i < parts.length) controller.enqueue(parts[i++]);
          else controller.close();
        },
      });
    };
    /** Runs `fn` with `ai` 7's channel unsubscribed (its untraced baseline); `ai` 5/6 are untraced through `raw`. */
    const untraced = async <T>(fn: () => Promise<T>): Promise<T> => {
      if (v.major !== 7) return fn();
      unsubscribeAiTelemetry();
      try {
        return await fn();
      } finally {
        subscribeAiTelemetry();
      }
    };
    const readFull = async (result: any): Promise<string[]> => {
      const seen: string[] = [];
      try {
        for await (const part of result.fullStream) seen.push(part.type);
      } catch (err) {
        seen.push(`threw ${(err as Error).message}`);
      }
      return seen;
    };
    const endedTrace = async (): Promise<void> => waitFor(() => memory.traces().some((t) => t.endedAt !== undefined), 5000, "the implicit trace to end");

    it("a model call that fails before it streams (outside any trace): the chain span fails with that error and its trace ends", async () => {
      const { ai, raw, Mock } = await load();
      const error = new Error("connection refused by the provider");
      const call = (lib: any, onError: (e: unknown) => void): Promise<string[]> =>
        readFull(lib.streamText({ model: new Mock({ doStream: async () => Promise.reject(error) }), prompt: "Hi", maxRetries: 0, onError: ({ error: e }: { error: unknown }) => onError(e) }));
      const plainErrors: unknown[] = [];
      const plain = await untraced(() => call(raw, (e) => plainErrors.push(e)));
      memory.reset();
      const seenErrors: unknown[] = [];
      const traced = await call(ai, (e) => seenErrors.push(e));
      expect(traced).toEqual(plain);
      expect(seenErrors).toEqual(plainErrors);
      await endedTrace();
      const [chain] = byType(memory.spans(), "chain");
      const [llm] = byType(memory.spans(), "llm");
      expect(chain).toMatchObject({ name: "ai.streamText", status: "failed", error: "connection refused by the provider" });
      expect(chain!.metadata.stream_end_reason).toBe("error");
      expect(llm!.status).toBe("failed");
      expect(memory.traces()[0]!.status).toBe("failed");
    });

    it("a model stream that fails midway (outside any trace): the chain span ends failed, the reader sees what it sees untraced", async () => {
      const { ai, raw, Mock } = await load();
      const error = new Error("stream reset");
      const call = (lib: any): Promise<string[]> =>
        readFull(lib.streamText({ model: new Mock({ doStream: async () => ({ stream: modelStream("Hello world, here we go", { parts: 5, error }) }) }), prompt: "Hi", maxRetries: 0, onError: () => undefined }));
      const plain = await untraced(() => call(raw));
      memory.reset();
      expect(await call(ai)).toEqual(plain);
      await endedTrace();
      const [chain] = byType(memory.spans(), "chain");
      expect(chain).toMatchObject({ status: "failed", error: "stream reset" });
      expect(chain!.endedAt).toBeDefined();
    });

    it.skipIf(v.major === 7)("a failed stream with no onError of the caller's: the SDK's default still logs the error", async () => {
      const { ai, Mock } = await load();
      const error = new Error("logged by the SDK's default onError");
      const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
      await readFull(ai.streamText({ model: new Mock({ doStream: async () => Promise.reject(error) }), prompt: "Hi", maxRetries: 0 }));
      expect(logged.mock.calls).toEqual([[error]]);
      await endedTrace();
      expect(byType(memory.spans(), "chain")[0]!.status).toBe("failed");
    });

    it("a frozen model: generateText answers as untraced", async () => {
      const { ai, raw, Mock } = await load();
      const model = (): unknown => Object.freeze(new Mock({ doGenerate: async () => generated([{ type: "text", text: "hi" }]) }));
      const plain = await untraced(() => raw.generateText({ model: model(), prompt: "x" }));
      const traced = await ai.generateText({ model: model(), prompt: "x" });
      expect(traced.text).toBe(plain.text);
      await endedTrace();
      expect(byType(memory.spans(), "chain")[0]).toMatchObject({ name: "ai.generateText", status: "completed" });
    });

    it("a tool whose description and schema are getters on its class: the model gets them as untraced, and bad input is still rejected", async () => {
      const { ai, raw, Mock } = await load();
      const runs: unknown[] = [];
      class LookupTool {
        execute = async (input: unknown): Promise<unknown> => {
          runs.push(input);
          return { found: true };
        };
        get description(): string {
          return "Look a record up by id";
        }
        get inputSchema(): unknown {
          return raw.zodSchema(z.object({ id: z.string() }));
        }
      }
      const call = async (lib: any): Promise<{ tools: unknown; content: unknown }> => {
        let step = 0;
        const script = [generated([{ type: "tool-call", toolCallId: "c1", toolName: "lookup", input: JSON.stringify({ id: 42 }) }], "tool-calls"), generated([{ type: "text", text: "done" }])];
        const model = new Mock({ doGenerate: async () => script[step++] });
        const result = await lib.generateText({ model, prompt: "x", tools: { lookup: new LookupTool() }, stopWhen: steps(lib, 3) });
        return { tools: model.doGenerateCalls[0].tools, content: result.steps[0].content.map((c: any) => [c.type, c.error?.name]) };
      };
      const plain = await untraced(() => call(raw));
      const traced = await call(ai);
      expect(traced).toEqual(plain);
      expect(JSON.stringify(traced.tools)).toContain("Look a record up by id");
      expect(runs).toEqual([]);
    });

    it("a streamed call whose stream names the answering model: the llm span and the trace record it", async () => {
      const { ai, Mock } = await load();
      const result = ai.streamText({ model: new Mock({ modelId: "requested-model", doStream: async () => ({ stream: modelStream("Hello") }) }), prompt: "Hi" });
      await result.consumeStream();
      await endedTrace();
      const [llm] = byType(memory.spans(), "llm");
      expect(llm!.modelId).toBe("answering-model");
      expect(memory.traces()[0]!.summary.models).toEqual(["answering-model"]);
    });
  });
}
