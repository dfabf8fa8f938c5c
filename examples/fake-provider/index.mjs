// A small local stand-in for the OpenAI and Anthropic HTTP APIs, so the examples (and tests) run
// offline with the real SDKs. Deterministic answers, token usage, tool calls and SSE streaming.
//
//   const provider = await startFakeProvider();
//   new OpenAI({ apiKey: "sk-fake", baseURL: provider.openaiBaseURL });
//   new Anthropic({ apiKey: "sk-ant-fake", baseURL: provider.anthropicBaseURL });
//   ...
//   await provider.close();
//
// Endpoints: POST /v1/chat/completions, /v1/embeddings, /v1/responses (OpenAI; tools and SSE too) and /v1/messages
// (Anthropic). When a request offers tools and carries no tool result yet, the fake calls the
// first tool whose name appears in the last user message (else the first tool), with arguments
// made from its JSON schema; once a tool result is there it answers in text, quoting it.
// A model whose name contains "error" gets an HTTP 400 error.
// Groq, Mistral and Ollama endpoints: local-models.mjs.
import { createServer } from "node:http";
import { geminiRoute } from "./gemini.mjs";
import { bedrockRoute, startBedrockServer } from "./bedrock.mjs";
import { handleLocalModel } from "./local-models.mjs";

export const words = (text) => String(text ?? "").split(/\s+/).filter(Boolean);
export const countTokens = (value) => Math.max(1, Math.ceil(words(typeof value === "string" ? value : JSON.stringify(value ?? "")).length * 1.3));

export function textOf(content) {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === "string" ? part : part?.text ?? (typeof part?.content === "string" ? part.content : "")))
      .join(" ");
  }
  return "";
}

function stringArg(key, userText) {
  const tokens = words(userText).map((w) => w.replace(/^[^\w]+|[?.!,;:'"]+$/g, ""));
  const idLike = tokens.find((w) => /\d/.test(w));
  const proper = tokens.slice(1).find((w) => /^[A-Z][a-z]+$/.test(w));
  if (/(^|_)id$/i.test(key)) return idLike ?? tokens[0] ?? "";
  if (/query|question|text|q$|topic|input/i.test(key)) return userText;
  return proper ?? idLike ?? userText.slice(0, 40);
}

function argsFor(schema, userText) {
  const props = schema?.properties ?? {};
  const out = {};
  for (const [key, prop] of Object.entries(props)) {
    if (Array.isArray(prop?.enum) && prop.enum.length > 0) out[key] = prop.enum[0];
    else if (prop?.type === "number" || prop?.type === "integer") out[key] = 42;
    else if (prop?.type === "boolean") out[key] = true;
    else out[key] = stringArg(key, userText);
  }
  return out;
}

/** The tool that fits the user's text best: an id in the text favours tools taking an id, shared words the rest. */
function pickTool(tools, userText) {
  const text = userText.toLowerCase();
  const hasId = /\d/.test(userText);
  let best = tools[0];
  let bestScore = -1;
  for (const t of tools) {
    const params = Object.keys(t.schema?.properties ?? {});
    let score = 0;
    if (hasId && params.some((p) => /(^|_)id$/i.test(p))) score += 3;
    for (const w of `${t.name} ${t.description ?? ""}`.toLowerCase().split(/[^a-z]+/)) if (w.length > 3 && text.includes(w)) score += 1;
    if (!hasId && /search|lookup_docs|find/.test(t.name)) score += 0.5;
    if (score > bestScore) {
      best = t;
      bestScore = score;
    }
  }
  return best;
}

/** The reply to a conversation: a tool call, or a text answer. */
export function decide({ model, tools, lastUser, toolResults, system }) {
  if (tools.length > 0 && toolResults.length === 0) {
    const tool = pickTool(tools, lastUser);
    return { toolCall: { name: tool.name, arguments: argsFor(tool.schema, lastUser) } };
  }
  let text;
  if (toolResults.length > 0) text = `Here is what I found: ${toolResults.join("; ")}. Anything else I can help with?`;
  else if (/refund/i.test(lastUser)) text = "You can get a full refund within 30 days of purchase. I have started the refund for you.";
  else if (/password/i.test(lastUser)) text = "Use the 'Forgot password' link on the sign-in page; the reset email arrives within a minute.";
  else text = `(${model}) You asked: "${lastUser.slice(0, 80)}". Here is a helpful answer.`;
  if (system && /brief|short|concise/i.test(system)) text = text.split(". ")[0] + ".";
  return { text };
}

export function sendJson(res, status, body) {
  const data = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(data) });
  res.end(data);
}

function startSse(res) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
}

