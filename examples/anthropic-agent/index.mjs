// A tool-using agent on the Anthropic SDK (@anthropic-ai/sdk): the model asks for tools until it can
// answer, then streams the answer with messages.stream(). One trace for the whole task: each
// messages call is an `llm` span (with cache-read tokens), each tool run a `tool` span.
//
//   node anthropic-agent/index.mjs      (no ANTHROPIC_API_KEY: runs against a local fake provider)
import Anthropic from "@anthropic-ai/sdk";
import * as tracium from "@tracium/sdk";
import { useProvider } from "../fake-provider/index.mjs";

const provider = await useProvider();
tracium.init();
tracium.instrument(Anthropic);

const MODEL = process.env.ANTHROPIC_MODEL ?? "claude-sonnet-4-6";
const SYSTEM =
  "You are a travel assistant. Use get_weather for current conditions and convert_currency for prices. " +
  "Keep answers short. ".repeat(12); // a long, stable system prompt: the part providers cache

const TOOLS = [
  {
    name: "get_weather",
    description: "Current weather in a city",
    input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
  {
    name: "convert_currency",
    description: "Convert an amount between currencies",
    input_schema: {
      type: "object",
      properties: { amount: { type: "number" }, from: { type: "string" }, to: { type: "string" } },
      required: ["amount", "from", "to"],
    },
  },
];

const impl = {
  get_weather: async ({ city }) => ({ city, temperature_c: 18, conditions: "light rain" }),
  convert_currency: async ({ amount, from, to }) => ({ amount, from, to, result: Math.round(amount * 1.08 * 100) / 100 }),
};

const anthropic = new Anthropic({ maxRetries: 1 });

async function runAgent(task) {
  const messages = [{ role: "user", content: task }];
  for (let step = 0; step < 4; step++) {
    const response = await anthropic.messages.create({ model: MODEL, max_tokens: 512, system: SYSTEM, tools: TOOLS, messages });
    const toolUses = response.content.filter((b) => b.type === "tool_use");
    if (toolUses.length === 0) return response.content.map((b) => (b.type === "text" ? b.text : "")).join("");
    messages.push({ role: "assistant", content: response.content });
    const results = [];
    for (const use of toolUses) {
      // A `tool` span per tool run, a child of the agent's trace.
      const output = await tracium.span({ spanType: "tool", name: use.name, input: use.input }, async (span) => {
        const out = await impl[use.name]?.(use.input);
        span.recordOutput(out);
        return out;
      });
      results.push({ type: "tool_result", tool_use_id: use.id, content: JSON.stringify(output) });
    }
    messages.push({ role: "user", content: results });
    // The answer, streamed: the helper's text events as they come, one `llm` span for the call.
    const stream = anthropic.messages.stream({ model: MODEL, max_tokens: 512, system: SYSTEM, messages });
    stream.on("text", (text) => process.stdout.write(text));
    const final = await stream.finalMessage();
    process.stdout.write("\n");
    return final.content.map((b) => (b.type === "text" ? b.text : "")).join("");
  }
  return "";
}

const task = "What's the weather in Lisbon right now?";
console.log(`task: ${task}`);
await tracium.agentTrace({ agentName: "travel-agent", tags: ["example", "anthropic"] }, async (trace) => {
  const answer = await runAgent(task);
  trace.setSummary({ answered: answer.length > 0 });
});

await tracium.shutdown();
await provider.close();
