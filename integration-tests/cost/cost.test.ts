/**
 * Cost per span and per trace, against hand-computed prices. Each expected figure is the
 * provider's published per-million-token price (source named next to it) times the token counts
 * of the mocked response, so a wrong token rule (cache reads billed as input, reasoning billed
 * twice) or a wrong price row fails the test.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tracium from "@tracium/sdk";
import type { SpanCost, SpanData } from "@tracium/sdk";
import { nock, useNock } from "../helpers/nock.js";
import { sseBody, SSE_HEADERS } from "../helpers/sse.js";
import { setupTracing } from "../helpers/tracing.js";

useNock();
const OPENAI = "https://api.openai.com";
const ANTHROPIC = "https://api.anthropic.com";
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(() => {
  tracium.instrument(OpenAI);
  tracium.instrument(Anthropic);
  openai = new OpenAI({ apiKey: "sk-test", maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "sk-ant-test", maxRetries: 0 });
});
afterAll(() => {
  tracium.uninstrument(OpenAI);
  tracium.uninstrument(Anthropic);
});

function chat(model: string, usage: Record<string, unknown>): Record<string, unknown> {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: "ok", refusal: null }, finish_reason: "stop", logprobs: null }],
    usage,
  };
}

function message(usage: Record<string, unknown>): Record<string, unknown> {
  return {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-haiku-4-5-20251001",
    content: [{ type: "text", text: "ok" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage,
  };
}

const costOf = (span: SpanData | undefined): SpanCost | undefined => span?.metadata.cost as SpanCost | undefined;
const llmSpans = (memory: tracium.MemoryExporter): SpanData[] => memory.spans().filter((s) => s.spanType === "llm" || s.spanType === "embedding");

describe("cost per span, from the price table", () => {
  it("an OpenAI chat call with cached input: cached tokens at the cache price, the rest at the input price", async () => {
    const memory = setupTracing();
    nock(OPENAI).post("/v1/chat/completions").reply(200, chat("gpt-4o-mini-2024-07-18", {
      prompt_tokens: 2000, completion_tokens: 300, total_tokens: 2300, prompt_tokens_details: { cached_tokens: 1500 },
    }));
    await tracium.agentTrace({ agentName: "cost" }, () => openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }));
    // openai.com/api/pricing, gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per 1M tokens.
    const cost = costOf(llmSpans(memory)[0]);
    expect(cost).toMatchObject({ currency: "USD", price_source: "table", matched_provider: "openai", matched_model: "gpt-4o-mini" });
    expect(cost?.price_version).toMatch(/^genai-prices@\d/);
    expect(cost?.input).toBeCloseTo((500 * 0.15) / 1e6, 12);
    expect(cost?.cached_input).toBeCloseTo((1500 * 0.075) / 1e6, 12);
    expect(cost?.cache_creation).toBe(0);
    expect(cost?.output).toBeCloseTo((300 * 0.6) / 1e6, 12);
    expect(cost?.total).toBeCloseTo(0.0003675, 12);
  });

  it("an OpenAI reasoning model: reasoning tokens are output tokens, priced once", async () => {
    const memory = setupTracing();
    nock(OPENAI).post("/v1/chat/completions").reply(200, chat("o3-mini-2025-01-31", {
      prompt_tokens: 1000, completion_tokens: 5000, total_tokens: 6000, completion_tokens_details: { reasoning_tokens: 4000 },
    }));
    await tracium.agentTrace({ agentName: "cost" }, () => openai.chat.completions.create({ model: "o3-mini", messages: [{ role: "user", content: "think" }] }));
    // openai.com/api/pricing, o3-mini: $1.10 input, $4.40 output per 1M tokens.
    const cost = costOf(llmSpans(memory)[0]);
    expect(cost?.input).toBeCloseTo(0.0011, 12);
    expect(cost?.output).toBeCloseTo(0.022, 12);
    expect(cost?.total).toBeCloseTo(0.0231, 12);
  });

  it("an Anthropic call with cache reads and cache writes: each at its own price", async () => {
    const memory = setupTracing();
    nock(ANTHROPIC).post("/v1/messages").reply(200, message({
      input_tokens: 100, cache_read_input_tokens: 5000, cache_creation_input_tokens: 2000, output_tokens: 500,
    }));
    await tracium.agentTrace({ agentName: "cost" }, () =>
      anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "hi" }] }),
    );
    // anthropic.com/pricing, Claude Haiku 4.5: $1 input, $1.25 5-minute cache write, $0.10 cache read, $5 output per 1M.
    const cost = costOf(llmSpans(memory)[0]);
    expect(cost).toMatchObject({ matched_provider: "anthropic", matched_model: "claude-haiku-4-5" });
    expect(cost?.input).toBeCloseTo(0.0001, 12);
    expect(cost?.cached_input).toBeCloseTo(0.0005, 12);
    expect(cost?.cache_creation).toBeCloseTo(0.0025, 12);
    expect(cost?.output).toBeCloseTo(0.0025, 12);
    expect(cost?.total).toBeCloseTo(0.0056, 12);
  });

  it("an embedding: input tokens at the embedding price", async () => {
    const memory = setupTracing();
    nock(OPENAI).post("/v1/embeddings").reply(200, {
      object: "list", model: "text-embedding-3-small", data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2] }],
      usage: { prompt_tokens: 1000, total_tokens: 1000 },
    });
    await tracium.agentTrace({ agentName: "cost" }, () => openai.embeddings.create({ model: "text-embedding-3-small", input: "hello", encoding_format: "float" }));
    // openai.com/api/pricing, text-embedding-3-small: $0.02 per 1M tokens.
    expect(costOf(llmSpans(memory)[0])?.total).toBeCloseTo(0.00002, 12);
  });

  it("a streamed call is priced from the usage the stream reported", async () => {
    const memory = setupTracing();
    const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      id: "chatcmpl-s", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini-2024-07-18",
      choices: [{ index: 0, delta, finish_reason: null, logprobs: null }], ...extra,
    });
    nock(OPENAI).post("/v1/chat/completions").reply(200, sseBody([
      chunk({ role: "assistant", content: "o" }),
      chunk({ content: "k" }),
      { ...chunk({}), choices: [], usage: { prompt_tokens: 2000, completion_tokens: 300, total_tokens: 2300, prompt_tokens_details: { cached_tokens: 1500 } } },
    ]), SSE_HEADERS);
    await tracium.agentTrace({ agentName: "cost" }, async () => {
      const stream = await openai.chat.completions.create({
        model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true },
      });
      for await (const _ of stream) void _;
    });
    expect(costOf(llmSpans(memory)[0])?.total).toBeCloseTo(0.0003675, 12);
  });

  it("long-context (tiered) prices are chosen by the request's whole input", async () => {
    const memory = setupTracing();
    await tracium.agentTrace({ agentName: "cost" }, (trace) => {
      for (const input of [100_000, 300_000]) {
        const span = trace.startSpan({ spanType: "llm", name: "gemini", modelId: "gemini-2.5-pro", metadata: { provider: "google" } });
        span.setTokenUsage({ inputTokens: input - 50_000, cachedInputTokens: 50_000, outputTokens: 1000 });
        span.end();
      }
    });
    // ai.google.dev/pricing, Gemini 2.5 Pro: input $1.25 (≤200k prompt) / $2.50 (>200k), cached $0.125 / $0.25,
    // output $10 / $15 per 1M tokens.
    const [short, long] = llmSpans(memory).map(costOf);
    expect(short?.total).toBeCloseTo((50_000 * 1.25 + 50_000 * 0.125 + 1000 * 10) / 1e6, 12);
    expect(long?.total).toBeCloseTo((250_000 * 2.5 + 50_000 * 0.25 + 1000 * 15) / 1e6, 12);
  });
});

describe("cost per trace", () => {
  it("a trace mixing providers rolls up every span's cost exactly once", async () => {
    const memory = setupTracing();
    nock(OPENAI).post("/v1/chat/completions").reply(200, chat("gpt-4o-mini-2024-07-18", {
      prompt_tokens: 2000, completion_tokens: 300, total_tokens: 2300, prompt_tokens_details: { cached_tokens: 1500 },
    }));
    nock(ANTHROPIC).post("/v1/messages").reply(200, message({
      input_tokens: 100, cache_read_input_tokens: 5000, cache_creation_input_tokens: 2000, output_tokens: 500,
    }));
    await tracium.agentTrace({ agentName: "mixed" }, async () => {
      await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "a" }] });
      await anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "b" }] });
    });
    const summary = memory.traces()[0]!.summary;
    expect(summary.cost_usd).toBeCloseTo(0.0003675 + 0.0056, 12);
    expect(summary.cost).toMatchObject({ currency: "USD" });
    const breakdown = summary.cost as Record<string, number>;
    expect(breakdown.cached_input).toBeCloseTo((1500 * 0.075 + 5000 * 0.1) / 1e6, 12);
    expect(breakdown.cache_creation).toBeCloseTo(0.0025, 12);
    expect(summary.unpriced_llm_calls).toBeUndefined();
  });

  it("a model the table does not know gets no cost and one info line naming it; the trace says how many calls were unpriced", async () => {
    const lines: string[] = [];
    const memory = setupTracing({ logLevel: "info" });
    tracium.logger.setSink((level, line) => lines.push(`${level} ${line}`));
    try {
      await tracium.agentTrace({ agentName: "unknown" }, (trace) => {
        for (let i = 0; i < 3; i++) {
          const span = trace.startSpan({ spanType: "llm", modelId: "acme-private-7b", metadata: { provider: "openai" } });
          span.setTokenUsage({ inputTokens: 10, outputTokens: 5 });
          span.end();
        }
      });
    } finally {
      tracium.logger.setSink(undefined);
    }
    expect(llmSpans(memory).map(costOf)).toEqual([undefined, undefined, undefined]);
    const named = lines.filter((l) => l.includes("acme-private-7b"));
    expect(named).toHaveLength(1);
    expect(named[0]).toMatch(/^info /);
    const summary = memory.traces()[0]!.summary;
    expect(summary.cost_usd).toBeUndefined();
  });

  it("a local runtime's model is never priced by guessing another provider's price", async () => {
    const memory = setupTracing();
    await tracium.agentTrace({ agentName: "local" }, (trace) => {
      const span = trace.startSpan({ spanType: "llm", modelId: "gpt-4o-mini", metadata: { provider: "ollama" } });
      span.setTokenUsage({ inputTokens: 10, outputTokens: 5 });
      span.end();
    });
    expect(costOf(llmSpans(memory)[0])).toBeUndefined();
  });
});

describe("user prices, reported costs and turning cost off", () => {
  it("the prices option wins over the table", async () => {
    const memory = setupTracing({ prices: { "gpt-4o-mini": { input: 1, output: 2, cachedInput: 0.5 } } });
    nock(OPENAI).post("/v1/chat/completions").reply(200, chat("gpt-4o-mini", {
      prompt_tokens: 2000, completion_tokens: 300, total_tokens: 2300, prompt_tokens_details: { cached_tokens: 1500 },
    }));
    await tracium.agentTrace({ agentName: "cost" }, () => openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }));
    const cost = costOf(llmSpans(memory)[0]);
    expect(cost).toMatchObject({ price_source: "user" });
    expect(cost?.total).toBeCloseTo((500 * 1 + 1500 * 0.5 + 300 * 2) / 1e6, 12);
  });

  it("a cost the provider reported wins over the table and is marked so", async () => {
    const memory = setupTracing();
    await tracium.agentTrace({ agentName: "cost" }, (trace) => {
      const span = trace.startSpan({ spanType: "llm", modelId: "gpt-4o-mini", metadata: { provider: "openai" } });
      span.setTokenUsage({ inputTokens: 10, outputTokens: 5 });
      span.setCost({ total: 0.5 });
      span.end();
    });
    expect(costOf(llmSpans(memory)[0])).toMatchObject({ total: 0.5, price_source: "provider" });
    expect(memory.traces()[0]!.summary.cost_usd).toBe(0.5);
  });

  it("a bad prices entry is reported and skipped, never a crash", () => {
    const lines: string[] = [];
    tracium.logger.setSink((_l, line) => lines.push(line));
    try {
      const config = tracium.resolveConfig({ prices: { good: { input: 1 }, bad: { input: -1 }, worse: "free" } }, {});
      expect([...config.prices.keys()]).toEqual(["good"]);
    } finally {
      tracium.logger.setSink(undefined);
    }
    expect(lines.filter((l) => /prices\[/.test(l))).toHaveLength(2);
  });

  it("cost: false records no cost and never loads the price table", async () => {
    const real = tracium.priceTableSource()!;
    let loads = 0;
    tracium.registerPriceTable({ name: "counting", load: () => (loads++, real.load()) });
    try {
      const memory = setupTracing({ cost: false });
      await tracium.agentTrace({ agentName: "off" }, (trace) => {
        const span = trace.startSpan({ spanType: "llm", modelId: "gpt-4o-mini", metadata: { provider: "openai" } });
        span.setTokenUsage({ inputTokens: 10, outputTokens: 5 });
        span.end();
      });
      expect(costOf(llmSpans(memory)[0])).toBeUndefined();
      expect(memory.traces()[0]!.summary.cost_usd).toBeUndefined();
      expect(loads).toBe(0);
      setupTracing({ cost: true });
      await tracium.agentTrace({ agentName: "on" }, (trace) => {
        const span = trace.startSpan({ spanType: "llm", modelId: "gpt-4o-mini", metadata: { provider: "openai" } });
        span.setTokenUsage({ inputTokens: 10, outputTokens: 5 });
        span.end();
      });
      expect(loads).toBe(1);
    } finally {
      tracium.registerPriceTable(real);
    }
  });
});
