// A small Claude agent traced by @tracium/anthropic: a tool-use round trip, then a streamed answer.
//
// Run from the repository root after `pnpm -r --filter "./packages/**" run build`:
//   node packages/anthropic/examples/weather-agent.mjs
// With no ANTHROPIC_API_KEY it starts the repository's local fake provider, so it runs offline.
// The trace is printed as a tree (console exporter); set TRACIUM_EXPORTER / TRACIUM_API_KEY to send it elsewhere.
import Anthropic from "@anthropic-ai/sdk";
import { agentTrace, init, instrument, registerPlugin, shutdown, span } from "@tracium/core";
import { anthropicPlugin } from "@tracium/anthropic";

let fake;
if (!process.env.ANTHROPIC_API_KEY) {
  const { startFakeProvider } = await import("../../../examples/fake-provider/index.mjs");
  fake = await startFakeProvider();
  process.env.ANTHROPIC_API_KEY = "sk-ant-fake-local";
  process.env.ANTHROPIC_BASE_URL = fake.anthropicBaseURL;
}

init({ exporter: process.env.TRACIUM_EXPORTER ?? "console" });
registerPlugin(anthropicPlugin);
instrument(Anthropic); // or the module namespace, or a client instance

const anthropic = new Anthropic();
const model = process.env.ANTHROPIC_MODEL ?? "claude-haiku-4-5";
const tools = [
  {
    name: "get_weather",
    description: "Current weather for a city",
    input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
];
// A long, stable system prompt: the kind you mark for prompt caching.
const system = "You are a concise travel assistant. ".repeat(8);

await agentTrace({ agentName: "weather-agent" }, async (trace) => {
  const messages = [{ role: "user", content: "What is the weather in Paris? Use get_weather." }];

  // 1. The model asks for the tool (an llm span with the tool call recorded).
  const first = await anthropic.messages.create({ model, max_tokens: 256, system, tools, messages });
  const call = first.content.find((b) => b.type === "tool_use");

  // 2. Run the tool in a tool span, send the result back (a second llm span), streamed this time.
  const result = await span({ spanType: "tool", name: call?.name ?? "get_weather" }, (s) => {
    s.recordInput(call?.input);
    return "sunny, 21°C";
  });
  const stream = anthropic.messages.stream({
    model,
    max_tokens: 256,
    system,
    tools,
    messages: [
      ...messages,
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: call?.id ?? "", content: result }] },
    ],
  });
  stream.on("text", (delta) => process.stdout.write(delta));
  await stream.finalMessage();
  process.stdout.write("\n");
  trace.setSummary({ outcome: "answered" });
});

await shutdown();
await fake?.close();
