/**
 * The promise a traced `messages.create` returns is the very object the SDK returned (here the
 * one `client.post()` made), for a JSON reply and a stream, and an error is the very object the
 * SDK's `create` rejected with, on @anthropic-ai/sdk 1.x and 0.137.
 */
import { describe, expect, it } from "vitest";
import { agentTrace } from "@tracium/core";
import { errorThroughPatch } from "../helpers/contract.js";
import { API_KEY, MODEL, VERSIONS, client, message, replyJson, replyStream, sseBody, streamEvents, type SdkVersion } from "./fixtures.js";
import { onlyLlmSpan, useTracium } from "./harness.js";

useTracium();

const USER = [{ role: "user" as const, content: "Hi" }];

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A client that records the promise each `post()` returned. */
function recordingClient(v: SdkVersion): any {
  const Base = v.Anthropic as unknown as new (options: Record<string, unknown>) => any;
  class RecordingClient extends Base {
    readonly posted: unknown[] = [];
    override post(path: string, options?: unknown): unknown {
      const response = super.post(path, options);
      this.posted.push(response);
      return response;
    }
  }
  return new RecordingClient({ apiKey: API_KEY, maxRetries: 0 });
}

describe.each(VERSIONS)("$label", (v) => {
  it("messages.create returns the very promise client.post() made; the span still records the reply", async () => {
    replyJson(v, message({ text: "Hello" }));
    const anthropic = recordingClient(v);
    const result = await agentTrace({ agentName: "identity" }, async () => {
      const promise = anthropic.messages.create({ model: MODEL, max_tokens: 10, messages: USER });
      expect(anthropic.posted).toHaveLength(1);
      expect(promise === anthropic.posted[0]).toBe(true);
      const { data, response } = await promise.withResponse();
      expect(response.status).toBe(200);
      expect(await promise).toBe(data);
      return data;
    });
    expect(result.content[0].text).toBe("Hello");
    expect(onlyLlmSpan()).toMatchObject({ status: "completed", output: "Hello", usage: { inputTokens: 12, outputTokens: 5 } });
  });

  it("messages.create with stream: true returns the very promise client.post() made, and its Stream", async () => {
    replyStream(v, sseBody(streamEvents({ text: ["Hel", "lo"] })));
    const anthropic = recordingClient(v);
    const types = await agentTrace({ agentName: "identity" }, async () => {
      const promise = anthropic.messages.create({ model: MODEL, max_tokens: 10, messages: USER, stream: true });
      expect(promise === anthropic.posted[0]).toBe(true);
      const seen: string[] = [];
      for await (const event of await promise) seen.push(event.type);
      return seen;
    });
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    expect(onlyLlmSpan()).toMatchObject({ status: "completed", output: "Hello" });
  });

  it("an API error reaches the caller as the very object the SDK's create rejected with", async () => {
    replyJson(v, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, { status: 529 });
    const { caught, produced } = await errorThroughPatch(v.Anthropic, v.Anthropic.Messages.prototype, "create", () =>
      client(v).messages.create({ model: MODEL, max_tokens: 10, messages: USER }),
    );
    expect(caught).toBeInstanceOf(v.Anthropic.APIError);
    expect(produced).toHaveLength(1);
    expect(caught).toBe(produced[0]);
    expect(onlyLlmSpan()).toMatchObject({ status: "failed", metadata: { http_status: 529 } });
  });
});
