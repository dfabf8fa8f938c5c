// A CommonJS app that knows nothing about Tracium: run it with `node -r @tracium/sdk/auto`.
const { BedrockRuntime } = require("@aws-sdk/client-bedrock-runtime");

async function main() {
  const client = new BedrockRuntime({ endpoint: process.env.BEDROCK_ENDPOINT, region: "us-east-1", credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake" } });
  const r = await client.converse({ modelId: "us.anthropic.claude-sonnet-4-20250514-v1:0", messages: [{ role: "user", content: [{ text: "How do I get a refund?" }] }] });
  const out = await client.converseStream({ modelId: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: [{ text: "Hello there" }] }] });
  let streamed = "";
  for await (const e of out.stream) streamed += (e.contentBlockDelta && e.contentBlockDelta.delta.text) || "";
  console.log(JSON.stringify({ text: r.output.message.content[0].text, streamed }));
}
main();
