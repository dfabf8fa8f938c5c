/**
 * The user's own telemetry settings are respected: `ai` 5/6 `experimental_telemetry` with their
 * own OpenTelemetry tracer still gets the SDK's spans (and Tracium its own), `isEnabled: false`
 * leaves the call untraced by Tracium, `recordInputs`/`recordOutputs: false` keep prompts and
 * outputs out of the Tracium spans; `ai` 7 per-call `telemetry.integrations` still get their events.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { agentTrace, type MemoryExporter } from "@tracium/core";
import type { FakeProvider } from "../../examples/fake-provider/index.mjs";
import { setupTracing } from "../helpers/tracing.js";
import { VERSIONS, fakeProvider, steps, weatherTools } from "./harness.js";

let fake: FakeProvider;
let memory: MemoryExporter;
beforeAll(async () => {
  fake = await fakeProvider();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  memory = setupTracing();
});

for (const v of VERSIONS) {
  describe.skipIf(v.skip)(`${v.label}${v.skip ? ` (skipped: ${v.skip})` : ""}`, () => {
    const call = async (settings: Record<string, unknown>): Promise<any> => {
      const { ai, openai } = await v.load();
      const provider = openai({ apiKey: "sk-fake", baseURL: fake.openaiBaseURL });
      return agentTrace({ agentName: "settings" }, () =>
        ai.generateText({ model: provider.chat("gpt-4o-mini"), prompt: "What is the weather in Oslo?", tools: weatherTools(ai), stopWhen: steps(ai, 3), ...settings }),
      );
    };
    const key = v.major === 7 ? "telemetry" : "experimental_telemetry";

    it.skipIf(v.major === 7)("the user's own OpenTelemetry tracer still receives the SDK's spans", async () => {
      const otel = new InMemorySpanExporter();
      const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(otel)] }).getTracer("mine");
      const result = await call({ [key]: { isEnabled: true, tracer, functionId: "weather" } });
      const theirs = otel.getFinishedSpans().map((s) => s.name);
      expect(theirs).toContain("ai.generateText");
      expect(theirs.filter((n) => n === "ai.generateText.doGenerate")).toHaveLength(2);
      expect(theirs).toContain("ai.toolCall");
      const ours = memory.spans();
      expect(ours.filter((s) => s.spanType === "llm")).toHaveLength(2);
      expect(ours.find((s) => s.spanType === "chain")!.metadata.function_id).toBe("weather");
      expect(result.text).toContain("Sunny in Oslo");
    });

    it.skipIf(v.major !== 7)("per-call telemetry integrations still receive their events", async () => {
      const events: string[] = [];
      const integration = { onStart: () => void events.push("start"), onEnd: () => void events.push("end"), onToolExecutionStart: () => void events.push("tool") };
      await call({ [key]: { integrations: [integration] } });
      expect(events).toEqual(["start", "tool", "end"]);
      expect(memory.spans().filter((s) => s.spanType === "llm")).toHaveLength(2);
    });

    it("isEnabled: false leaves the call untraced", async () => {
      const result = await call({ [key]: { isEnabled: false } });
      expect(result.text).toContain("Sunny in Oslo");
      expect(memory.spans()).toEqual([]);
    });

    it("recordInputs / recordOutputs: false keep prompts and outputs out, models and tokens stay", async () => {
      await call({ [key]: { isEnabled: true, recordInputs: false, recordOutputs: false } });
      const spans = memory.spans();
      expect(spans.length).toBeGreaterThanOrEqual(4);
      for (const s of spans) {
        expect(s.input).toBeUndefined();
        expect(s.output).toBeUndefined();
      }
      const llms = spans.filter((s) => s.spanType === "llm");
      expect(llms.every((s) => s.modelId === "gpt-4o-mini" && (s.usage.outputTokens ?? 0) > 0)).toBe(true);
      // The tool is still linked to the call that asked for it.
      expect(spans.find((s) => s.spanType === "tool")!.metadata.llm_span_id).toBe(llms[0]!.id);
    });
  });
}
