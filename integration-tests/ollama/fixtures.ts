/** Ollama API bodies: JSON for `stream: false`, NDJSON parts when streaming. */
export const MODEL = "llama3.2";
export const MESSAGES = [{ role: "user", content: "Weather in Paris?" }];
export const TOOLS = [
  { type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
];
const STATS = { total_duration: 250_000_000, load_duration: 20_000_000, prompt_eval_count: 26, prompt_eval_duration: 30_000_000, eval_count: 9, eval_duration: 180_000_000 };
const at = "2026-01-01T00:00:00.000Z";

export function chatResponse(content = "Sunny, 21°C."): Record<string, unknown> {
  return { model: MODEL, created_at: at, message: { role: "assistant", content }, done: true, done_reason: "stop", ...STATS };
}

export function toolCallResponse(): Record<string, unknown> {
  return { model: MODEL, created_at: at, message: { role: "assistant", content: "", tool_calls: [{ function: { name: "get_weather", arguments: { city: "Paris" } } }] }, done: true, done_reason: "stop", ...STATS };
}

export function chatParts(): Record<string, unknown>[] {
  return [
    { model: MODEL, created_at: at, message: { role: "assistant", content: "Sunny" }, done: false },
    { model: MODEL, created_at: at, message: { role: "assistant", content: ", 21°C." }, done: false },
    { model: MODEL, created_at: at, message: { role: "assistant", content: "" }, done: true, done_reason: "stop", ...STATS },
  ];
}

export function toolCallParts(): Record<string, unknown>[] {
  return [
    { model: MODEL, created_at: at, message: { role: "assistant", content: "", tool_calls: [{ function: { name: "get_weather", arguments: { city: "Paris" } } }] }, done: false },
    { model: MODEL, created_at: at, message: { role: "assistant", content: "" }, done: true, done_reason: "stop", ...STATS },
  ];
}

export function generateResponse(): Record<string, unknown> {
  return { model: MODEL, created_at: at, response: "Bonjour.", done: true, done_reason: "stop", context: [1, 2, 3], ...STATS };
}

export function generateParts(): Record<string, unknown>[] {
  return [
    { model: MODEL, created_at: at, response: "Bon", done: false },
    { model: MODEL, created_at: at, response: "jour.", done: false },
    { model: MODEL, created_at: at, response: "", done: true, done_reason: "stop", context: [1, 2, 3], ...STATS },
  ];
}

export function embedResponse(): Record<string, unknown> {
  return { model: "all-minilm", embeddings: [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], total_duration: 14_000_000, load_duration: 1_000_000, prompt_eval_count: 8 };
}

/** NDJSON body of `parts`. */
export function ndjson(parts: readonly unknown[]): string {
  return parts.map((p) => JSON.stringify(p)).join("\n") + "\n";
}