export const chunkText = (text) => text.match(/\S+\s*/g) ?? [text];

// ---------------------------------------------------------------- OpenAI

function openaiChat(body, res, state) {
  const model = body.model ?? "gpt-4o-mini";
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const tools = (body.tools ?? []).filter((t) => t?.type === "function" && t.function).map((t) => ({ name: t.function.name, description: t.function.description, schema: t.function.parameters }));
  const lastUser = textOf([...messages].reverse().find((m) => m.role === "user")?.content);
  // As for the Responses API: results of tools not offered now (another agent's) do not count.
  const offered = new Set(tools.map((t) => t.name));
  const callNames = new Map(messages.flatMap((m) => (Array.isArray(m.tool_calls) ? m.tool_calls : [])).map((c) => [c.id, c.function?.name]));
  const counts = (id) => offered.size === 0 || !callNames.has(id) || offered.has(callNames.get(id));
  const toolResults = messages.filter((m) => m.role === "tool" && counts(m.tool_call_id)).map((m) => textOf(m.content));
  const system = textOf(messages.find((m) => m.role === "system" || m.role === "developer")?.content);
  const reply = decide({ model, tools, lastUser, toolResults, system });
  const id = `chatcmpl-fake${++state.seq}`;
  const created = Math.floor(Date.now() / 1000);
  const promptTokens = countTokens(messages.map((m) => textOf(m.content)).join(" ")) + (tools.length ? 20 * tools.length : 0);
  const cached = promptTokens > 60 ? 32 : 0;
  const toolCall = reply.toolCall && { id: `call_fake${state.seq}`, type: "function", function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.arguments) } };
  const completionTokens = reply.text ? countTokens(reply.text) : 12;
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const finish = toolCall ? "tool_calls" : "stop";
  if (!body.stream) {
    return sendJson(res, 200, {
      id,
      object: "chat.completion",
      created,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: reply.text ?? null, ...(toolCall ? { tool_calls: [toolCall] } : {}), refusal: null }, logprobs: null, finish_reason: finish }],
      usage,
      system_fingerprint: "fp_fake",
    });
  }
  startSse(res);
  const base = { id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_fake" };
  const send = (obj) => res.write(`data: ${JSON.stringify({ ...base, ...obj })}\n\n`);
  send({ choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }] });
  if (toolCall) {
    send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: toolCall.id, type: "function", function: { name: toolCall.function.name, arguments: "" } }] }, logprobs: null, finish_reason: null }] });
    send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: toolCall.function.arguments } }] }, logprobs: null, finish_reason: null }] });
  } else {
    for (const piece of chunkText(reply.text)) send({ choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }] });
  }
  send({ choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finish }] });
  if (body.stream_options?.include_usage) send({ choices: [], usage });
  res.write("data: [DONE]\n\n");
  res.end();
}

