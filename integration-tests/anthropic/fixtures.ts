/**
 * Anthropic Messages API fixtures: response bodies and SSE streams shaped like the real API's,
 * plus nock helpers that authenticate the way each SDK major does.
 */
import nock from "nock";
import { createRequire } from "node:module";
import AnthropicV0 from "anthropic-v0";
import AnthropicV1 from "anthropic-v1";

export const MODEL = "claude-haiku-4-5";
export const RESPONSE_MODEL = "claude-haiku-4-5-20251001";
export const API = "https://api.anthropic.com";
export const API_KEY = "sk-ant-test-key";

const require = createRequire(import.meta.url);

/** The SDK majors tested side by side. `auth` is the header each sends the key in. */
export interface SdkVersion {
  label: string;
  /** The ESM build's client class (what `import Anthropic from` gives). */
  Anthropic: typeof AnthropicV1;
  /** The CJS build's exports (`require()`), a different class object. */
  cjs: () => { default: typeof AnthropicV1; Anthropic: typeof AnthropicV1 };
  /** The module namespace of the ESM build. */
  namespace: () => Promise<Record<string, unknown>>;
  auth: { header: string; value: string };
  /** Error class a 529 surfaces as. */
  overloadedErrorName: string;
  /** Path `beta.messages.create` posts to (0.x adds `?beta=true`; 1.x uses the `anthropic-beta` header only). */
  betaPath: string;
  /** The SDK's `betaTool` helper (for `beta.messages.toolRunner()`). */
  betaTool: () => Promise<typeof import("anthropic-v1/helpers/beta/json-schema")["betaTool"]>;
}

export const VERSIONS: SdkVersion[] = [
  {
    label: "@anthropic-ai/sdk 1.x",
    Anthropic: AnthropicV1,
    cjs: () => require("anthropic-v1"),
    namespace: () => import("anthropic-v1"),
    auth: { header: "authorization", value: `Bearer ${API_KEY}` },
    overloadedErrorName: "OverloadedError",
    betaPath: "/v1/messages",
    betaTool: async () => (await import("anthropic-v1/helpers/beta/json-schema")).betaTool,
  },
  {
    label: "@anthropic-ai/sdk 0.137",
    Anthropic: AnthropicV0 as unknown as typeof AnthropicV1,
    cjs: () => require("anthropic-v0"),
    namespace: () => import("anthropic-v0"),
    auth: { header: "x-api-key", value: API_KEY },
    overloadedErrorName: "InternalServerError",
    betaPath: "/v1/messages?beta=true",
    betaTool: async () => (await import("anthropic-v0/helpers/beta/json-schema")).betaTool as never,
  },
];

export function client(v: SdkVersion, options: Record<string, unknown> = {}): InstanceType<typeof AnthropicV1> {
  return new v.Anthropic({ apiKey: API_KEY, maxRetries: 0, ...options });
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

export function message(opts: {
  id?: string;
  text?: string | string[];
  toolUse?: { id: string; name: string; input: unknown }[];
  stopReason?: string;
  usage?: Usage;
  model?: string;
}): Record<string, unknown> {
  const texts = opts.text === undefined ? [] : Array.isArray(opts.text) ? opts.text : [opts.text];
  return {
    id: opts.id ?? "msg_01",
    type: "message",
    role: "assistant",
    model: opts.model ?? RESPONSE_MODEL,
    content: [
      ...texts.map((text) => ({ type: "text", text })),
      ...(opts.toolUse ?? []).map((t) => ({ type: "tool_use", id: t.id, name: t.name, input: t.input })),
    ],
    stop_reason: opts.stopReason ?? (opts.toolUse?.length ? "tool_use" : "end_turn"),
    stop_sequence: null,
    usage: opts.usage ?? { input_tokens: 12, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

/** One SSE frame. */
export function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The events of a streamed reply, as the API sends them (text deltas, tool input JSON deltas, usage). */
export function streamEvents(opts: {
  id?: string;
  text?: string[];
  toolUse?: { id: string; name: string; jsonParts: string[] };
  startUsage?: Record<string, unknown>;
  deltaUsage?: Record<string, unknown>;
  stopReason?: string;
  model?: string;
}): { event: string; data: unknown }[] {
  const events: { event: string; data: unknown }[] = [];
  events.push({
    event: "message_start",
    data: {
      type: "message_start",
      message: {
        id: opts.id ?? "msg_stream_01",
        type: "message",
        role: "assistant",
        model: opts.model ?? RESPONSE_MODEL,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: opts.startUsage ?? { input_tokens: 25, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    },
  });
  let index = 0;
  if (opts.text) {
    events.push({ event: "content_block_start", data: { type: "content_block_start", index, content_block: { type: "text", text: "" } } });
    events.push({ event: "ping", data: { type: "ping" } });
    for (const t of opts.text) {
      events.push({ event: "content_block_delta", data: { type: "content_block_delta", index, delta: { type: "text_delta", text: t } } });
    }
    events.push({ event: "content_block_stop", data: { type: "content_block_stop", index } });
    index++;
  }
  if (opts.toolUse) {
    events.push({
      event: "content_block_start",
      data: { type: "content_block_start", index, content_block: { type: "tool_use", id: opts.toolUse.id, name: opts.toolUse.name, input: {} } },
    });
    for (const part of ["", ...opts.toolUse.jsonParts]) {
      events.push({ event: "content_block_delta", data: { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: part } } });
    }
    events.push({ event: "content_block_stop", data: { type: "content_block_stop", index } });
    index++;
  }
  events.push({
    event: "message_delta",
    data: {
      type: "message_delta",
      delta: { stop_reason: opts.stopReason ?? (opts.toolUse ? "tool_use" : "end_turn"), stop_sequence: null },
      usage: opts.deltaUsage ?? { output_tokens: 7 },
    },
  });
  events.push({ event: "message_stop", data: { type: "message_stop" } });
  return events;
}

export function sseBody(events: { event: string; data: unknown }[]): string {
  return events.map((e) => sse(e.event, e.data)).join("");
}

/** nock scope for `POST /v1/messages` (or the beta path) that checks the SDK's auth header. */
export function mockMessages(v: SdkVersion, opts: { beta?: boolean; body?: (b: Record<string, unknown>) => boolean } = {}): nock.Interceptor {
  const path = opts.beta ? v.betaPath : "/v1/messages";
  return nock(API)
    .matchHeader(v.auth.header, v.auth.value)
    .post(path, opts.body ?? (() => true));
}

export function replyJson(v: SdkVersion, body: unknown, opts: { beta?: boolean; status?: number } = {}): nock.Scope {
  return mockMessages(v, opts).reply(opts.status ?? 200, body as nock.Body, { "content-type": "application/json", "request-id": "req_123" });
}

export function replyStream(v: SdkVersion, body: string, opts: { beta?: boolean } = {}): nock.Scope {
  return mockMessages(v, opts).reply(200, body, { "content-type": "text/event-stream" });
}
