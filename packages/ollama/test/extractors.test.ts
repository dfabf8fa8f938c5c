import { describe, expect, it } from "vitest";
import { recordResponse, responseMetadata, responseOutput, tokenUsage } from "../src/response.js";
import { StreamAccumulator, isTokenPart } from "../src/stream.js";
import { requestParams } from "../src/request.js";
import { hostileValues } from "../../../integration-tests/helpers/hostile.js";

describe("ollama extractors", () => {
  it("prompt_eval_count / eval_count are the input and output tokens", () => {
    expect(tokenUsage({ prompt_eval_count: 26, eval_count: 9 })).toEqual({ inputTokens: 26, outputTokens: 9 });
    expect(tokenUsage({ prompt_eval_count: "26" })).toBeUndefined();
  });

  it("stream: chat text and tool calls collected; the last part's counts kept", () => {
    const acc = new StreamAccumulator("chat", true);
    for (const p of [undefined, { message: { content: "Hel" } }, { message: { content: "lo", tool_calls: [{ function: { name: "f", arguments: { a: 1 } } }] } }, { message: { content: "" }, done: true, eval_count: 2 }]) acc.add(p);
    expect(acc.parts).toBe(3);
    expect(acc.response()).toMatchObject({ done: true, eval_count: 2, message: { content: "Hello", tool_calls: [{ function: { name: "f", arguments: { a: 1 } } }] } });
    expect(isTokenPart({ message: { content: "" } }, "chat")).toBe(false);
    expect(isTokenPart({ response: "x" }, "generate")).toBe(true);
  });

  it("model options are flattened into request_params; stop only with content capture; a JSON schema format is named, not copied", () => {
    const req = { model: "m", options: { temperature: 0.2, stop: ["x"] }, format: { type: "object" }, keep_alive: "5m" };
    expect(requestParams(req, true)).toEqual({ temperature: 0.2, stop: ["x"], format: "json_schema", keep_alive: "5m" });
    expect(requestParams(req, false)).toEqual({ temperature: 0.2, format: "json_schema", keep_alive: "5m" });
  });

  it("a response of an unexpected shape records nothing and does not throw", () => {
    const calls: string[] = [];
    const span = new Proxy({}, { get: (_t, k) => () => calls.push(String(k)) }) as never;
    recordResponse(span, "nope", "chat");
    recordResponse(span, { message: 5, eval_count: -1 }, "chat");
    expect(calls).toEqual([]);
  });

  it("reads plain data only: no getter or Proxy trap of a request or response runs, and what is plain is still read", () => {
    const { hostile, withGetter, runs } = hostileValues();
    const response = withGetter({ model: "m", message: { role: "assistant", content: "ok" }, done: true, prompt_eval_count: 2, eval_count: 1 }, "system_fingerprint");
    const request = withGetter({ model: "m", options: { temperature: 0.5 } }, "tools");
    const out = { output: responseOutput(response, "chat"), usage: tokenUsage(response), params: requestParams(request, true), meta: responseMetadata(response) };
    expect(out.output).toBe("ok");
    expect(out.usage).toEqual({ inputTokens: 2, outputTokens: 1 });
    expect(out.params).toMatchObject({ temperature: 0.5 });
    expect(JSON.stringify(out.meta)).not.toContain("trap");
    // A Proxy anywhere in the value is not entered.
    tokenUsage(hostile());
    responseMetadata({ choices: hostile(), message: hostile() });
    requestParams(hostile(), true);
    expect(runs()).toBe(0);
  });
});