function openaiEmbeddings(body, res) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const data = inputs.map((text, index) => {
    const v = Array.from({ length: 8 }, (_, i) => Math.sin((String(text).length + 1) * (i + 1)) / 2);
    return { object: "embedding", index, embedding: v };
  });
  const tokens = countTokens(inputs.join(" "));
  sendJson(res, 200, { object: "list", data, model: body.model ?? "text-embedding-3-small", usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

/** A Responses API input item's text (a message's content, or a plain string). */
function itemText(item) {
  return typeof item === "string" ? item : textOf(item?.content);
}

function openaiResponses(body, res, state) {
  const model = body.model ?? "gpt-4o-mini";
  const items = typeof body.input === "string" ? [{ role: "user", content: body.input }] : Array.isArray(body.input) ? body.input : [];
  const tools = (body.tools ?? []).filter((t) => t?.type === "function" && t.name).map((t) => ({ name: t.name, description: t.description, schema: t.parameters }));
  const lastUser = itemText([...items].reverse().find((m) => m?.role === "user"));
  // When tools are offered, only their results count: an agent handed a conversation that holds
  // another agent's tool results (a handoff) still calls its own tools first.
  const offered = new Set(tools.map((t) => t.name));
  const callNames = new Map(items.filter((m) => m?.type === "function_call").map((m) => [m.call_id, m.name]));
  const toolResults = items
    .filter((m) => m?.type === "function_call_output" && (offered.size === 0 || offered.has(callNames.get(m.call_id))))
    .map((m) => (typeof m.output === "string" ? m.output : textOf(m.output)));
  const reply = decide({ model, tools, lastUser, toolResults, system: body.instructions });
  const seq = ++state.seq;
  const inTok = countTokens(items.map(itemText).join(" ")) + 20 * tools.length;
  const cached = inTok > 60 ? 32 : 0;
  const outTok = reply.text ? countTokens(reply.text) : 12;
  const output = reply.toolCall
    ? [{ type: "function_call", id: `fc_fake${seq}`, call_id: `call_fake${seq}`, name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.arguments), status: "completed" }]
    : [{ type: "message", id: `msg_fake${seq}`, status: "completed", role: "assistant", content: [{ type: "output_text", text: reply.text, annotations: [] }] }];
  const response = {
    id: `resp_fake${seq}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "completed",
    model,
    output,
    usage: { input_tokens: inTok, input_tokens_details: { cached_tokens: cached }, output_tokens: outTok, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: inTok + outTok },
  };
  if (!body.stream) return sendJson(res, 200, response);
  startSse(res);
  let n = 0;
  const send = (type, fields) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: n++, ...fields })}\n\n`);
  send("response.created", { response: { ...response, status: "in_progress", output: [], usage: null } });
  output.forEach((item, output_index) => {
    send("response.output_item.added", { output_index, item: item.type === "message" ? { ...item, status: "in_progress", content: [] } : { ...item, arguments: "", status: "in_progress" } });
    if (item.type === "message") {
      for (const delta of chunkText(item.content[0].text)) send("response.output_text.delta", { item_id: item.id, output_index, content_index: 0, delta });
    } else {
      send("response.function_call_arguments.delta", { item_id: item.id, output_index, delta: item.arguments });
    }
    send("response.output_item.done", { output_index, item });
  });
  send("response.completed", { response });
  res.end();
}

// ---------------------------------------------------------------- Anthropic

function anthropicMessages(body, res, state) {
  const model = body.model ?? "claude-sonnet-4-6";
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const tools = (body.tools ?? []).filter((t) => t?.name).map((t) => ({ name: t.name, description: t.description, schema: t.input_schema }));
  const userMessages = messages.filter((m) => m.role === "user");
  const toolResults = [];
  for (const m of userMessages) {
    if (Array.isArray(m.content)) for (const part of m.content) if (part?.type === "tool_result") toolResults.push(textOf(part.content));
  }
  const lastUserMsg = [...userMessages].reverse().find((m) => typeof m.content === "string" || m.content.some?.((p) => p.type === "text"));
  const lastUser = typeof lastUserMsg?.content === "string" ? lastUserMsg.content : textOf(lastUserMsg?.content?.filter((p) => p.type === "text"));
  const system = typeof body.system === "string" ? body.system : textOf(body.system);
  const reply = decide({ model, tools, lastUser, toolResults, system });
  const id = `msg_fake${++state.seq}`;
  const inputTokens = countTokens(messages.map((m) => textOf(m.content)).join(" ") + system) + 20 * tools.length;
  const cacheRead = system.length > 200 ? 48 : 0;
  const content = reply.toolCall
    ? [{ type: "tool_use", id: `toolu_fake${state.seq}`, name: reply.toolCall.name, input: reply.toolCall.arguments }]
    : [{ type: "text", text: reply.text }];
  const outputTokens = reply.text ? countTokens(reply.text) : 15;
  const stopReason = reply.toolCall ? "tool_use" : "end_turn";
  const usage = { input_tokens: inputTokens, output_tokens: outputTokens, cache_read_input_tokens: cacheRead, cache_creation_input_tokens: 0 };
  if (!body.stream) {
    return sendJson(res, 200, { id, type: "message", role: "assistant", model, content, stop_reason: stopReason, stop_sequence: null, usage });
  }
  startSse(res);
  const send = (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  send("message_start", { message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } });
  const block = content[0];
  if (block.type === "text") {
    send("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    for (const piece of chunkText(block.text)) send("content_block_delta", { index: 0, delta: { type: "text_delta", text: piece } });
  } else {
    send("content_block_start", { index: 0, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } });
    send("content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } });
  }
  send("content_block_stop", { index: 0 });
  send("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } });
  send("message_stop", {});
  res.end();
}

// ---------------------------------------------------------------- server

/**
 * Starts the fake provider on 127.0.0.1 (a free port unless `port` is given).
 * @param {{ port?: number, latencyMs?: number }} [options] latencyMs: delay before each answer (default 20)
 */
export async function startFakeProvider(options = {}) {
  const state = { seq: 0 };
  const requests = [];
  const latencyMs = options.latencyMs ?? 20;
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      let body = {};
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        return sendJson(res, 400, { error: { message: "invalid JSON", type: "invalid_request_error" } });
      }
      const path = (req.url ?? "").split("?")[0];
      requests.push({ method: req.method, path, body, headers: req.headers });
      setTimeout(() => {
        try {
          if (typeof body.model === "string" && body.model.includes("error")) {
            return sendJson(res, 400, path.endsWith("/messages")
              ? { type: "error", error: { type: "invalid_request_error", message: `model ${body.model} does not exist` } }
              : { error: { message: `The model \`${body.model}\` does not exist`, type: "invalid_request_error", code: "model_not_found" } });
          }
          if (handleLocalModel(req.method, path, body, res, state)) return;
          if (req.method === "POST" && path.endsWith("/chat/completions")) return openaiChat(body, res, state);
          if (req.method === "POST" && path.endsWith("/embeddings")) return openaiEmbeddings(body, res);
          if (req.method === "POST" && path.endsWith("/responses")) return openaiResponses(body, res, state);
          if (req.method === "POST" && path.endsWith("/messages")) return anthropicMessages(body, res, state);
          if (geminiRoute({ method: req.method, path, body, res, state, kit: { decide, countTokens, textOf, sendJson, chunkText } })) return;
          if (bedrockRoute({ method: req.method, path, body, res, state, kit: { decide, countTokens, chunkText } })) return;
          sendJson(res, 404, { error: { message: `no fake for ${req.method} ${path}` } });
        } catch (err) {
          sendJson(res, 500, { error: { message: String(err?.message ?? err) } });
        }
      }, latencyMs);
    });
  });
  await new Promise((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  server.unref();
  const { port } = server.address();
  const url = `http://127.0.0.1:${port}`;
  const bedrock = await startBedrockServer({ state, requests, latencyMs, kit: { decide, countTokens, chunkText } });
  return {
    url,
    port,
    /** `baseURL` for `new OpenAI(...)` (and OPENAI_BASE_URL). */
    openaiBaseURL: `${url}/v1`,
    /** `baseURL` for `new Anthropic(...)` (and ANTHROPIC_BASE_URL). */
    anthropicBaseURL: url,
    /** `baseURL` for `new Groq(...)`, `serverURL` for `new Mistral(...)`, `host` for `new Ollama(...)`. */
    groqBaseURL: `${url}/groq`,
    mistralServerURL: `${url}/mistral`,
    ollamaHost: `${url}/ollama`,
    /** Every request received: { method, path, body, headers }. */
    requests,
    /** `endpoint` for `new BedrockRuntimeClient(...)` (an HTTP/2 server of its own; any region and fake credentials). */
    bedrockEndpoint: bedrock.url,
    close: () => Promise.all([bedrock.close(), new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); })]).then(() => undefined),
  };
}

