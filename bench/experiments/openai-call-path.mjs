/**
 * The Tracium side of one `openai` call inside a trace, without the network: the SDK gets a
 * `fetch` that answers from memory, so what differs between the variants is the instrumentation.
 * Variants, interleaved in rounds: bare; Tracium in one agent trace per sample with a no-op
 * exporter (the call path alone); the same with the HTTP exporter to a local collector (export
 * included); OpenLLMetry with a counting exporter, and with its OTLP/HTTP exporter to the same
 * collector. Prints CPU µs per call added over bare, and the two like-for-like ratios.
 *   node experiments/openai-call-path.mjs [--stream] [--rounds=N] [--history=N [--prose-tools]] [--only=bare,tracium,…] [--profile=<variant>]
 */
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OpenAIInstrumentation } from "@traceloop/instrumentation-openai";
import * as tracium from "@tracium/core";
import { instrumentOpenAI } from "@tracium/openai";
import { startCollector } from "../lib/collector.mjs";
import { freshOpenAI } from "../lib/openai-copies.mjs";
import { agentConversationRequest, chatRequest as shortRequest } from "../lib/openai-server.mjs";

const stream = process.argv.includes("--stream");
const ROUNDS = Number(process.argv.find((a) => a.startsWith("--rounds="))?.slice(9)) || 30;
const only = process.argv.find((a) => a.startsWith("--profile="))?.slice(10);
const CALLS = 200;
// --history=N: an agent's N-turn conversation (lib/openai-server.mjs), the request a long-running
// agent sends on every call, instead of two short messages; --prose-tools: tool results as prose.
const HISTORY = Number(process.argv.find((a) => a.startsWith("--history="))?.slice(10)) || 0;
const chatRequest = HISTORY > 0 ? agentConversationRequest(HISTORY, { jsonTools: !process.argv.includes("--prose-tools") }) : shortRequest;

const MODEL = "gpt-4o-mini-2024-07-18";
const completion = JSON.stringify({ id: "chatcmpl-x", object: "chat.completion", created: 1, model: MODEL, choices: [{ index: 0, message: { role: "assistant", content: "Hello! How can I help today?", refusal: null }, logprobs: null, finish_reason: "stop" }], usage: { prompt_tokens: 24, completion_tokens: 8, total_tokens: 32 }, system_fingerprint: "fp" });
const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: "chatcmpl-x", object: "chat.completion.chunk", created: 1, model: MODEL, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
const sse = [chunk({ role: "assistant", content: "" }), ...["Hello", "!", " How", " can", " I", " help", " today", "?"].map((c) => chunk({ content: c })), chunk({}, "stop"), "data: [DONE]\n\n"].join("");
const memoryFetch = async (_url, init) => {
  const streamed = typeof init?.body === "string" && init.body.includes('"stream":true');
  return new Response(streamed ? sse : completion, { status: 200, headers: { "content-type": streamed ? "text/event-stream" : "application/json" } });
};

const collector = await startCollector();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const copies = { bare: freshOpenAI(), tracium: freshOpenAI(), openllmetry: freshOpenAI(), openllmetryOtlp: freshOpenAI() };
const newClient = (mod) => new mod.OpenAI({ apiKey: "sk-bench", baseURL: "http://127.0.0.1:9/v1", maxRetries: 0, fetch: memoryFetch });

const httpClient = tracium.init({ apiKey: "tr-bench-key", baseUrl: collector.url, exporter: "tracium", logLevel: "error" });
instrumentOpenAI(copies.tracium);

let ollmSpans = 0;
const ollmProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor({ export(s, done) { ollmSpans += s.length; done({ code: 0 }); }, shutdown: () => Promise.resolve(), forceFlush: () => Promise.resolve() })] });
const ollm = new OpenAIInstrumentation();
ollm.setTracerProvider(ollmProvider);
ollm.manuallyInstrument(copies.openllmetry.OpenAI);
const otlpProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collector.url}/v1/traces` }))] });
const ollmOtlp = new OpenAIInstrumentation();
ollmOtlp.setTracerProvider(otlpProvider);
ollmOtlp.manuallyInstrument(copies.openllmetryOtlp.OpenAI);
const countingClient = new tracium.TraciumClient(
  tracium.resolveConfig({ logLevel: "error", exporter: { name: "no-op", export: () => undefined, flush: () => Promise.resolve(), shutdown: () => Promise.resolve() } }),
);

const clients = { bare: newClient(copies.bare), tracium: newClient(copies.tracium), openllmetry: newClient(copies.openllmetry), openllmetryOtlp: newClient(copies.openllmetryOtlp) };
let sink = 0;
async function call(client) {
  if (stream) {
    const s = await client.chat.completions.create({ ...chatRequest, stream: true });
    for await (const c of s) sink += c.choices.length;
  } else sink += (await client.chat.completions.create(chatRequest)).choices.length;
}
async function loop(client) {
  for (let i = 0; i < CALLS; i++) await call(client);
}
const variants = {
  bare: () => loop(clients.bare),
  tracium: () => countingClient.agentTrace({ agentName: "bench" }, () => loop(clients.tracium)),
  "tracium-http": async () => {
    await httpClient.agentTrace({ agentName: "bench" }, () => loop(clients.tracium));
    await tracium.flush(30_000);
  },
  openllmetry: async () => {
    await loop(clients.openllmetry);
    await ollmProvider.forceFlush();
  },
  "openllmetry-otlp": async () => {
    await loop(clients.openllmetryOtlp);
    await otlpProvider.forceFlush();
  },
};
const onlyList = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
if (onlyList) for (const k of Object.keys(variants)) if (k !== "bare" && !onlyList.includes(k)) delete variants[k];
if (only) {
  for (let r = 0; r < ROUNDS; r++) await variants[only]();
} else {
  const cpu = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS + 3; r++) {
    for (const [name, run] of Object.entries(variants)) {
      const c0 = process.cpuUsage();
      await run();
      const c = process.cpuUsage(c0);
      if (r >= 3) cpu[name].push((c.user + c.system) / CALLS);
    }
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const bare = med(cpu.bare);
  const added = Object.fromEntries(Object.keys(variants).filter((k) => k !== "bare").map((k) => [k, med(cpu[k].map((v, i) => v - cpu.bare[i]))]));
  console.log(`${stream ? "stream" : "non-stream"}: bare ${bare.toFixed(1)} µs/call; added: ${Object.entries(added).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")}${onlyList ? "" : `; like for like: tracium ÷ openllmetry (counting) ${(added.tracium / added.openllmetry).toFixed(2)}, tracium-http ÷ openllmetry-otlp ${(added["tracium-http"] / added["openllmetry-otlp"]).toFixed(2)}`}`);
}
await tracium.shutdown(5_000);
await otlpProvider.shutdown();
collector.close();
