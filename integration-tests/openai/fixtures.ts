/** OpenAI API payloads shaped like the real API's, for nock and the scripted server. */

export const API = "https://api.openai.com";
export const MODEL = "gpt-4o-mini";
export const RESPONSE_MODEL = "gpt-4o-mini-2024-07-18";

/** prompt 20 (8 cached) / completion 7 (3 reasoning) → input 12, cached 8, output 7, reasoning 3. */
export const CHAT_USAGE = {
  prompt_tokens: 20,
  completion_tokens: 7,
  total_tokens: 27,
  prompt_tokens_details: { cached_tokens: 8, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 3, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};
export const CHAT_TOKENS = { inputTokens: 12, cachedInputTokens: 8, outputTokens: 7, reasoningTokens: 3 };

export const MESSAGES = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "Say hello" },
];

export function chatCompletion(content: string | null = "Hello there", extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1_700_000_000,
    model: RESPONSE_MODEL,
    system_fingerprint: "fp_1",
    choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: "stop" }],
    usage: CHAT_USAGE,
    ...extra,
  };
}

export const TOOLS = [
  { type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
  { type: "function", function: { name: "get_time", description: "Time", parameters: { type: "object", properties: { tz: { type: "string" } } } } },
];

export function toolCallCompletion(): Record<string, unknown> {
  return {
    ...chatCompletion(null),
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: null,
          refusal: null,
          tool_calls: [
            { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_b", type: "function", function: { name: "get_time", arguments: '{"tz":"UTC"}' } },
          ],
        },
        logprobs: null,
        finish_reason: "tool_calls",
      },
    ],
  };
}

export const EXPECTED_TOOL_CALLS = [
  { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
  { id: "call_b", type: "function", function: { name: "get_time", arguments: '{"tz":"UTC"}' } },
];

export function chunk(delta: Record<string, unknown>, finishReason: string | null = null, index = 0): Record<string, unknown> {
  return {
    id: "chatcmpl-s1",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: RESPONSE_MODEL,
    system_fingerprint: "fp_1",
    choices: [{ index, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** "Hello" in three content chunks, then the finish chunk. */
export function textChunks(parts: readonly string[] = ["Hel", "lo"]): Record<string, unknown>[] {
  return [chunk({ role: "assistant", content: "", refusal: null }), ...parts.map((p) => chunk({ content: p })), chunk({}, "stop")];
}

/** The chunk `stream_options.include_usage` adds at the end. */
export function usageChunk(): Record<string, unknown> {
  return { id: "chatcmpl-s1", object: "chat.completion.chunk", created: 1_700_000_000, model: RESPONSE_MODEL, system_fingerprint: "fp_1", choices: [], usage: CHAT_USAGE };
}

/** Two tool calls streamed interleaved, assembled by `index`. */
export function toolCallChunks(): Record<string, unknown>[] {
  return [
    chunk({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } }] }),
    chunk({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "get_time", arguments: "" } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chunk({ tool_calls: [{ index: 1, function: { arguments: '{"tz":"UTC"}' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
    chunk({}, "tool_calls"),
  ];
}

export const RESPONSES_MODEL = "gpt-4.1-2025-04-14";
export const RESPONSES_USAGE = {
  input_tokens: 30,
  input_tokens_details: { cached_tokens: 10 },
  output_tokens: 12,
  output_tokens_details: { reasoning_tokens: 4 },
  total_tokens: 42,
};
export const RESPONSES_TOKENS = { inputTokens: 20, cachedInputTokens: 10, outputTokens: 12, reasoningTokens: 4 };

export function responseObject(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "resp_1",
    object: "response",
    created_at: 1_700_000_000,
    status: "completed",
    error: null,
    incomplete_details: null,
    instructions: "Be brief.",
    model: RESPONSES_MODEL,
    output: [
      {
        type: "message",
        id: "msg_1",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Hi from responses", annotations: [] }],
      },
      { type: "function_call", id: "fc_1", call_id: "call_r1", name: "lookup", arguments: '{"q":"x"}', status: "completed" },
    ],
    parallel_tool_calls: true,
    temperature: 0.2,
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    usage: RESPONSES_USAGE,
    ...extra,
  };
}

export const RESPONSES_TOOL_CALLS = [{ id: "call_r1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }];

/** The Responses API event stream for `responseObject()`. */
export function responseEvents(): { type: string }[] {
  const final = responseObject();
  const base = { ...final, status: "in_progress", output: [], usage: null };
  const message = (final.output as unknown[])[0];
  const call = (final.output as unknown[])[1];
  return [
    { type: "response.created", sequence_number: 0, response: base },
    { type: "response.in_progress", sequence_number: 1, response: base },
    { type: "response.output_item.added", sequence_number: 2, output_index: 0, item: { type: "message", id: "msg_1", status: "in_progress", role: "assistant", content: [] } },
    { type: "response.content_part.added", sequence_number: 2, item_id: "msg_1", output_index: 0, content_index: 0, part: { type: "output_text", text: "", annotations: [] } },
    { type: "response.output_text.delta", sequence_number: 3, item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hi from " },
    { type: "response.output_text.delta", sequence_number: 4, item_id: "msg_1", output_index: 0, content_index: 0, delta: "responses" },
    { type: "response.output_text.done", sequence_number: 5, item_id: "msg_1", output_index: 0, content_index: 0, text: "Hi from responses" },
    { type: "response.content_part.done", sequence_number: 5, item_id: "msg_1", output_index: 0, content_index: 0, part: { type: "output_text", text: "Hi from responses", annotations: [] } },
    { type: "response.output_item.done", sequence_number: 6, output_index: 0, item: message },
    { type: "response.output_item.added", sequence_number: 7, output_index: 1, item: { ...(call as object), arguments: "", status: "in_progress" } },
    { type: "response.function_call_arguments.delta", sequence_number: 7, item_id: "fc_1", output_index: 1, delta: '{"q":"x"}' },
    { type: "response.output_item.done", sequence_number: 7, output_index: 1, item: call },
    { type: "response.completed", sequence_number: 8, response: final },
  ] as { type: string }[];
}

export function embeddingsResponse(): Record<string, unknown> {
  return {
    object: "list",
    data: [
      { object: "embedding", index: 0, embedding: [0.1, 0.2, 0.3] },
      { object: "embedding", index: 1, embedding: [0.4, 0.5, 0.6] },
    ],
    model: "text-embedding-3-small",
    usage: { prompt_tokens: 5, total_tokens: 5 },
  };
}

export function completionResponse(): Record<string, unknown> {
  return {
    id: "cmpl-1",
    object: "text_completion",
    created: 1_700_000_000,
    model: "gpt-3.5-turbo-instruct",
    choices: [{ text: " world", index: 0, logprobs: null, finish_reason: "length" }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  };
}

export const API_ERROR_400 = { error: { message: "Invalid 'messages'", type: "invalid_request_error", param: "messages", code: null } };
export const API_ERROR_500 = { error: { message: "The server had an error", type: "server_error", param: null, code: null } };
