// A LangGraph agent (StateGraph: model → tools → model) with ChatOpenAI, traced through the
// LangChain callback handler: one trace per invocation, the graph's nodes as `chain` spans, each
// model call an `llm` span and each tool an `tool` span, nested as LangGraph ran them.
//
//   node langgraph-agent/index.mjs      (no OPENAI_API_KEY: runs against a local fake provider)
import { useProvider } from "../fake-provider/index.mjs";

const provider = await useProvider(); // before the models are created: they read OPENAI_BASE_URL
const tracium = await import("@tracium/sdk");
const { ChatOpenAI } = await import("@langchain/openai");
const { tool } = await import("@langchain/core/tools");
const { HumanMessage } = await import("@langchain/core/messages");
const { StateGraph, MessagesAnnotation, START, END } = await import("@langchain/langgraph");
const { ToolNode } = await import("@langchain/langgraph/prebuilt");

tracium.init();

const lookupOrder = tool(async ({ order_id }) => JSON.stringify({ order_id, status: "shipped", eta: "tomorrow" }), {
  name: "lookup_order",
  description: "Status of an order",
  schema: { type: "object", properties: { order_id: { type: "string" } }, required: ["order_id"] },
});
const tools = [lookupOrder];

const model = new ChatOpenAI({ model: "gpt-4o-mini", temperature: 0, maxRetries: 1 }).bindTools(tools);

async function callModel(state) {
  const reply = await model.invoke(state.messages);
  return { messages: [reply] };
}

function next(state) {
  const last = state.messages.at(-1);
  return last?.tool_calls?.length ? "tools" : END;
}

const graph = new StateGraph(MessagesAnnotation)
  .addNode("agent", callModel)
  .addNode("tools", new ToolNode(tools))
  .addEdge(START, "agent")
  .addConditionalEdges("agent", next, ["tools", END])
  .addEdge("tools", "agent")
  .compile();

const handler = new tracium.TraciumCallbackHandler({ agentName: "order-agent", tags: ["example", "langgraph"] });
const question = "Where is my order A-1001?";
const result = await graph.invoke({ messages: [new HumanMessage(question)] }, { callbacks: [handler] });
console.log(`${question}\n  → ${result.messages.at(-1).content}`);

await tracium.shutdown();
await provider.close();
