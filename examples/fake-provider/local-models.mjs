// Fake Groq, Mistral and Ollama endpoints for the local fake provider (see index.mjs), with the
// same deterministic answers and tool calls as its OpenAI endpoint:
//   Groq     POST /groq/openai/v1/chat/completions  (OpenAI-shaped; streamed usage in x_groq.usage)
//   Mistral  POST /mistral/v1/chat/completions, /mistral/v1/embeddings  (usage on the last chunk)
//   Ollama   POST /ollama/api/chat, /ollama/api/generate, /ollama/api/embed  (NDJSON streams)
import { chunkText, countTokens, decide, sendJson, textOf } from "./index.mjs";

function conversation(body) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const tools = (body.tools ?? []).filter((t) => t?.function).map((t) => ({ name: t.function.name, description: t.function.description, schema: t.function.parameters }));
  const lastUser = textOf([...messages].reverse().find((m) => m.role === "user")?.content);
  const toolResults = messages.filter((m) => m.role === "tool").map((m) => textOf(m.content));
  const system = textOf(messages.find((m) => m.role === "system")?.content);
  const promptTokens = countTokens(messages.map((m) => textOf(m.content)).join(" ")) + 20 * tools.length;
  return { messages, tools, lastUser, toolResults, system, promptTokens };
}

const sse = (res) => res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });

/** OpenAI-shaped chat (Groq, Mistral): `usageKey` says where a streamed chunk carries usage. */
function openaiShapedChat(body, res, state, { prefix, defaultModel, streamUsage }) {
  const model = body.model ?? defaultModel;
  const c = conversation(body);
  const reply = decide({ model, ...c });
  const id = `${prefix}-fake${++state.seq}`;
  const created = Math.floor(Date.now() / 1000);
  const completionTokens = reply.text ? countTokens(reply.text) : 12;
  const usage = { prompt_tokens: c.promptTokens, completion_tokens: completionTokens, total_tokens: c.promptTokens + completionTokens };
  const toolCall = reply.toolCall && { id: `call${state.seq}fake`, type: "function", function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.arguments) }, index: 0 };
  const finish = toolCall ? "tool_calls" : "stop";
  if (!body.stream) {
    const message = { role: "assistant", content: reply.text ?? "", tool_calls: toolCall ? [toolCall] : null };
    return sendJson(res, 200, { id, object: "chat.completion", created, model, choices: [{ index: 0, message, finish_reason: finish }], usage });
  }
  sse(res);
  const base = { id, object: "chat.completion.chunk", created, model };
  const send = (obj) => res.write(`data: ${JSON.stringify({ ...base, ...obj })}\n\n`);
  send({ choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] });
  if (toolCall) send({ choices: [{ index: 0, delta: { tool_calls: [toolCall] }, finish_reason: null }] });
  else for (const piece of chunkText(reply.text)) send({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
  send({ choices: [{ index: 0, delta: { content: "" }, finish_reason: finish }], ...streamUsage(usage) });
  res.write("data: [DONE]\n\n");
  res.end();
}

function vector(text, size) {
  return Array.from({ length: size }, (_, i) => Math.sin((String(text).length + 1) * (i + 1)) / 2);
}

function mistralEmbeddings(body, res) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const tokens = countTokens(inputs.join(" "));
  sendJson(res, 200, {
    id: "emb-fake",
    object: "list",
    model: body.model ?? "mistral-embed",
    usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens },
    data: inputs.map((text, index) => ({ object: "embedding", index, embedding: vector(text, 8) })),
  });
}

// ---------------------------------------------------------------- Ollama

const NS = 1_000_000;

function ollamaStats(promptTokens, evalCount) {
  return { total_duration: 40 * NS, load_duration: 2 * NS, prompt_eval_count: promptTokens, prompt_eval_duration: 8 * NS, eval_count: evalCount, eval_duration: 30 * NS };
}

function ollamaReply(body, res, state, operation) {
  const model = body.model ?? "llama3.2";
  const c = operation === "chat" ? conversation(body) : { tools: [], lastUser: String(body.prompt ?? ""), toolResults: [], system: String(body.system ?? ""), promptTokens: countTokens(`${body.system ?? ""} ${body.prompt ?? ""}`) };
  const reply = decide({ model, ...c });
  state.seq++;
  const created_at = new Date().toISOString();
  const evalCount = reply.text ? countTokens(reply.text) : 10;
  const toolCalls = reply.toolCall ? [{ function: { name: reply.toolCall.name, arguments: reply.toolCall.arguments } }] : undefined;
  const part = (text, extra = {}) =>
    operation === "chat"
      ? { model, created_at, message: { role: "assistant", content: text, ...extra }, done: false }
      : { model, created_at, response: text, done: false };
  const last = { ...part(""), done: true, done_reason: "stop", ...ollamaStats(c.promptTokens, evalCount) };
  if (body.stream === false) {
    const whole = { ...last, ...(operation === "chat" ? { message: { role: "assistant", content: reply.text ?? "", ...(toolCalls ? { tool_calls: toolCalls } : {}) } } : { response: reply.text ?? "" }) };
    return sendJson(res, 200, whole);
  }
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  if (toolCalls) res.write(JSON.stringify(part("", { tool_calls: toolCalls })) + "\n");
  else for (const piece of chunkText(reply.text)) res.write(JSON.stringify(part(piece)) + "\n");
  res.end(JSON.stringify(last) + "\n");
}

function ollamaEmbed(body, res) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  sendJson(res, 200, { model: body.model ?? "all-minilm", embeddings: inputs.map((t) => vector(t, 8)), total_duration: 5 * NS, load_duration: NS, prompt_eval_count: countTokens(inputs.join(" ")) });
}

/**
 * Answers a request for one of these providers; returns false when the path is not theirs.
 * @returns {boolean}
 */
export function handleLocalModel(method, path, body, res, state) {
  if (method !== "POST") return false;
  if (path === "/groq/openai/v1/chat/completions") {
    openaiShapedChat(body, res, state, { prefix: "chatcmpl-groq", defaultModel: "llama-3.3-70b-versatile", streamUsage: (usage) => ({ x_groq: { id: `req_fake${state.seq}`, usage } }) });
  } else if (path === "/mistral/v1/chat/completions") {
    openaiShapedChat(body, res, state, { prefix: "cmpl-mistral", defaultModel: "mistral-small-latest", streamUsage: (usage) => ({ usage }) });
  } else if (path === "/mistral/v1/embeddings") {
    mistralEmbeddings(body, res);
  } else if (path === "/ollama/api/chat") {
    ollamaReply(body, res, state, "chat");
  } else if (path === "/ollama/api/generate") {
    ollamaReply(body, res, state, "generate");
  } else if (path === "/ollama/api/embed") {
    ollamaEmbed(body, res);
  } else {
    return false;
  }
  return true;
}
