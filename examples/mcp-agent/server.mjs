// The MCP server of the mcp-agent example: a travel-tools server speaking MCP over stdio (the agent
// starts it as a child process). Built on the SDK's low-level `Server`; any MCP server works.
//
//   node mcp-agent/server.mjs      (waits for an MCP client on stdin/stdout)
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const TOOLS = [
  {
    name: "get_weather",
    description: "Current weather in a city",
    inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
  {
    name: "convert_currency",
    description: "Convert an amount between currencies",
    inputSchema: {
      type: "object",
      properties: { amount: { type: "number" }, from: { type: "string" }, to: { type: "string" } },
      required: ["amount", "from", "to"],
    },
  },
];

const server = new Server({ name: "travel-tools", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS }));
server.setRequestHandler(CallToolRequestSchema, async ({ params }) => {
  const args = params.arguments ?? {};
  if (params.name === "get_weather") {
    const report = { city: args.city, temperature_c: 18, conditions: "light rain" };
    return { content: [{ type: "text", text: JSON.stringify(report) }], structuredContent: report };
  }
  if (params.name === "convert_currency") {
    const result = Math.round(Number(args.amount) * 1.08 * 100) / 100;
    return { content: [{ type: "text", text: `${args.amount} ${args.from} = ${result} ${args.to}` }] };
  }
  // An MCP tool error: a result the model can read, marked isError (the span is failed).
  return { content: [{ type: "text", text: `unknown tool ${params.name}` }], isError: true };
});

await server.connect(new StdioServerTransport());
