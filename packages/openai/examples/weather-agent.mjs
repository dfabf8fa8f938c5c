// A small OpenAI agent traced by @tracium/openai: a tool-call round trip, then a streamed answer.
//
// Run from the repository root after `pnpm -r --filter "./packages/**" run build`:
//   node packages/openai/examples/weather-agent.mjs
// With no OPENAI_API_KEY it starts the repository's local fake provider, so it runs offline.
// The trace is printed as a tree (console exporter); set TRACIUM_EXPORTER / TRACIUM_API_KEY to send it elsewhere.
import OpenAI from "openai";
import { agentTrace, init, instrument, registerPlugin, shutdown, span } from "@tracium/core";
import { openaiPlugin } from "@tracium/openai";

let fake;
if (!process.env.OPENAI_API_KEY) {
  const { startFakeProvider } = await import("../../../examples/fake-provider/index.mjs");
  fake = await startFakeProvider();
  process.env.OPENAI_API_KEY = "sk-fake-local";
  process.env.OPENAI_BASE_URL = fake.openaiBaseURL;
}

init({ exporter: process.env.TRACIUM_EXPORTER ?? "console" });
registerPlugin(openaiPlugin);
instrument(OpenAI); // or the module namespace (import * as openai), or a client instance

const openai = new OpenAI();
const model = process.env.OPENAI_MODEL ?? "gpt-4o-mini";
const tools = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather for a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  },
];

await agentTrace({ agentName: "weather-agent" }, async (trace) => {
  const messages = [
    { role: "system", content: "You are a concise travel assistant." },
    { role: "user", content: "What is the weather in Paris? Use get_weather." },
  ];

  // 1. The model asks for the tool (an llm span with the tool call recorded).
  const first = await openai.chat.completions.create({ model, messages, tools });
  const call = first.choices[0]?.message.tool_calls?.[0];

  // 2. Run the tool in a tool span, send the result back (a second llm span), streamed this time.
  //    `include_usage` asks OpenAI for the usage chunk (no choices) the span takes its tokens from.
  const result = await span({ spanType: "tool", name: call?.function.name ?? "get_weather" }, (s) => {
    s.recordInput(call?.function.arguments);
    return "sunny, 21°C";
  });
  const stream = await openai.chat.completions.create({
    model,
    stream: true,
    stream_options: { include_usage: true },
    tools,
    messages: [...messages, first.choices[0].message, { role: "tool", tool_call_id: call?.id ?? "", content: result }],
  });
  for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
  process.stdout.write("\n");
  trace.setSummary({ outcome: "answered" });
});

await shutdown();
await fake?.close();
