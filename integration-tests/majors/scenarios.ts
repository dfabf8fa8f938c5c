/**
 * Per plugin: an app on a copy of the real SDK with a new major version, and an app on a package of
 * the same name whose shape changed. Each app knows nothing about Tracium and prints what it got.
 */
import type { StubModule } from "./packages.js";

export interface MajorScenario {
  plugin: string;
  pkg: string;
  /** The app run against the next-major copy (ES module source). */
  nextApp: string;
  /** Span names the traced next-major app must record (in order). */
  spans: string[];
  /** The shape-broken package's modules. */
  broken: Record<string, StubModule>;
  /** The app run against the broken package. */
  brokenApp: string;
  /** What the warning gives as the reason (a fragment). */
  reason: string;
}

/** A class with a harmless method, as ESM and CJS sources exporting it under `names`. */
function stub(className: string, names: { default?: boolean; named?: boolean; instance?: boolean }, statics = ""): StubModule {
  const body = `class ${className} { ${statics} async talk(text) { return "echo " + text; } }`;
  const esm = [body, names.named ? `export { ${className} };` : "", names.default ? `export default ${names.instance ? `new ${className}()` : className};` : "", `export const VERSION = "99.0.0";`].join("\n");
  const cjsExports = names.default && !names.named ? `module.exports = ${className}; module.exports.default = ${className};` : `module.exports = { ${className}${names.default ? `, default: ${names.instance ? `new ${className}()` : className}` : ""} };`;
  return { esm, cjs: `${body}\n${cjsExports}\nmodule.exports.VERSION = "99.0.0";` };
}

const ask = `[{ role: "user", content: "How do I get a refund?" }]`;

export const SCENARIOS: MajorScenario[] = [
  {
    plugin: "openai",
    pkg: "openai",
    nextApp: `import OpenAI from "openai";
const r = await new OpenAI({ maxRetries: 0 }).chat.completions.create({ model: "gpt-4o-mini", messages: ${ask} });
console.log(r.choices[0].message.content);`,
    spans: ["openai.chat.completions"],
    broken: { ".": stub("OpenAI", { default: true, named: true }, "static OpenAIError = class extends Error {};") },
    brokenApp: `import OpenAI from "openai";\nconsole.log(await new OpenAI().talk("hi"));`,
    reason: "Chat.Completions.prototype.create, Responses.prototype.create, Embeddings.prototype.create, Completions.prototype.create are missing on its client class",
  },
  {
    plugin: "anthropic",
    pkg: "@anthropic-ai/sdk",
    nextApp: `import Anthropic from "@anthropic-ai/sdk";
const m = await new Anthropic({ maxRetries: 0 }).messages.create({ model: "claude-sonnet-4-6", max_tokens: 100, messages: ${ask} });
console.log(m.content[0].text);`,
    spans: ["anthropic.messages"],
    broken: { ".": stub("Anthropic", { default: true, named: true }) },
    brokenApp: `import Anthropic from "@anthropic-ai/sdk";\nconsole.log(await new Anthropic().talk("hi"));`,
    reason: "none of the classes or methods it patches were found",
  },
  {
    plugin: "groq",
    pkg: "groq-sdk",
    nextApp: `import Groq from "groq-sdk";
const r = await new Groq({ maxRetries: 0 }).chat.completions.create({ model: "llama-3.3-70b-versatile", messages: ${ask} });
console.log(r.choices[0].message.content);`,
    spans: ["groq.chat.completions"],
    broken: { ".": stub("Groq", { default: true, named: true }, "static GroqError = class extends Error {};") },
    brokenApp: `import Groq from "groq-sdk";\nconsole.log(await new Groq().talk("hi"));`,
    reason: "Chat.Completions.prototype.create, Embeddings.prototype.create are missing on its client class",
  },
  {
    plugin: "mistral",
    pkg: "@mistralai/mistralai",
    nextApp: `import { Mistral } from "@mistralai/mistralai";
const r = await new Mistral({ apiKey: "m-test", serverURL: process.env.MISTRAL_SERVER_URL }).chat.complete({ model: "mistral-small-latest", messages: ${ask} });
console.log(r.choices[0].message.content);`,
    spans: ["mistral.chat"],
    broken: { ".": stub("Mistral", { named: true }) },
    brokenApp: `import { Mistral } from "@mistralai/mistralai";\nconsole.log(await new Mistral().talk("hi"));`,
    reason: "Mistral.prototype.chat (getter), Mistral.prototype.embeddings (getter), Mistral.prototype.fim (getter) are missing",
  },
  {
    plugin: "ollama",
    pkg: "ollama",
    nextApp: `import { Ollama } from "ollama";
const r = await new Ollama({ host: process.env.OLLAMA_HOST }).chat({ model: "llama3.2", messages: ${ask} });
console.log(r.message.content);`,
    spans: ["ollama.chat"],
    broken: { ".": stub("Ollama", { default: true, named: true, instance: true }) },
    brokenApp: `import ollama from "ollama";\nconsole.log(await ollama.talk("hi"));`,
    reason: "Ollama.prototype.chat, Ollama.prototype.generate, Ollama.prototype.embed, Ollama.prototype.pull are missing",
  },
  {
    plugin: "langchain",
    pkg: "@langchain/core",
    nextApp: `import { FakeListChatModel } from "@langchain/core/utils/testing";
const r = await new FakeListChatModel({ responses: ["pong"] }).invoke("ping");
console.log(r.content);`,
    spans: ["FakeListChatModel"],
    broken: {
      "./callbacks/manager": { esm: `export const manager = "stub";`, cjs: `exports.manager = "stub";` },
      "./language_models/chat_models": { esm: `export const chat = "stub";`, cjs: `exports.chat = "stub";` },
    },
    brokenApp: `import * as m from "@langchain/core/callbacks/manager";\nconsole.log(Object.keys(m).join(","));`,
    reason: "none of the classes or methods it patches were found",
  },
  {
    plugin: "mcp",
    pkg: "@modelcontextprotocol/sdk",
    nextApp: `import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
const server = new McpServer({ name: "echo-server", version: "1.0.0" });
server.tool("echo", async () => ({ content: [{ type: "text", text: "pong" }] }));
const [a, b] = InMemoryTransport.createLinkedPair();
await server.connect(b);
const client = new Client({ name: "app", version: "1.0.0" });
await client.connect(a);
const r = await client.callTool({ name: "echo", arguments: {} });
console.log(r.content[0].text);
await client.close();`,
    spans: ["echo"],
    broken: {
      "./client/index.js": { esm: `export class Client { async talk(t) { return "echo " + t; } }`, cjs: `exports.Client = class Client { async talk(t) { return "echo " + t; } };` },
    },
    brokenApp: `import { Client } from "@modelcontextprotocol/sdk/client/index.js";\nconsole.log(await new Client().talk("hi"));`,
    reason: "none of the classes or methods it patches were found",
  },
];
