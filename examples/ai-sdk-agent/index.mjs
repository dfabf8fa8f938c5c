// A Vercel AI SDK agent (`ai` + `@ai-sdk/openai`) with no tracing code but one `withTrace` around
// the task: run it with zero code and every AI SDK call is traced.
//
//   node --import @tracium/sdk/auto ai-sdk-agent/index.mjs   (no OPENAI_API_KEY: a local fake provider)
//
// One trace for the task: a `chain` span for the agent's streamText, an `llm` span per model call
// (step) with its tokens and time to first token, and a `tool` span per tool run, linked to the
// call that asked for it.
import { stepCountIs, streamText, tool } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { withTrace, shutdown } from "@tracium/sdk";
import { z } from "zod";
import { useProvider } from "../fake-provider/index.mjs";

const provider = await useProvider();
const openai = createOpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL });
const model = openai.chat(process.env.OPENAI_MODEL ?? "gpt-4o-mini");

const tools = {
  get_weather: tool({
    description: "Current weather in a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, temperature_c: 18, conditions: "light rain" }),
  }),
  convert_currency: tool({
    description: "Convert an amount between currencies",
    inputSchema: z.object({ amount: z.number(), from: z.string(), to: z.string() }),
    execute: async ({ amount, from, to }) => ({ amount, from, to, result: Math.round(amount * 1.08 * 100) / 100 }),
  }),
};

const task = "What's the weather in Lisbon right now?";
console.log(`task: ${task}`);
await withTrace({ agentName: "ai-sdk-travel-agent", tags: ["example", "ai-sdk"] }, async () => {
  // The model calls tools until it can answer; the answer streams to the terminal as it comes.
  const agent = streamText({ model, system: "You are a travel assistant. Be brief.", prompt: task, tools, stopWhen: stepCountIs(4) });
  for await (const delta of agent.textStream) process.stdout.write(delta);
  process.stdout.write("\n");
});

await shutdown();
await provider.close();
