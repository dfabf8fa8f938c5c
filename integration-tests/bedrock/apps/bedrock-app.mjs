// An ES module app that knows nothing about Tracium: run it with `node --import @tracium/sdk/auto`.
// It also calls S3 (another client on the same smithy base): that call must never become a span.
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { S3Client, ListBucketsCommand } from "@aws-sdk/client-s3";

const credentials = { accessKeyId: "AKIDFAKE", secretAccessKey: "fake" };
const client = new BedrockRuntimeClient({ endpoint: process.env.BEDROCK_ENDPOINT, region: "us-east-1", credentials });
const s3 = new S3Client({ endpoint: process.env.BEDROCK_ENDPOINT, region: "us-east-1", credentials, forcePathStyle: true, maxAttempts: 1 });

const r = await client.send(new ConverseCommand({ modelId: "us.anthropic.claude-sonnet-4-20250514-v1:0", messages: [{ role: "user", content: [{ text: "How do I get a refund?" }] }] }));
const out = await client.send(new ConverseStreamCommand({ modelId: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: [{ text: "Hello there" }] }] }));
let streamed = "";
for await (const e of out.stream) streamed += e.contentBlockDelta?.delta?.text ?? "";
const s3Result = await s3.send(new ListBucketsCommand({})).then(() => "ok", (err) => err.name);
console.log(JSON.stringify({ text: r.output.message.content[0].text, streamed, s3: s3Result }));
