/**
 * streamText consumed every way — `for await` of `textStream`, `toUIMessageStreamResponse()`,
 * `pipeTextStreamToResponse()`, `onFinish` with `consumeStream()`, abandoned midway — on `ai` 5, 6
 * and 7: the spans end (with `stream_end_reason` when cut short), time to first token is recorded,
 * what the reader gets is what it gets untraced, and nothing is left as an unhandled rejection.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { agentTrace, type MemoryExporter, type SpanData } from "@tracium/core";
import type { FakeProvider } from "../../examples/fake-provider/index.mjs";
import { subscribeAiTelemetry, unsubscribeAiTelemetry } from "@tracium/ai-sdk";
import { setupTracing, waitFor } from "../helpers/tracing.js";
import { VERSIONS, fakeProvider, steps, weatherTools } from "./harness.js";

let fake: FakeProvider;
let memory: MemoryExporter;
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};
beforeAll(async () => {
  fake = await fakeProvider();
  process.on("unhandledRejection", onRejection);
});
afterAll(async () => {
  process.off("unhandledRejection", onRejection);
  await fake.close();
});
beforeEach(() => {
  memory = setupTracing();
  rejections.length = 0;
});
afterEach(async () => {
  await new Promise((r) => setTimeout(r, 20));
  expect(rejections).toEqual([]);
});

const byType = (spans: SpanData[], type: string): SpanData[] => spans.filter((s) => s.spanType === type);

async function readAll(stream: AsyncIterable<string> | ReadableStream<Uint8Array>): Promise<string> {
  let out = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream as AsyncIterable<string | Uint8Array>) out += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
  return out;
}

for (const v of VERSIONS) {
  describe.skipIf(v.skip)(`${v.label}${v.skip ? ` (skipped: ${v.skip})` : ""}`, () => {
    const run = async (consume: (result: any) => Promise<string>, traced = true, abortSignal?: AbortSignal): Promise<string> => {
      const { ai, raw, openai } = await v.load();
      const lib = traced ? ai : raw;
      const provider = openai({ apiKey: "sk-fake", baseURL: fake.openaiBaseURL });
      return agentTrace({ agentName: "streamer" }, () =>
        consume(lib.streamText({ model: provider.chat("gpt-4o-mini"), prompt: "What is the weather in Rome?", tools: weatherTools(lib), stopWhen: steps(lib, 3), abortSignal })),
      );
    };

    const expectComplete = async (): Promise<void> => {
      await waitFor(() => byType(memory.spans(), "chain").length === 1, 5000, "the chain span");
      const spans = memory.spans();
      const [chain] = byType(spans, "chain");
      const llms = byType(spans, "llm");
      expect(chain!.name).toBe("ai.streamText");
      expect(chain!.status).toBe("completed");
      expect(llms).toHaveLength(2);
      for (const llm of llms) {
        expect(llm.parentSpanId).toBe(chain!.id);
        expect(llm.metadata.stream).toBe(true);
        expect(llm.metadata.stream_end_reason).toBe("done");
        expect(llm.metadata.time_to_first_token_ms).toBeGreaterThan(0);
        expect(llm.usage.outputTokens).toBeGreaterThan(0);
      }
      expect(byType(spans, "tool")[0]!.metadata.llm_span_id).toBe(llms[0]!.id);
      expect((llms[1]!.output as { content: string }).content).toContain("Sunny in Rome");
    };

    it("for await of textStream: same text as untraced, spans complete", async () => {
      const untraced = await run((r) => readAll(r.textStream), false);
      memory.reset();
      const traced = await run((r) => readAll(r.textStream));
      expect(traced).toBe(untraced);
      expect(traced).toContain("Sunny in Rome");
      await expectComplete();
    });

    it("toUIMessageStreamResponse(): the same body, spans complete", async () => {
      const strip = (body: string): string => body.replace(/"(id|messageId|toolCallId)":"[^"]*"/g, '"$1":"…"');
      const untraced = await run((r) => readAll(r.toUIMessageStreamResponse().body), false);
      memory.reset();
      const traced = await run((r) => readAll(r.toUIMessageStreamResponse().body));
      expect(strip(traced)).toBe(strip(untraced));
      await expectComplete();
    });

    it("pipeTextStreamToResponse(): spans complete", async () => {
      let result: any;
      const server = createServer((_req, res) => result.pipeTextStreamToResponse(res));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      const text = await run(async (r) => {
        result = r;
        const response = await fetch(`http://127.0.0.1:${port}/`);
        return response.text();
      }).finally(() => server.close());
      expect(text).toContain("Sunny in Rome");
      await expectComplete();
    });

    it("onFinish with consumeStream(): the user's onFinish still runs, spans complete", async () => {
      const { ai, openai } = await v.load();
      const provider = openai({ apiKey: "sk-fake", baseURL: fake.openaiBaseURL });
      let finished: any;
      await agentTrace({ agentName: "streamer" }, async () => {
        const r = ai.streamText({
          model: provider.chat("gpt-4o-mini"),
          prompt: "What is the weather in Rome?",
          tools: weatherTools(ai),
          stopWhen: steps(ai, 3),
          onFinish: (event: any) => {
            finished = event;
          },
        });
        await r.consumeStream();
      });
      await waitFor(() => finished !== undefined, 5000, "onFinish");
      expect(finished.text).toContain("Sunny in Rome");
      await expectComplete();
    });

    it.skipIf(v.major === 7)("streamObject: a chain span with its streamed llm span, ended, nothing left unhandled", async () => {
      const { ai, openai } = await v.load();
      const provider = openai({ apiKey: "sk-fake", baseURL: fake.openaiBaseURL });
      const { z } = await import("zod");
      await agentTrace({ agentName: "objects" }, async () => {
        const result = ai.streamObject({ model: provider.chat("gpt-4o-mini"), schema: z.object({ answer: z.string() }), prompt: "Reply as JSON" });
        for await (const _ of result.partialObjectStream) void _;
        await result.object.catch(() => undefined);
      });
      await waitFor(() => byType(memory.spans(), "chain").length === 1, 5000, "the chain span");
      const spans = memory.spans();
      const [chain] = byType(spans, "chain");
      const [llm] = byType(spans, "llm");
      expect(chain!.name).toBe("ai.streamObject");
      expect(llm).toMatchObject({ name: "ai.streamObject.doStream", parentSpanId: chain!.id, status: "completed" });
      expect(llm!.metadata.stream_end_reason).toBe("done");
      expect(llm!.metadata.request_params).toMatchObject({ responseFormat: "json" });
      expect(llm!.usage.outputTokens).toBeGreaterThan(0);
    });

    it("a model stream cut midway by the server: the llm span fails (partial output kept), the reader sees what it sees untraced", async () => {
      const { ai, raw, openai } = await v.load();
      // A chat completions stream that sends two words, then drops the connection.
      const server = createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const chunk = (content: string) =>
          `data: ${JSON.stringify({ id: "chatcmpl-cut", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
        res.write(chunk("Hello "));
        res.write(chunk("there"));
        setTimeout(() => res.destroy(), 20);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      const provider = openai({ apiKey: "sk-fake", baseURL: `http://127.0.0.1:${port}/v1` });
      const consume = async (lib: any): Promise<string> => {
        let seen = "";
        try {
          const r = lib.streamText({ model: provider.chat("gpt-4o-mini"), prompt: "Hi", maxRetries: 0, onError: () => undefined });
          for await (const part of r.fullStream) seen += part.type === "text-delta" ? (part.text ?? part.delta ?? part.textDelta) : `[${part.type}]`;
        } catch (err) {
          seen += `|threw ${(err as Error).name}`;
        }
        return seen;
      };
      try {
        if (v.major === 7) unsubscribeAiTelemetry();
        const untraced = await consume(raw).finally(() => v.major === 7 && subscribeAiTelemetry());
        memory.reset();
        const traced = await agentTrace({ agentName: "cut" }, () => consume(ai));
        expect(traced).toBe(untraced);
        expect(traced).toContain("Hello there");
      } finally {
        server.close();
      }
      await waitFor(() => byType(memory.spans(), "llm").length === 1 && byType(memory.spans(), "chain").length === 1, 5000, "the spans");
      const [llm] = byType(memory.spans(), "llm");
      const [chain] = byType(memory.spans(), "chain");
      expect(chain!.endedAt).toBeDefined();
      expect(llm!.status).toBe("failed");
      expect(llm!.metadata.stream_end_reason).toBe("error");
      expect(chain!.status).toBe("failed");
      // ai 5/6: the stream itself was observed, so the text read before the cut is kept.
      if (v.major !== 7) expect((llm!.output as { content: string }).content).toBe("Hello there");
    });

    it("abandoned midway (break): every span ends (with the trace), none failed, no unhandled rejection", async () => {
      await run(async (r) => {
        for await (const _ of r.textStream) break;
        return "";
      });
      const spans = memory.spans();
      expect(byType(spans, "chain")).toHaveLength(1);
      expect(byType(spans, "llm").length).toBeGreaterThanOrEqual(1);
      for (const s of spans) {
        expect(s.endedAt).toBeDefined();
        expect(s.status).toBe("completed");
      }
    });

    it("aborted midway (abortSignal): the spans end with stream_end_reason, the reader sees what it sees untraced", async () => {
      const abortRun = async (traced: boolean): Promise<string> => {
        const controller = new AbortController();
        return run(async (r) => {
          let seen = "";
          try {
            for await (const chunk of r.textStream) {
              seen += chunk;
              controller.abort();
            }
          } catch (err) {
            seen += `|${(err as Error).name}`;
          }
          return seen;
        }, traced, controller.signal);
      };
      const untraced = await abortRun(false);
      memory.reset();
      const traced = await abortRun(true);
      expect(traced).toBe(untraced);
      await waitFor(() => byType(memory.spans(), "llm").length >= 2, 5000, "the llm spans");
      const spans = memory.spans();
      const aborted = byType(spans, "llm").find((s) => s.metadata.stream_end_reason !== "done");
      // ai 7 cancels the model stream on abort without a reason: that reads as the reader stopping on
      // Node 20/22, while Node 24's web streams pass the abort on as the cancel reason.
      if (v.major === 7) expect(["break", "abort"]).toContain(aborted!.metadata.stream_end_reason);
      else expect(aborted!.metadata.stream_end_reason).toBe("abort");
      expect(aborted!.status).toBe("completed");
      const [chain] = byType(spans, "chain");
      // ai 5/6 call onAbort; ai 7 settles its operation itself.
      if (v.major !== 7) expect(chain!.metadata.stream_end_reason).toBe("abort");
      for (const s of spans) expect(s.endedAt).toBeDefined();
    });
  });
}
