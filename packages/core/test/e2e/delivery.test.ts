/**
 * The whole path, as a user runs it: init() with an API key → agentTrace/spans → the tracium
 * exporter → a real local HTTP server standing in for the Tracium API, including its faults.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { agentTrace, getClient, init, logger, shutdown, span, stats } from "../../src/index.js";
import { Collector } from "../exporters/collector.js";

const API_KEY = "sk_test_e2e_0123456789";
const collector = new Collector();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  await collector.start();
  process.on("unhandledRejection", onUnhandled);
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await collector.stop();
});
beforeEach(() => {
  collector.requests.length = 0;
  collector.respond(undefined);
  logger.setSink(() => undefined);
});
afterEach(async () => {
  await shutdown(2000);
  logger.setSink(undefined);
  expect(unhandled).toEqual([]);
});

function start(extra: Record<string, unknown> = {}): void {
  init({ apiKey: API_KEY, baseUrl: collector.url, flushIntervalMs: 10, timeoutMs: 500, logLevel: "debug", ...extra });
}

async function agent(): Promise<string> {
  return agentTrace({ agentName: "support-bot", tags: ["e2e"] }, async (trace) => {
    await trace.span({ spanType: "llm", name: "answer", modelId: "gpt-4o-mini" }, (s) => s.setTokenUsage({ inputTokens: 12, outputTokens: 3 }));
    await span({ spanType: "tool", name: "lookup" }, () => "ok");
    return "answer";
  });
}

describe("delivery end to end", () => {
  it("sends create, one batch of spans and complete, in order, with the key header", async () => {
    start();
    await expect(agent()).resolves.toBe("answer");
    await getClient().flush(3000);
    const paths = collector.requests.map((r) => r.path.replace(/[0-9a-f-]{36}/, "<id>"));
    expect(paths).toEqual(["/agents/traces", "/agents/traces/<id>/spans", "/agents/traces/<id>/complete"]);
    for (const r of collector.requests) expect(r.headers["x-api-key"]).toBe(API_KEY);
    const spans = (collector.requests[1]!.body as { spans: Array<Record<string, unknown>> }).spans;
    expect(spans.map((s) => [s.name, s.status])).toEqual([
      ["answer", "completed"],
      ["lookup", "completed"],
    ]);
    const complete = collector.requests[2]!.body as Record<string, unknown>;
    expect(complete).toMatchObject({ model: "gpt-4o-mini", llm_steps: [{ name: "answer", model: "gpt-4o-mini" }], summary: { input_tokens: 12, output_tokens: 3, llm_calls: 1 } });
    expect(stats()).toMatchObject({ queued: 0, failed: 0, dropped: 0 });
  });

  it("serverless mode delivers a trace before agentTrace resolves", async () => {
    start({ forceSync: true, flushIntervalMs: 60_000 });
    await agent();
    expect(collector.to("/complete")).toHaveLength(1);
  });

  it("a hanging API never delays the user's calls", async () => {
    collector.respond(() => "hang");
    start({ timeoutMs: 60_000 });
    const results = await Promise.all([agent(), agent(), agent()]);
    expect(results).toEqual(["answer", "answer", "answer"]);
    // The agents finished while every request to the API is still unanswered.
    await collector.until(() => collector.requests.length > 0);
    expect(stats().queued).toBeGreaterThan(0);
  });

  it("an API that is down, then answers 500 and 429, gets the data once it recovers", async () => {
    let failures = 0;
    collector.respond((req) => {
      if (failures < 3) {
        failures++;
        return failures === 3 ? { status: 429, headers: { "retry-after": "0" } } : { status: 500, body: "oops" };
      }
      return undefined;
    });
    start({});
    await expect(agent()).resolves.toBe("answer");
    await collector.until(() => collector.to("/complete").some((r) => r.body !== undefined), 10_000);
    expect(collector.to("/agents/traces").length).toBeGreaterThanOrEqual(4);
    expect(stats()).toMatchObject({ failed: 0, dropped: 0 });
  });

  it("garbage answers never reach the user's code", async () => {
    collector.respond(() => ({ status: 200, body: "<html>not json" }));
    start();
    await expect(agent()).resolves.toBe("answer");
    await getClient().flush(3000);
    expect(collector.to("/complete")).toHaveLength(1);
  });

  it("with the API unreachable, records are dropped and counted, memory stays bounded", async () => {
    await collector.stop();
    try {
      start({ maxQueueSize: 50, timeoutMs: 100 });
      for (let i = 0; i < 100; i++) await agent();
      const s = stats();
      expect(s.queued).toBeLessThanOrEqual(50);
      expect(s.dropped).toBeGreaterThan(0);
    } finally {
      await collector.start();
    }
  });
});
