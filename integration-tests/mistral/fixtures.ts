/** Mistral API bodies (snake_case on the wire; the SDK validates and camelCases them). */
export const MODEL = "mistral-small-latest";
export const MESSAGES = [{ role: "user" as const, content: "Weather in Paris?" }];
export const TOOLS = [
  { type: "function" as const, function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
];
export const USAGE = { prompt_tokens: 14, completion_tokens: 6, total_tokens: 20, prompt_tokens_details: { cached_tokens: 4 } };

export function chatCompletion(content = "Sunny, 21°C."): Record<string, unknown> {
  return {
    id: "cmpl-mistral-1",
    object: "chat.completion",
    created: 1_700_000_000,
    model: MODEL,
    usage: USAGE,
    choices: [{ index: 0, message: { role: "assistant", content, tool_calls: null }, finish_reason: "stop" }],
  };
}

export function toolCallCompletion(): Record<string, unknown> {
  return {
    ...chatCompletion(),
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "", tool_calls: [{ id: "abc123XYZ", type: "function", function: { name: "get_weather", arguments: '{"city": "Paris"}' }, index: 0 }] },
        finish_reason: "tool_calls",
      },
    ],
  };
}

const head = { id: "cmpl-mistral-2", object: "chat.completion.chunk", created: 1_700_000_000, model: MODEL };

export function textChunks(): Record<string, unknown>[] {
  return [
    { ...head, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: { content: "Sunny" }, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: { content: ", 21°C." }, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: { content: "" }, finish_reason: "stop" }], usage: USAGE },
  ];
}

export function toolCallChunks(): Record<string, unknown>[] {
  return [
    { ...head, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: { tool_calls: [{ id: "tc9XYZabc", type: "function", function: { name: "get_weather", arguments: '{"city": "Paris"}' }, index: 0 }] }, finish_reason: "tool_calls" }], usage: USAGE },
  ];
}

export function embeddingsResponse(): Record<string, unknown> {
  return { id: "emb-1", object: "list", model: "mistral-embed", usage: { prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 }, data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2, 0.3, 0.4] }] };
}

export const ERROR_400 = { object: "error", message: "Invalid model: nope", type: "invalid_model", param: null, code: "1500" };
