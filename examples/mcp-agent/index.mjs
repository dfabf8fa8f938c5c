// An agent whose tools live on an MCP server: the model (OpenAI SDK) asks for a tool, the agent
// calls it through the MCP client (`@modelcontextprotocol/sdk`, server in a child process over
// stdio), and the model answers with the result. One trace for the task, read as a loop:
//
//   llm (asks for get_weather)  →  tool get_weather (MCP; tool_call_id, llm_span_id)  →  llm (answers)
//
// The tool span is linked to the model's tool call without any code here: the MCP plugin matches
// it by tool name and arguments, and the second llm span lists the results it sends
// (`tool_results_for`).
//
//   node mcp-agent/index.mjs      (no OPENAI_API_KEY: runs against a local fake provider)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import * as tracium from "@tracium/sdk";
import OpenAI from "openai";
import { fileURLToPath } from "node:url";
import { useProvider } from "../fake-provider/index.mjs";

const provider = await useProvider();
tracium.init(); // @tracium/sdk registers the MCP plugin with the others
tracium.instrument(OpenAI);
tracium.instrument(Client);

const MODEL = process.env.OPENAI_MODEL ?? "gpt-4o-mini";
const quiet = process.env.TRACIUM_EXAMPLE_QUIET === "1";

// The MCP server, started as a child process.
const mcp = new Client({ name: "mcp-agent", version: "1.0.0" });
await mcp.connect(
  new StdioClientTransport({ command: process.execPath, args: [fileURLToPath(new URL("./server.mjs", import.meta.url))], stderr: "ignore" }),
);
// Its tools, offered to the model as function tools.
const { tools } = await mcp.listTools();
const openaiTools = tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.inputSchema } }));

const openai = new OpenAI({ maxRetries: 1 });

async function runAgent(task) {
  const messages = [
    { role: "system", content: "You are a travel assistant. Use the tools for facts; keep answers short." },
    { role: "user", content: task },
  ];
  for (let step = 0; step < 4; step++) {
    const completion = await openai.chat.completions.create({ model: MODEL, messages, tools: openaiTools });
    const message = completion.choices[0].message;
    messages.push(message);
    if (!message.tool_calls?.length) return message.content ?? "";
    for (const call of message.tool_calls) {
      // One `tool` span per MCP call (server name, tool name, arguments, result).
      const result = await mcp.callTool({ name: call.function.name, arguments: JSON.parse(call.function.arguments || "{}") });
      const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
      if (!quiet) console.log(`  tool ${call.function.name} → ${text}`);
      messages.push({ role: "tool", tool_call_id: call.id, content: text });
    }
  }
  return "";
}

const task = "What's the weather in Lisbon right now?";
console.log(`task: ${task}`);
await tracium.agentTrace({ agentName: "mcp-agent", tags: ["example", "mcp"] }, async (trace) => {
  // Inside a trace, listing the tools is a light span (`mcp.tools.list`); outside (above) it is not traced.
  await mcp.listTools();
  const answer = await runAgent(task);
  console.log(`answer: ${answer}`);
  trace.setSummary({ answered: answer.length > 0 });
});

await mcp.close();
await tracium.shutdown();
await provider.close();
