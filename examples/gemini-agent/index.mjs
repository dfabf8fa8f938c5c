// A tool-using agent on Google's Gen AI SDK (@google/genai): the model asks for a tool, the agent
// runs it and sends the result back, then streams the answer. One trace for the whole task: each
// generateContent call is an `llm` span (with cached and thinking tokens), each tool run a `tool`
// span linked to the call that asked for it.
//
//   node gemini-agent/index.mjs      (no GEMINI_API_KEY: runs against a local fake provider)
import * as genai from "@google/genai";
import * as tracium from "@tracium/sdk";
import { startFakeProvider } from "../fake-provider/index.mjs";

const real = process.env.FAKE_PROVIDER !== "1" && !!process.env.GEMINI_API_KEY;
const fake = real ? undefined : await startFakeProvider();
if (fake && process.env.TRACIUM_EXAMPLE_QUIET !== "1") console.error(`[example] using a local fake provider at ${fake.url} (no GEMINI_API_KEY set, or FAKE_PROVIDER=1)`);

tracium.init();
tracium.instrument(genai); // the module: patches every GoogleGenAI client of this build

const MODEL = process.env.GEMINI_MODEL ?? "gemini-2.5-flash";
const SYSTEM = "You are a travel assistant. Use get_weather for current conditions. Keep answers short. ".repeat(6);
const TOOLS = [
  {
    functionDeclarations: [
      {
        name: "get_weather",
        description: "Current weather in a city",
        parametersJsonSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ],
  },
];

// A tool span per run; Gemini gives its function calls no id, so Tracium links the span to the
// call by tool name and arguments.
const getWeather = tracium.tool("get_weather", async ({ city }) => ({ city, temperature_c: 18, conditions: "light rain" }));

const ai = new genai.GoogleGenAI(real ? {} : { apiKey: "fake-local", httpOptions: { baseUrl: fake.url } });

async function runAgent(task) {
  const contents = [{ role: "user", parts: [{ text: task }] }];
  const config = { systemInstruction: SYSTEM, tools: TOOLS, temperature: 0.2 };
  for (let step = 0; step < 4; step++) {
    const response = await ai.models.generateContent({ model: MODEL, contents, config });
    const calls = response.functionCalls ?? [];
    if (calls.length === 0) return response.text ?? "";
    contents.push(response.candidates[0].content);
    const parts = [];
    for (const call of calls) parts.push({ functionResponse: { name: call.name, response: await getWeather(call.args) } });
    contents.push({ role: "user", parts });
    // The answer, streamed: one `llm` span for the call, usage from its last chunk.
    let answer = "";
    for await (const chunk of await ai.models.generateContentStream({ model: MODEL, contents, config })) {
      process.stdout.write(chunk.text ?? "");
      answer += chunk.text ?? "";
    }
    process.stdout.write("\n");
    return answer;
  }
  return "";
}

const task = "What's the weather in Lisbon right now?";
console.log(`task: ${task}`);
await tracium.agentTrace({ agentName: "gemini-travel-agent", tags: ["example", "gemini"] }, async (trace) => {
  const answer = await runAgent(task);
  trace.setSummary({ answered: answer.length > 0 });
});

await tracium.shutdown();
await fake?.close();
