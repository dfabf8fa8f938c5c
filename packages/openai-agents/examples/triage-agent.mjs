// An OpenAI Agents SDK app traced by @tracium/openai-agents: a triage agent hands off to a weather
// agent, which calls a tool. Needs Node >= 22 (the SDK depends on openai 7).
//
// Run from the repository root after `pnpm -r --filter "./packages/**" run build`:
//   node packages/openai-agents/examples/triage-agent.mjs
// With no OPENAI_API_KEY it starts the repository's local fake provider, so it runs offline.
// The trace is printed as a tree (console exporter); set TRACIUM_EXPORTER / TRACIUM_API_KEY to send it elsewhere.
import * as agents from "@openai/agents";
import { init, registerPlugin, shutdown } from "@tracium/core";
import { instrumentOpenAIAgents, openaiAgentsPlugin } from "@tracium/openai-agents";

let fake;
if (!process.env.OPENAI_API_KEY) {
  const { startFakeProvider } = await import("../../../examples/fake-provider/index.mjs");
  fake = await startFakeProvider();
  process.env.OPENAI_API_KEY = "sk-fake-local";
  process.env.OPENAI_BASE_URL = fake.openaiBaseURL;
}

init({ exporter: process.env.TRACIUM_EXPORTER ?? "console" });
registerPlugin(openaiAgentsPlugin); // @tracium/sdk registers it; then tracium.instrument(agents) does this
// Offline (the fake provider) the SDK's own exporter to OpenAI's servers could only fail: turn it off.
instrumentOpenAIAgents(agents, { openaiExporter: fake ? "off" : "keep" });

const getWeather = agents.tool({
  name: "get_weather",
  description: "The weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  strict: true,
  execute: async ({ city }) => `sunny and 21°C in ${city}`,
});
const model = process.env.OPENAI_MODEL ?? "gpt-4o-mini";
const weather = new agents.Agent({ name: "Weather agent", instructions: "Answer weather questions with get_weather.", tools: [getWeather], model });
const triage = new agents.Agent({ name: "Triage", instructions: "Hand weather questions to the weather agent.", handoffs: [weather], model });

const result = await agents.run(triage, "What is the weather in Paris?");
console.log(result.finalOutput);

await shutdown();
await fake?.close();
