/**
 * `captureContent: false` keeps tool names only (issue 13, item 6). Real OpenAI and Anthropic SDK
 * calls that offer tools with descriptions and JSON schemas, against the local fake provider, are
 * recorded with capture off; the bytes every exporter writes (the trace file, the Tracium API and
 * an OTLP collector on a local server, the console) must hold the tool names and none of the
 * descriptions, schema text or prompts.
 */
import Anthropic from "@anthropic-ai/sdk";
import { ConsoleExporter, agentTrace, init, instrument, registerPlugin, type TraciumClient } from "@tracium/core";
import { anthropicPlugin } from "@tracium/anthropic";
import { openaiPlugin } from "@tracium/openai";
import OpenAI from "openai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../examples/fake-provider/index.mjs";
import { tempDir } from "../zero-code/helpers.js";
import { answerOk, startApi, type ApiServer } from "./faults.js";

const PRIVATE = ["DESC-WEATHER", "SCHEMA-CITY", "DESC-SEARCH", "SCHEMA-QUERY", "PROMPT-TEXT"];

let provider: FakeProvider;
let api: ApiServer;
let tmp: ReturnType<typeof tempDir>;
let client: TraciumClient;
let consoleText = "";

beforeAll(async () => {
  provider = await startFakeProvider();
  api = await startApi(answerOk);
  tmp = tempDir("tracium-failsafe-capture-off-");
  registerPlugin(openaiPlugin);
  registerPlugin(anthropicPlugin);
  instrument(OpenAI);
  instrument(Anthropic);
  client = init({
    apiKey: "tr-failsafe-key-0005",
    baseUrl: api.url,
    captureContent: false,
    logLevel: "silent",
    filePath: join(tmp.dir, "traces.jsonl"),
    otlp: { endpoint: `${api.url}/v1/traces`, protocol: "http/json" },
    exporter: ["tracium", "file", "otlp", new ConsoleExporter({ write: (t) => void (consoleText += t) })],
  });
});

afterAll(async () => {
  await client.shutdown(2_000);
  await provider.close();
  await api.close();
  tmp.cleanup();
});

describe("captureContent: false, through real provider SDKs and every exporter", () => {
  it("keeps the tool names and sends no description, JSON schema or prompt", async () => {
    const openai = new OpenAI({ apiKey: "sk-fake", baseURL: provider.openaiBaseURL, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: "sk-ant-fake", baseURL: provider.anthropicBaseURL, maxRetries: 0 });
    await agentTrace({ agentName: "capture-off" }, async () => {
      await openai.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "PROMPT-TEXT weather in Paris" }],
        tools: [
          {
            type: "function",
            function: { name: "get_weather", description: "DESC-WEATHER", parameters: { type: "object", properties: { city: { type: "string", description: "SCHEMA-CITY" } } } },
          },
        ],
      });
      await anthropic.messages.create({
        model: "claude-sonnet-4-5",
        max_tokens: 64,
        messages: [{ role: "user", content: "PROMPT-TEXT search for cats" }],
        tools: [{ name: "search", description: "DESC-SEARCH", input_schema: { type: "object", properties: { query: { type: "string", description: "SCHEMA-QUERY" } } } }],
      });
    });
    await client.flush(5_000);

    const fileText = readFileSync(join(tmp.dir, "traces.jsonl"), "utf8");
    const tracium = api.requests.filter((q) => !q.path.startsWith("/v1/traces")).map((q) => JSON.stringify(q.body));
    const otlp = api.requests.filter((q) => q.path.startsWith("/v1/traces")).map((q) => JSON.stringify(q.body));
    expect(tracium.length).toBeGreaterThan(0);
    expect(otlp.length).toBeGreaterThan(0);
    const outputs: Record<string, string> = { file: fileText, tracium: tracium.join("\n"), otlp: otlp.join("\n"), console: consoleText };
    for (const [where, text] of Object.entries(outputs)) {
      for (const secret of PRIVATE) expect(text, `${secret} in the ${where} output`).not.toContain(secret);
    }
    // The names are kept where the records carry tools (file and Tracium API).
    for (const where of ["file", "tracium"]) {
      expect(outputs[where], where).toContain('"get_weather"');
      expect(outputs[where], where).toContain('"search"');
    }
  });
});
