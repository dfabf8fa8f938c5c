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