/**
 * The provider settings for an example: the real API when OPENAI_API_KEY / ANTHROPIC_API_KEY is
 * set (and FAKE_PROVIDER is not "1"), else a fake provider started here. Also sets
 * OPENAI_BASE_URL / ANTHROPIC_BASE_URL and the keys in process.env, so SDK clients created with
 * no options (and LangChain models) find it.
 */
export async function useProvider() {
  const forceFake = process.env.FAKE_PROVIDER === "1";
  const realOpenAI = !forceFake && !!process.env.OPENAI_API_KEY && !process.env.OPENAI_BASE_URL?.startsWith("http://127.0.0.1");
  const realAnthropic = !forceFake && !!process.env.ANTHROPIC_API_KEY && !process.env.ANTHROPIC_BASE_URL?.startsWith("http://127.0.0.1");
  if (realOpenAI && realAnthropic) return { fake: undefined, close: async () => {} };
  const fake = await startFakeProvider();
  if (!realOpenAI) {
    process.env.OPENAI_API_KEY = "sk-fake-local";
    process.env.OPENAI_BASE_URL = fake.openaiBaseURL;
  }
  if (!realAnthropic) {
    process.env.ANTHROPIC_API_KEY = "sk-ant-fake-local";
    process.env.ANTHROPIC_BASE_URL = fake.anthropicBaseURL;
  }
  if (process.env.TRACIUM_EXAMPLE_QUIET !== "1") console.error(`[example] using a local fake provider at ${fake.url} (no provider key set, or FAKE_PROVIDER=1)`);
  return { fake, close: () => fake.close() };
}
