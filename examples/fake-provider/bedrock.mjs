// The Bedrock part of the fake provider: the Bedrock Runtime routes the real
// `@aws-sdk/client-bedrock-runtime` calls, `POST /model/{modelId}/converse`, `/converse-stream`,
// `/invoke`, `/invoke-with-response-stream` and `/count-tokens`. The SDK's default request handler
// speaks HTTP/2 (since 2025), so they are served on an HTTP/2 (cleartext) port of their own; older
// releases (HTTP/1.1) use the main port (`provider.url`). Point the SDK at it with
// `new BedrockRuntimeClient({ endpoint: provider.bedrockEndpoint, region: "us-east-1", credentials: { accessKeyId: "fake", secretAccessKey: "fake" } })`.
//
// Streams use the AWS event stream binary framing (`application/vnd.amazon.eventstream`), encoded
// here. Answers follow the shared rules of the fake (`kit.decide`). InvokeModel speaks the
// Anthropic messages body (`anthropic.*` model ids) and the Amazon Nova body (anything else).
import { createServer } from "node:http2";

// ---------------------------------------------------------------- event stream framing

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One event stream message: string headers, JSON payload, prelude and message CRCs. */
export function eventMessage(headers, payload) {
  const headerBufs = Object.entries(headers).map(([name, value]) => {
    const n = Buffer.from(name);
    const v = Buffer.from(value);
    const b = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
    b.writeUInt8(n.length, 0);
    n.copy(b, 1);
    b.writeUInt8(7, 1 + n.length); // string
    b.writeUInt16BE(v.length, 2 + n.length);
    v.copy(b, 4 + n.length);
    return b;
  });
  const headerBytes = Buffer.concat(headerBufs);
  const body = Buffer.from(JSON.stringify(payload));
  const total = 12 + headerBytes.length + body.length + 4;
  const prelude = Buffer.alloc(8);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headerBytes.length, 4);
  const preludeCrc = Buffer.alloc(4);
  preludeCrc.writeUInt32BE(crc32(prelude), 0);
  const withoutCrc = Buffer.concat([prelude, preludeCrc, headerBytes, body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(withoutCrc), 0);
  return Buffer.concat([withoutCrc, crc]);
}

const event = (type, payload) => eventMessage({ ":event-type": type, ":content-type": "application/json", ":message-type": "event" }, payload);

// ---------------------------------------------------------------- answers

function textOfBlocks(content) {
  return (Array.isArray(content) ? content : []).map((b) => (typeof b?.text === "string" ? b.text : "")).filter(Boolean).join(" ");
}

/** The conversation of a Converse body (or an InvokeModel body of the Anthropic / Nova shape). */
function conversation(body) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const tools = [];
  for (const t of body.toolConfig?.tools ?? body.tools ?? []) {
    if (t?.toolSpec) tools.push({ name: t.toolSpec.name, description: t.toolSpec.description, schema: t.toolSpec.inputSchema?.json });
    else if (t?.name) tools.push({ name: t.name, description: t.description, schema: t.input_schema });
  }
  const toolResults = [];
  let lastUser = "";
  for (const m of messages) {
    const content = typeof m?.content === "string" ? [{ text: m.content }] : m?.content;
    for (const b of Array.isArray(content) ? content : []) {
      if (b?.toolResult) toolResults.push(JSON.stringify(b.toolResult.content ?? []));
      if (b?.type === "tool_result") toolResults.push(typeof b.content === "string" ? b.content : JSON.stringify(b.content ?? []));
    }
    const text = textOfBlocks(content);
    if (m?.role === "user" && text) lastUser = text;
  }
  const system = typeof body.system === "string" ? body.system : textOfBlocks(body.system);
  return { messages, tools, toolResults, lastUser, system, promptText: messages.map((m) => (typeof m?.content === "string" ? m.content : textOfBlocks(m?.content))).join(" ") + " " + system };
}

function converseUsage(conv, text, kit) {
  const input = kit.countTokens(conv.promptText) + 20 * conv.tools.length;
  const cacheRead = conv.system.length > 200 ? 48 : 0;
  const output = text ? kit.countTokens(text) : 15;
  return { inputTokens: input, outputTokens: output, totalTokens: input + output + cacheRead, cacheReadInputTokens: cacheRead, cacheWriteInputTokens: 0 };
}

