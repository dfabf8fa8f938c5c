/** Groq API bodies (OpenAI-shaped; streamed usage in `x_groq.usage` on the last chunk). */
export const MODEL = "llama-3.3-70b-versatile";
export const MESSAGES = [{ role: "user" as const, content: "Weather in Paris?" }];
export const TOOLS = [
  { type: "function" as const, function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
];
export const USAGE = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 4 }, queue_time: 0.01, prompt_time: 0.002, completion_time: 0.01, total_time: 0.022 };

export function chatCompletion(content = "Sunny, 21°C."): Record<string, unknown> {
  return {
    id: "chatcmpl-groq-1",
    object: "chat.completion",
    created: 1_700_000_000,
    model: MODEL,
    choices: [{ index: 0, message: { role: "assistant", content }, logprobs: null, finish_reason: "stop" }],
    usage: USAGE,
    system_fingerprint: "fp_groq",
    x_groq: { id: "req_groq_1" },
  };
}

export function toolCallCompletion(): Record<string, unknown> {
  return {
    ...chatCompletion(),
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: null, tool_calls: [{ id: "call_g1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
        logprobs: null,
        finish_reason: "tool_calls",
      },
    ],
  };
}

const head = { id: "chatcmpl-groq-2", object: "chat.completion.chunk", created: 1_700_000_000, model: MODEL, system_fingerprint: "fp_groq" };

export function textChunks(): Record<string, unknown>[] {
  return [
    { ...head, x_groq: { id: "req_groq_2" }, choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: { content: "Sunny" }, logprobs: null, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: { content: ", 21°C." }, logprobs: null, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }], x_groq: { id: "req_groq_2", usage: USAGE } },
  ];
}

export function toolCallChunks(): Record<string, unknown>[] {
  return [
    { ...head, choices: [{ index: 0, delta: { role: "assistant", content: null }, logprobs: null, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "call_g2", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] }, logprobs: null, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "tool_calls" }], x_groq: { id: "req_groq_2", usage: USAGE } },
  ];
}

export function embeddingsResponse(): Record<string, unknown> {
  return { object: "list", data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2, 0.3] }], model: "nomic-embed-text-v1_5", usage: { prompt_tokens: 3, total_tokens: 3 } };
}

export const ERROR_400 = { error: { message: "model not found", type: "invalid_request_error", code: "model_not_found" } };
