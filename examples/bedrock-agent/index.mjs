// A tool-using agent on Amazon Bedrock (@aws-sdk/client-bedrock-runtime, the Converse API): the
// model asks for a tool, the agent runs it and sends the result back, then streams the answer with
// ConverseStream. One trace for the whole task: each Converse call is an `llm` span (with cache-read
// tokens and Bedrock's own latency), each tool run a `tool` span linked to the toolUse that asked.
//
//   node bedrock-agent/index.mjs      (FAKE_PROVIDER=1, or no AWS credentials: a local fake provider)
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import * as tracium from "@tracium/sdk";
import { startFakeProvider } from "../fake-provider/index.mjs";

const real = process.env.FAKE_PROVIDER !== "1" && !!(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE);
const fake = real ? undefined : await startFakeProvider();
if (fake && process.env.TRACIUM_EXAMPLE_QUIET !== "1") console.error(`[example] using a local fake provider at ${fake.bedrockEndpoint} (no AWS credentials set, or FAKE_PROVIDER=1)`);

tracium.init();
tracium.instrument(BedrockRuntimeClient); // only Bedrock Runtime clients: S3, DynamoDB… stay untouched

const MODEL = process.env.BEDROCK_MODEL ?? "us.anthropic.claude-sonnet-4-20250514-v1:0";
const SYSTEM = [{ text: "You are a travel assistant. Use get_weather for current conditions. Keep answers short. ".repeat(4) }];
const toolConfig = {
  tools: [
    {
      toolSpec: {
        name: "get_weather",
        description: "Current weather in a city",
        inputSchema: { json: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
      },
    },
  ],
};

const getWeather = tracium.tool("get_weather", async ({ city }) => ({ city, temperature_c: 18, conditions: "light rain" }));

const client = new BedrockRuntimeClient(
  real ? {} : { endpoint: fake.bedrockEndpoint, region: "us-east-1", credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake" } },
);

async function runAgent(task) {
  const messages = [{ role: "user", content: [{ text: task }] }];
  for (let step = 0; step < 4; step++) {
    const response = await client.send(new ConverseCommand({ modelId: MODEL, system: SYSTEM, messages, toolConfig, inferenceConfig: { maxTokens: 512 } }));
    const message = response.output.message;
    const uses = message.content.filter((b) => b.toolUse).map((b) => b.toolUse);
    if (uses.length === 0) return message.content.map((b) => b.text ?? "").join("");
    messages.push(message);
    const results = [];
    for (const use of uses) results.push({ toolResult: { toolUseId: use.toolUseId, content: [{ json: await getWeather(use.input) }] } });
    messages.push({ role: "user", content: results });
    // The answer, streamed: one `llm` span, usage and latency from the stream's metadata event.
    const streamed = await client.send(new ConverseStreamCommand({ modelId: MODEL, system: SYSTEM, messages, toolConfig }));
    let answer = "";
    for await (const event of streamed.stream) {
      const text = event.contentBlockDelta?.delta?.text ?? "";
      process.stdout.write(text);
      answer += text;
    }
    process.stdout.write("\n");
    return answer;
  }
  return "";
}

const task = "What's the weather in Lisbon right now?";
console.log(`task: ${task}`);
await tracium.agentTrace({ agentName: "bedrock-travel-agent", tags: ["example", "bedrock"] }, async (trace) => {
  const answer = await runAgent(task);
  trace.setSummary({ answered: answer.length > 0 });
});

await tracium.shutdown();
client.destroy();
await fake?.close();