function converse(modelId, body, stream, state, kit) {
  const conv = conversation(body);
  const reply = kit.decide({ model: modelId, tools: conv.tools, lastUser: conv.lastUser, toolResults: conv.toolResults, system: conv.system });
  const usage = converseUsage(conv, reply.text, kit);
  const toolUseId = `tooluse_fake${++state.seq}`;
  const stopReason = reply.toolCall ? "tool_use" : "end_turn";
  if (!stream) {
    const content = reply.toolCall ? [{ toolUse: { toolUseId, name: reply.toolCall.name, input: reply.toolCall.arguments } }] : [{ text: reply.text }];
    return { json: { output: { message: { role: "assistant", content } }, stopReason, usage, metrics: { latencyMs: 42 } } };
  }
  const events = [event("messageStart", { role: "assistant" })];
  if (reply.toolCall) {
    events.push(event("contentBlockStart", { contentBlockIndex: 0, start: { toolUse: { toolUseId, name: reply.toolCall.name } } }));
    events.push(event("contentBlockDelta", { contentBlockIndex: 0, delta: { toolUse: { input: JSON.stringify(reply.toolCall.arguments) } } }));
  } else {
    for (const piece of kit.chunkText(reply.text)) events.push(event("contentBlockDelta", { contentBlockIndex: 0, delta: { text: piece } }));
  }
  events.push(event("contentBlockStop", { contentBlockIndex: 0 }));
  events.push(event("messageStop", { stopReason }));
  events.push(event("metadata", { usage, metrics: { latencyMs: 42 } }));
  return { events };
}

/** InvokeModel: the Anthropic messages body for `anthropic.*` models, the Amazon Nova body otherwise. */
function invoke(modelId, body, stream, state, kit) {
  const conv = conversation(body);
  const reply = kit.decide({ model: modelId, tools: conv.tools, lastUser: conv.lastUser, toolResults: conv.toolResults, system: conv.system });
  const usage = converseUsage(conv, reply.text, kit);
  const metrics = { inputTokenCount: usage.inputTokens, outputTokenCount: usage.outputTokens, invocationLatency: 42, firstByteLatency: 10 };
  const anthropic = /(^|\.)anthropic\./.test(modelId);
  if (anthropic) {
    const id = `msg_bdrk_fake${++state.seq}`;
    const content = reply.toolCall ? [{ type: "tool_use", id: `toolu_bdrk_fake${state.seq}`, name: reply.toolCall.name, input: reply.toolCall.arguments }] : [{ type: "text", text: reply.text }];
    const stopReason = reply.toolCall ? "tool_use" : "end_turn";
    const u = { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, cache_read_input_tokens: usage.cacheReadInputTokens, cache_creation_input_tokens: 0 };
    if (!stream) return { json: { id, type: "message", role: "assistant", model: modelId, content, stop_reason: stopReason, stop_sequence: null, usage: u } };
    const chunk = (obj) => event("chunk", { bytes: Buffer.from(JSON.stringify(obj)).toString("base64") });
    const events = [chunk({ type: "message_start", message: { id, type: "message", role: "assistant", model: modelId, content: [], stop_reason: null, usage: { ...u, output_tokens: 1 } } })];
    if (reply.text) {
      events.push(chunk({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }));
      for (const piece of kit.chunkText(reply.text)) events.push(chunk({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: piece } }));
    } else {
      events.push(chunk({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: content[0].id, name: content[0].name, input: {} } }));
      events.push(chunk({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: JSON.stringify(content[0].input) } }));
    }
    events.push(chunk({ type: "content_block_stop", index: 0 }));
    events.push(chunk({ type: "message_delta", delta: { stop_reason: stopReason }, usage: { output_tokens: usage.outputTokens } }));
    events.push(chunk({ type: "message_stop", "amazon-bedrock-invocationMetrics": metrics }));
    return { events };
  }
  const text = reply.text ?? JSON.stringify(reply.toolCall);
  const novaUsage = { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.inputTokens + usage.outputTokens, cacheReadInputTokenCount: usage.cacheReadInputTokens, cacheWriteInputTokenCount: 0 };
  if (!stream) return { json: { output: { message: { role: "assistant", content: [{ text }] } }, stopReason: "end_turn", usage: novaUsage } };
  const chunk = (obj) => event("chunk", { bytes: Buffer.from(JSON.stringify(obj)).toString("base64") });
  const events = [chunk({ messageStart: { role: "assistant" } })];
  for (const piece of kit.chunkText(text)) events.push(chunk({ contentBlockDelta: { delta: { text: piece }, contentBlockIndex: 0 } }));
  events.push(chunk({ contentBlockStop: { contentBlockIndex: 0 } }));
  events.push(chunk({ messageStop: { stopReason: "end_turn" } }));
  events.push(chunk({ metadata: { usage: novaUsage }, "amazon-bedrock-invocationMetrics": metrics }));
  return { events };
}

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream|count-tokens)$/;

