/**
 * A local stand-in for the OpenAI API: answers `POST /v1/chat/completions` at once, as JSON or, for
 * `stream: true`, as server-sent events shaped like the API's (a role chunk, content chunks, a
 * finish chunk, the usage-only chunk when `stream_options.include_usage` is set, `[DONE]`).
 * Runs in the benchmark's own process, so its (constant) cost is part of every variant alike.
 */
import { createServer } from "node:http";

const MODEL = "gpt-4o-mini-2024-07-18";
const CONTENT = ["Hello", "!", " How", " can", " I", " help", " today", "?"];
const USAGE = { prompt_tokens: 24, completion_tokens: 8, total_tokens: 32, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };

const completion = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_700_000_000,
  model: MODEL,
  choices: [{ index: 0, message: { role: "assistant", content: CONTENT.join(""), refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: USAGE,
  system_fingerprint: "fp_bench",
});

const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1_700_000_000, model: MODEL, system_fingerprint: "fp_bench", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
const sseBody = [chunk({ role: "assistant", content: "" }), ...CONTENT.map((c) => chunk({ content: c })), chunk({}, "stop")].join("");
const usageChunk = `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1_700_000_000, model: MODEL, choices: [], usage: USAGE })}\n\n`;
const done = "data: [DONE]\n\n";

/** Starts the server on a free loopback port; resolves to `{ url, close, requests }`. */
export async function startOpenAIServer() {
  let requests = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      requests++;
      if (req.url !== "/v1/chat/completions") {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
        return;
      }
      if (body.includes('"stream":true')) {
        const usage = body.includes('"include_usage":true');
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        res.end(sseBody + (usage ? usageChunk : "") + done);
      } else {
        res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_bench" });
        res.end(completion);
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** The request every variant sends. */
export const chatRequest = {
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "Say hello." },
  ],
  temperature: 0.2,
  max_tokens: 64,
};

const prose = (n, seed) =>
  Array.from({ length: Math.ceil(n / 60) }, (_, i) => `Line ${seed}.${i}: the agent notes what it found and what to do next.`).join("\n").slice(0, n);

/**
 * The request a tool-using agent sends at turn `turns + 1`: a 4 KB system prompt, then per turn a
 * user message, the model's tool call and the tool's result (JSON search results, ~2.3 KB, or
 * 2 KB of prose). Every call of a long-running agent resends all of it; the same message objects
 * and strings each time, as an agent that appends to its `messages` array sends them.
 */
export function agentConversationRequest(turns, { jsonTools = true } = {}) {
  const messages = [{ role: "system", content: prose(4096, 0) }];
  for (let i = 0; i < turns; i++) {
    messages.push(
      { role: "user", content: prose(300, i) },
      { role: "assistant", content: null, tool_calls: [{ id: `call_${i}`, type: "function", function: { name: "search", arguments: JSON.stringify({ query: `q${i}` }) } }] },
      {
        role: "tool",
        tool_call_id: `call_${i}`,
        content: jsonTools
          ? JSON.stringify({ results: Array.from({ length: 12 }, (_, k) => ({ id: `doc-${i}-${k}`, title: `Result ${k} for q${i}`, snippet: prose(120, k), score: 0.5 + k / 100 })) })
          : prose(2048, i),
      },
    );
  }
  return { ...chatRequest, messages };
}
