/**
 * What gets patched and how: module namespace / class / instance, the ESM and CJS builds of the
 * SDK (two different class objects), idempotence, uninstrument, suppression.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { anthropicPlugin, instrumentAnthropic, PATCHED_METHODS, uninstrumentAnthropic } from "@tracium/anthropic";
import { agentTrace, instrument, isWrapped, suppressProviderSpans, uninstrument } from "@tracium/core";
import OpenAI from "openai";
import { MODEL, VERSIONS, client, message, replyJson, replyStream, sseBody, streamEvents } from "./fixtures.js";
import { llmSpans, onlyLlmSpan, useTracium } from "./harness.js";

useTracium();

const require = createRequire(import.meta.url);
const USER = [{ role: "user" as const, content: "hi" }];

async function traced(fn: () => Promise<unknown>): Promise<string> {
  let id = "";
  await agentTrace({ agentName: "instrumentation-it" }, async (t) => {
    id = t.id;
    await fn();
  });
  return id;
}

describe("the patched methods list", () => {
  it("patches create on Messages and Beta.Messages only (never the stream/parse helpers)", () => {
    expect(PATCHED_METHODS.map((m) => `${m.classPath.join(".")}.${m.method}`)).toEqual(["Messages.create", "Beta.Messages.create"]);
    for (const v of VERSIONS) {
      expect(isWrapped(v.Anthropic.Messages.prototype, "create")).toBe(true);
      expect(isWrapped(v.Anthropic.Beta.Messages.prototype, "create")).toBe(true);
      expect(isWrapped(v.Anthropic.Messages.prototype, "stream")).toBe(false);
      expect(isWrapped(v.Anthropic.Messages.prototype, "countTokens")).toBe(false);
    }
  });
});

describe("detect", () => {
  it("recognises the module namespace, the class, a client instance and the CJS exports of both majors", async () => {
    for (const v of VERSIONS) {
      expect(anthropicPlugin.detect(v.Anthropic)).toBe(true);
      expect(anthropicPlugin.detect(await v.namespace())).toBe(true);
      expect(anthropicPlugin.detect(client(v))).toBe(true);
      expect(anthropicPlugin.detect(v.cjs())).toBe(true);
      expect(anthropicPlugin.detect(v.cjs().Anthropic)).toBe(true);
    }
  });

  it("does not claim other values (OpenAI, plain objects, primitives, throwing proxies)", () => {
    const hostile = new Proxy({}, { get() { throw new Error("no"); }, has() { throw new Error("no"); } });
    for (const x of [OpenAI, new OpenAI({ apiKey: "sk" }), {}, { messages: {} }, { default: {} }, null, undefined, 42, "anthropic", () => 1, hostile]) {
      expect(anthropicPlugin.detect(x)).toBe(false);
    }
    expect(instrumentAnthropic({})).toBe(false);
  });
});

describe.each(VERSIONS)("$label", (v) => {
  it("instrument twice (class, namespace, instance, instrumentAnthropic) → still one span per call", async () => {
    const anthropic = client(v);
    expect(instrument(v.Anthropic)).toBe(true);
    expect(instrument(await v.namespace())).toBe(true);
    expect(instrument(anthropic)).toBe(true);
    expect(instrumentAnthropic(v.Anthropic)).toBe(true);
    replyJson(v, message({ text: "once" }));
    replyStream(v, sseBody(streamEvents({ text: ["once"] })));
    const id = await traced(async () => {
      await anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: USER });
      await anthropic.messages.stream({ model: MODEL, max_tokens: 8, messages: USER }).finalMessage();
    });
    expect(llmSpans(id)).toHaveLength(2);
  });

  it("the CJS build is a separate class: patched on its own, once, and traced like the ESM build", async () => {
    const cjs = v.cjs();
    expect(cjs.Anthropic).not.toBe(v.Anthropic);
    // Instrumenting the ESM build did not touch the CJS build.
    uninstrument(cjs);
    expect(anthropicPlugin.isPatched!(cjs)).toBe(false);
    expect(instrument(cjs)).toBe(true);
    expect(instrument(cjs)).toBe(true);
    expect(anthropicPlugin.isPatched!(cjs)).toBe(true);
    const anthropic = new cjs.Anthropic({ apiKey: "sk-ant-test-key", maxRetries: 0 });
    replyJson(v, message({ text: "from cjs" }));
    const id = await traced(() => anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: USER }));
    expect(onlyLlmSpan(id).output).toBe("from cjs");
  });

  it("both builds of the plugin (ESM import and CJS require) patch a prototype once", async () => {
    const pluginCjs = require("@tracium/anthropic") as typeof import("@tracium/anthropic");
    expect(pluginCjs.anthropicPlugin).not.toBe(anthropicPlugin);
    expect(pluginCjs.instrumentAnthropic(v.Anthropic)).toBe(true);
    replyJson(v, message({ text: "x" }));
    const id = await traced(() => client(v).messages.create({ model: MODEL, max_tokens: 8, messages: USER }));
    expect(llmSpans(id)).toHaveLength(1);
  });

  it("instrumenting a client instance patches its class (every client of that build)", async () => {
    const cjs = v.cjs();
    uninstrument(cjs);
    const a = new cjs.Anthropic({ apiKey: "sk-ant-test-key", maxRetries: 0 });
    expect(instrument(a)).toBe(true);
    expect(isWrapped(cjs.Anthropic.Messages.prototype, "create")).toBe(true);
    expect(isWrapped(cjs.Anthropic.Beta.Messages.prototype, "create")).toBe(true);
    const b = new cjs.Anthropic({ apiKey: "sk-ant-test-key", maxRetries: 0 });
    replyJson(v, message({ text: "b" }));
    const id = await traced(() => b.messages.create({ model: MODEL, max_tokens: 8, messages: USER }));
    expect(llmSpans(id)).toHaveLength(1);
  });

  it("uninstrument restores the original methods: no span, the call still works; instrument again traces again", async () => {
    const original = (v.Anthropic.Messages.prototype.create as unknown as Record<symbol, unknown>)[Symbol.for("tracium.original")];
    expect(typeof original).toBe("function");
    try {
      expect(uninstrument(v.Anthropic)).toBe(true);
      expect(v.Anthropic.Messages.prototype.create).toBe(original);
      expect(isWrapped(v.Anthropic.Beta.Messages.prototype, "create")).toBe(false);
      replyJson(v, message({ text: "plain" }));
      const id = await traced(async () => {
        const m = await client(v).messages.create({ model: MODEL, max_tokens: 8, messages: USER });
        expect(m.content[0]).toEqual({ type: "text", text: "plain" });
      });
      expect(llmSpans(id)).toHaveLength(0);
      expect(uninstrumentAnthropic(v.Anthropic)).toBe(true);
    } finally {
      expect(instrument(v.Anthropic)).toBe(true);
    }
    replyJson(v, message({ text: "again" }));
    const id = await traced(() => client(v).messages.create({ model: MODEL, max_tokens: 8, messages: USER }));
    expect(onlyLlmSpan(id).output).toBe("again");
  });

  it("isProviderSpanSuppressed(): no span is created, the call goes through", async () => {
    replyJson(v, message({ text: "quiet" }));
    replyStream(v, sseBody(streamEvents({ text: ["quiet"] })));
    const anthropic = client(v);
    const id = await traced(async () => {
      const m = await suppressProviderSpans(() => anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: USER }));
      expect(m.content[0]).toEqual({ type: "text", text: "quiet" });
      const text = await suppressProviderSpans(() => anthropic.messages.stream({ model: MODEL, max_tokens: 8, messages: USER }).finalText());
      expect(text).toBe("quiet");
    });
    expect(llmSpans(id)).toHaveLength(0);
  });
});