/** The answer to one request: `{ status, headers, json }`, or `{ events }` (an event stream). */
function answer(method, path, body, state, kit) {
  const m = method === "POST" ? ROUTE.exec(path) : null;
  if (!m) return { status: 404, headers: { "x-amzn-errortype": "UnknownOperationException" }, json: { message: `no fake for ${method} ${path}` } };
  const modelId = decodeURIComponent(m[1]);
  const action = m[2];
  if (modelId.includes("error")) return { status: 400, headers: { "x-amzn-errortype": "ValidationException" }, json: { message: `The provided model identifier is invalid: ${modelId}` } };
  if (action === "count-tokens") {
    const inner = body.input?.converse ?? (body.input?.invokeModel?.body ? JSON.parse(Buffer.from(body.input.invokeModel.body, "base64").toString("utf8")) : {});
    return { status: 200, json: { inputTokens: kit.countTokens(conversation(inner).promptText) } };
  }
  const streaming = action === "converse-stream" || action === "invoke-with-response-stream";
  const out = action.startsWith("converse") ? converse(modelId, body, streaming, state, kit) : invoke(modelId, body, streaming, state, kit);
  if (out.events) return out;
  const u = out.json.usage ?? {};
  const headers = action === "invoke" ? { "x-amzn-bedrock-input-token-count": String(u.input_tokens ?? u.inputTokens ?? 0), "x-amzn-bedrock-output-token-count": String(u.output_tokens ?? u.outputTokens ?? 0) } : {};
  return { status: 200, headers, json: out.json };
}

function parse(chunks) {
  try {
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
  } catch {
    return {};
  }
}

/** Writes an answer through `respond(status, headers)`, `write(buf)`, `end(buf?)`, `closed()`. */
function reply(result, io) {
  if (io.closed()) return;
  if (!result.events) {
    io.respond(result.status, { "content-type": "application/json", ...result.headers });
    io.end(JSON.stringify(result.json));
    return;
  }
  io.respond(200, { "content-type": "application/vnd.amazon.eventstream" });
  let i = 0;
  const next = () => {
    if (io.closed()) return;
    if (i >= result.events.length) return io.end();
    io.write(result.events[i++]);
    setTimeout(next, 2);
  };
  next();
}

/**
 * Answers a Bedrock request that reached the fake provider's main (HTTP/1.1) server, as older SDK
 * releases and HTTP/1.1 handlers send them; returns false when `path` is not a Bedrock route.
 * @param {{ method: string, path: string, body: any, res: import("node:http").ServerResponse, state: { seq: number }, kit: Record<string, Function> }} call
 */
export function bedrockRoute({ method, path, body, res, state, kit }) {
  if (!ROUTE.test(path)) return false;
  reply(answer(method, path, body, state, kit), {
    closed: () => res.destroyed,
    respond: (status, h) => res.writeHead(status, h),
    write: (b) => res.write(b),
    end: (b) => res.end(b),
  });
  return true;
}

/**
 * Starts the Bedrock Runtime fake's HTTP/2 (cleartext) server on 127.0.0.1: the SDK's default
 * request handler speaks HTTP/2 since 2025.
 * @param {{ state: { seq: number }, requests: any[], latencyMs: number, kit: Record<string, Function> }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startBedrockServer({ state, requests, latencyMs, kit }) {
  const server = createServer();
  server.on("stream", (stream, headers) => {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("error", () => {});
    stream.on("end", () => {
      const method = headers[":method"];
      const path = String(headers[":path"] ?? "").split("?")[0];
      const body = parse(chunks);
      requests.push({ method, path, body, headers });
      setTimeout(() => {
        let result;
        try {
          result = answer(method, path, body, state, kit);
        } catch (err) {
          result = { status: 500, headers: { "x-amzn-errortype": "InternalServerException" }, json: { message: String(err?.message ?? err) } };
        }
        reply(result, {
          closed: () => stream.closed,
          respond: (status, h) => stream.respond({ ":status": status, ...h }),
          write: (b) => stream.write(b),
          end: (b) => stream.end(b),
        });
      }, latencyMs);
    });
  });
  const sessions = new Set();
  server.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  // Raw sockets too: a connection that never became an HTTP/2 session would keep close() waiting.
  const sockets = new Set();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sessions) s.destroy();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
