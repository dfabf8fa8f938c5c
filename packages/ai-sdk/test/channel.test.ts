/**
 * The `ai:telemetry` subscriber's own bookkeeping: operations that never settle (a `streamText`
 * whose stream was abandoned) do not grow its tables without bound. Messages are published on the
 * real Node tracing channel, the way `ai` 7 publishes them.
 */
import * as dc from "node:diagnostics_channel";
import { afterAll, expect, it } from "vitest";
import { init, MemoryExporter, shutdown } from "@tracium/core";
import { channelTableSizes, subscribeAiTelemetry, unsubscribeAiTelemetry } from "../src/channel.js";

afterAll(async () => {
  unsubscribeAiTelemetry();
  await shutdown();
});

it("keeps at most 10,000 unsettled operations and their model calls", () => {
  init({ logLevel: "silent", exporter: new MemoryExporter() });
  expect(subscribeAiTelemetry()).toBe(true);
  const channel = dc.tracingChannel("ai:telemetry");
  for (let i = 0; i < 10_050; i++) {
    const callId = `call-${i}`;
    // Opened and never settled, as an abandoned stream leaves them.
    channel.start.runStores({ type: "streamText", event: { callId, provider: "openai.chat", modelId: "m", messages: [] } }, () => undefined);
    channel.start.runStores({ type: "languageModelCall", event: { callId, provider: "openai.chat", modelId: "m", messages: [] } }, () => undefined);
  }
  const sizes = channelTableSizes();
  expect(sizes.operations).toBe(10_000);
  expect(sizes.openCalls).toBeLessThanOrEqual(10_001);
  expect(sizes.lastCalls).toBeLessThanOrEqual(10_001);
});
