// A customer-support bot on the OpenAI SDK: it looks up orders and the help center with tools,
// then streams its answer. Plain code with no tracing in it: support-bot/index.mjs traces it
// explicitly, zero-code/app.mjs runs it unchanged under `node --import @tracium/sdk/auto`.

export const SYSTEM_PROMPT =
  "You are the support assistant of Acme Shop. Use the tools to look up orders and the help center; " +
  "answer in two sentences at most.";

const ORDERS = {
  "A-1001": { status: "shipped", carrier: "UPS", eta: "tomorrow" },
  "A-1002": { status: "processing", eta: "in 3 days" },
};

const HELP_CENTER = [
  { id: "kb-1", title: "Refund policy", text: "Refunds are accepted within 30 days of delivery." },
  { id: "kb-2", title: "Password reset", text: "Use 'Forgot password' on the sign-in page." },
  { id: "kb-3", title: "Shipping times", text: "Orders ship within 2 business days." },
];

/** The tools, as plain functions (a traced version wraps them). */
export const tools = {
  async lookup_order({ order_id }) {
    await new Promise((r) => setTimeout(r, 5)); // a database round trip
    return ORDERS[order_id] ?? { error: `no order ${order_id}` };
  },
  async search_help_center({ query }) {
    const words = String(query).toLowerCase().split(/\W+/).filter((w) => w.length > 3);
    return HELP_CENTER.filter((a) => words.some((w) => `${a.title} ${a.text}`.toLowerCase().includes(w))).slice(0, 2);
  },
};

const TOOL_SCHEMAS = [
  {
    type: "function",
    function: {
      name: "lookup_order",
      description: "Status and delivery estimate of an order",
      parameters: { type: "object", properties: { order_id: { type: "string" } }, required: ["order_id"] },
    },
  },
  {
    type: "function",
    function: {
      name: "search_help_center",
      description: "Search the help center articles",
      parameters: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
    },
  },
];

/**
 * Answers one ticket: tool rounds (at most 3), then a streamed answer.
 * @param {import("openai").default} openai
 * @param {string} question
 * @param {{ model?: string, tools?: typeof tools, onToken?: (t: string) => void }} [options]
 */
export async function answerTicket(openai, question, options = {}) {
  const model = options.model ?? "gpt-4o-mini";
  const impl = options.tools ?? tools;
  const messages = [
    { role: "system", content: SYSTEM_PROMPT },
    { role: "user", content: question },
  ];
  for (let round = 0; round < 3; round++) {
    const response = await openai.chat.completions.create({ model, messages, tools: TOOL_SCHEMAS });
    const message = response.choices[0].message;
    if (!message.tool_calls?.length) return message.content ?? "";
    messages.push(message);
    for (const call of message.tool_calls) {
      const args = JSON.parse(call.function.arguments || "{}");
      const fn = impl[call.function.name];
      const result = fn ? await fn(args) : { error: `unknown tool ${call.function.name}` };
      messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
    }
    // With the tool results in hand, stream the final answer. `include_usage` makes OpenAI send the
    // token counts in a last chunk (no choices), which is how the trace gets them for a stream.
    const stream = await openai.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
    let answer = "";
    for await (const chunk of stream) {
      const token = chunk.choices[0]?.delta?.content ?? "";
      answer += token;
      options.onToken?.(token);
    }
    return answer;
  }
  return "";
}

export const TICKETS = [
  { id: "T-1", customer: "dana@example.com", question: "Where is my order A-1001?" },
  { id: "T-2", customer: "lee@example.com", question: "What is your refund policy for damaged items?" },
];
