/**
 * Shared set-up for the tests against the real `@openai/agents` (Node >= 22: it needs `openai` 7):
 * a local fake provider speaking the Responses API, the Agents SDK pointed at it, Tracium
 * recording into memory, and the agents of the scenarios (a triage agent that hands off to a
 * weather agent with one tool).
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { init, MemoryExporter, registerPlugin, type SpanData } from "@tracium/core";
import { openaiPlugin } from "@tracium/openai";
import { startFakeProvider, type FakeProvider } from "../../../examples/fake-provider/index.mjs";

import { openaiAgentsPlugin } from "../src/index.js";

/** Why the tests are skipped on older Node. */
export const NODE_MAJOR = Number(process.versions.node.split(".")[0]);
export const SKIP_REASON = "@openai/agents 0.20 needs Node >= 22 (it depends on openai 7)";
export const tooOld = NODE_MAJOR < 22;

export type Agents = typeof import("@openai/agents");

const require = createRequire(import.meta.url);

/**
 * The `openai` module the Agents SDK's model calls go through: the ES module build (the SDK is
 * imported as an ES module) of the copy next to @openai/agents-openai.
 */
export async function agentsOpenAI(): Promise<unknown> {
  const fromAgents = createRequire(require.resolve("@openai/agents"));
  const cjsEntry = createRequire(fromAgents.resolve("@openai/agents-openai")).resolve("openai");
  const dir = dirname(cjsEntry);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { exports: { ".": { default: string } } };
  return import(pathToFileURL(join(dir, manifest.exports["."].default)).href);
}

export interface Harness {
  agents: Agents;
  fake: FakeProvider;
  memory: MemoryExporter;
  close(): Promise<void>;
}

export async function setup(): Promise<Harness> {
  const fake = await startFakeProvider();
  process.env.OPENAI_API_KEY = "sk-fake-local";
  process.env.OPENAI_BASE_URL = fake.openaiBaseURL;
  const agents = (await import("@openai/agents")) as Agents;
  // The SDK turns its tracing off when NODE_ENV is "test" (vitest sets it).
  agents.setTracingDisabled(false);
  registerPlugin(openaiPlugin);
  registerPlugin(openaiAgentsPlugin);
  const memory = new MemoryExporter();
  init({ logLevel: "silent", exporter: memory });
  return { agents, fake, memory, close: () => fake.close() };
}

/** The weather tool, the weather agent and a triage agent that hands off to it. */
export function weatherAgents(agents: Agents, options: { failTool?: boolean } = {}) {
  const getWeather = agents.tool({
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
    strict: true,
    execute: async (input: unknown) => {
      if (options.failTool) throw new Error("weather service down");
      return `sunny in ${(input as { city: string }).city}`;
    },
  });
  const weather = new agents.Agent({ name: "Weather agent", instructions: "Answer weather questions.", tools: [getWeather], model: "gpt-4o-mini" });
  const triage = new agents.Agent({ name: "Triage", instructions: "Route the user.", handoffs: [weather], model: "gpt-4o-mini" });
  return { weather, triage };
}

/** The spans of one trace by type. */
export function byType(spans: SpanData[], type: string): SpanData[] {
  return spans.filter((s) => s.spanType === type);
}
