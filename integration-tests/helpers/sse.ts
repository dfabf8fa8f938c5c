/** Server-sent-event bodies for provider mocks. */

/** An SSE event with an explicit `event:` name. */
export interface NamedEvent {
  event: string;
  data: unknown;
}

function frame(item: unknown, named: boolean): string {
  if (named) {
    const e = item as NamedEvent;
    return `event: ${e.event}\ndata: ${typeof e.data === "string" ? e.data : JSON.stringify(e.data)}\n\n`;
  }
  return `data: ${typeof item === "string" ? item : JSON.stringify(item)}\n\n`;
}

/**
 * The SSE body for `items`: `data: <json>` frames (or `event:`/`data:` frames when `named`),
 * followed by `data: [DONE]` unless `done` is false. A string item is sent as raw data.
 */
export function sseBody(items: readonly unknown[], options: { done?: boolean; named?: boolean } = {}): string {
  const named = options.named === true;
  let out = items.map((item) => frame(item, named)).join("");
  if (options.done !== false) out += "data: [DONE]\n\n";
  return out;
}

/** Named SSE frames where the event name is the payload's `type` (OpenAI Responses API, Anthropic). */
export function typedEvents(payloads: readonly { type: string }[]): NamedEvent[] {
  return payloads.map((p) => ({ event: p.type, data: p }));
}

export const SSE_HEADERS = { "content-type": "text/event-stream" } as const;
