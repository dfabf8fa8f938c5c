/**
 * Unit tests of the stream-usage decisions: when a streamed chat completion asked for usage, when
 * `include_usage` may be added to its serialised body, and the JSON text edit itself.
 */
import { describe, expect, it } from "vitest";
import { canInjectStreamUsage, streamUsageRequest, withIncludeUsage } from "../src/stream-usage.js";

describe("streamUsageRequest", () => {
  it("tells requested from not requested, for streamed chat completions only", () => {
    expect(streamUsageRequest({ stream: true, stream_options: { include_usage: true } }, "chat")).toBe("requested");
    expect(streamUsageRequest({ stream: true }, "chat")).toBe("not_requested");
    expect(streamUsageRequest({ stream: true, stream_options: { include_usage: false } }, "chat")).toBe("not_requested");
    expect(streamUsageRequest({ stream: true, stream_options: { include_obfuscation: false } }, "chat")).toBe("not_requested");
    expect(streamUsageRequest({ stream: false }, "chat")).toBeUndefined();
    expect(streamUsageRequest({ stream: true }, "responses")).toBeUndefined();
    expect(streamUsageRequest("nope", "chat")).toBeUndefined();
  });

  it("never runs a getter or a Proxy trap to find out", () => {
    let reads = 0;
    const getterStream = Object.defineProperty({}, "stream", { get: () => (reads++, true), enumerable: true });
    expect(streamUsageRequest(getterStream, "chat")).toBeUndefined();
    const getterOptions = Object.defineProperty({ stream: true }, "stream_options", { get: () => (reads++, { include_usage: true }), enumerable: true });
    expect(streamUsageRequest(getterOptions, "chat")).toBe("not_requested");
    const proxy = new Proxy({ stream: true }, { get: () => (reads++, true), getOwnPropertyDescriptor: () => (reads++, undefined) });
    expect(streamUsageRequest(proxy, "chat")).toBeUndefined();
    expect(reads).toBe(0);
  });
});

describe("canInjectStreamUsage", () => {
  it("only for a plain body with no stream_options of its own and no toJSON", () => {
    expect(canInjectStreamUsage({ stream: true })).toBe(true);
    expect(canInjectStreamUsage({ stream: true, stream_options: undefined })).toBe(true);
    expect(canInjectStreamUsage(Object.assign(Object.create(null), { stream: true }))).toBe(true);
    expect(canInjectStreamUsage({ stream: true, stream_options: { include_obfuscation: false } })).toBe(false);
    expect(canInjectStreamUsage({ stream: true, stream_options: null })).toBe(false);
    expect(canInjectStreamUsage({ stream: true, toJSON: () => ({}) })).toBe(false);
    expect(canInjectStreamUsage(new Proxy({ stream: true }, {}))).toBe(false);
    expect(canInjectStreamUsage(new (class Body { stream = true })())).toBe(false);
    expect(canInjectStreamUsage(Object.defineProperty({ stream: true }, "stream_options", { get: () => undefined }))).toBe(false);
  });
});

describe("withIncludeUsage", () => {
  const parse = (text: string | undefined): unknown => JSON.parse(text!);

  it("adds the member first, keeping every other byte of a compact or indented object text", () => {
    const compact = JSON.stringify({ model: "m", stream: true });
    expect(withIncludeUsage(compact)).toBe(`{"stream_options":{"include_usage":true},${compact.slice(1)}`);
    const indented = JSON.stringify({ model: "m", stream: true }, null, 2);
    expect(parse(withIncludeUsage(indented))).toEqual({ stream_options: { include_usage: true }, model: "m", stream: true });
    expect(withIncludeUsage(indented)!.endsWith(indented.slice(1))).toBe(true);
    expect(parse(withIncludeUsage("{}"))).toEqual({ stream_options: { include_usage: true } });
    expect(parse(withIncludeUsage(" { } "))).toEqual({ stream_options: { include_usage: true } });
  });

  it("leaves non-object texts and an already edited text alone", () => {
    expect(withIncludeUsage("[1]")).toBeUndefined();
    expect(withIncludeUsage('"x"')).toBeUndefined();
    expect(withIncludeUsage("")).toBeUndefined();
    const once = withIncludeUsage('{"a":1}')!;
    expect(withIncludeUsage(once)).toBeUndefined();
  });
});
