/**
 * 2. Instrumented `openai` call overhead: `chat.completions.create` against a local server that
 * answers at once, non-stream and `stream: true` with two short messages, and non-stream with what
 * a tool-using agent sends at its 16th call (a 15-turn conversation of ~45 KB: every call of a
 * long-running agent resends its history, which is what recording the input costs most on). Variants, interleaved in rounds, each on its own
 * copy of the `openai` package so their patches do not stack:
 *   bare         the unpatched client
 *   tracium      @tracium/openai, each call outside any trace (an implicit trace per call, as a
 *                zero-config user gets), Tracium HTTP exporter → local collector (batched)
 *   tracium-in-trace  the same, calls made inside one agent trace per sample
 *   tracium-in-trace-counting  calls inside one agent trace of a second client whose exporter only
 *                counts records (like for like with `openllmetry`: neither side serialises or sends)
 *   openllmetry  @traceloop/instrumentation-openai, OTel provider + BatchSpanProcessor + counting no-op exporter
 *   openllmetry-otlp  the same with the OTLP/HTTP (JSON) exporter → local collector (like for like
 *                with the Tracium variants that serialise and send)
 *   langfuse     @langfuse/openai `observeOpenAI`, LangfuseSpanProcessor (batched OTLP/HTTP) → local collector
 * Each sample is CALLS sequential calls followed by that variant's own flush, so the export work
 * (serialisation, HTTP) is billed to the variant that caused it. Reported, paired by round:
 *   cpu      process CPU µs per call, export included, minus bare's (the target's measure)
 *   latency  the median call's wall time minus bare's (what the caller waits on the call path)
 * Afterwards every variant's records are counted at the exporter or the collector.
 */
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OpenAIInstrumentation } from "@traceloop/instrumentation-openai";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { setLangfuseTracerProvider } from "@langfuse/tracing";
import { observeOpenAI } from "@langfuse/openai";
import * as tracium from "@tracium/core";
import { instrumentOpenAI } from "@tracium/openai";
import { emit, log, smoke } from "./lib/cli.mjs";
import { startCollector } from "./lib/collector.mjs";
import { freshOpenAI } from "./lib/openai-copies.mjs";
import { agentConversationRequest, chatRequest, startOpenAIServer } from "./lib/openai-server.mjs";
import { runRounds } from "./lib/rounds.mjs";
import { median, pairedDiff, ratioOfMedians, summary } from "./lib/stats.mjs";

// --rounds=N: a quicker run on a loaded machine (fewer rounds, wider spread).
const roundsArg = Number(process.argv.find((a) => a.startsWith("--rounds="))?.slice(9));
const ROUNDS = smoke ? 2 : roundsArg > 0 ? roundsArg : 90;
const WARMUP = smoke ? 1 : 5;
const CALLS = smoke ? 2 : 70; // calls per sample

const server = await startOpenAIServer();
const collector = await startCollector();

// Load every copy of openai before any instrumentation hooks `require`.
const copies = { bare: freshOpenAI(), tracium: freshOpenAI(), openllmetry: freshOpenAI(), openllmetryOtlp: freshOpenAI(), langfuse: freshOpenAI() };
const newClient = (mod) => new mod.OpenAI({ apiKey: "sk-bench", baseURL: server.url, maxRetries: 0 });

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

// Tracium: global client, HTTP exporter to the collector (defaults: batch 1000, interval 1 s).
const traciumClient = tracium.init({ apiKey: "tr-bench-key", baseUrl: collector.url, exporter: "tracium", logLevel: "error" });
// Defaults, as a user gets them and like for like with OpenLLMetry, which does not ask for stream
// usage either: `injectStreamUsage` on makes the server send one more chunk for Tracium to parse
// and hide (run with it on, 2026-12-05T08:01Z, bench/README.md: streams 1.5× both ways).
instrumentOpenAI(copies.tracium);

// Tracium with a counting exporter: a second client, used only through its own agent traces.
let traciumCounted = 0;
const countingClient = new tracium.TraciumClient(
  tracium.resolveConfig({
    logLevel: "error",
    exporter: {
      name: "counting",
      export(record) {
        if (record.kind === "span_end") traciumCounted++;
      },
      flush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    },
  }),
);

// OpenLLMetry: its own provider with a batch processor and a counting no-op exporter.
let ollmSpans = 0;
const ollmProvider = new BasicTracerProvider({
  spanProcessors: [
    new BatchSpanProcessor({
      export(spans, done) {
        ollmSpans += spans.length;
        done({ code: 0 });
      },
      shutdown: () => Promise.resolve(),
      forceFlush: () => Promise.resolve(),
    }),
  ],
});
const ollm = new OpenAIInstrumentation();
ollm.setTracerProvider(ollmProvider);
ollm.manuallyInstrument(copies.openllmetry.OpenAI); // it expects the client class

const ollmOtlpProvider = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collector.url}/v1/traces` }))],
});
const ollmOtlp = new OpenAIInstrumentation();
ollmOtlp.setTracerProvider(ollmOtlpProvider);
ollmOtlp.manuallyInstrument(copies.openllmetryOtlp.OpenAI);

// Langfuse: its span processor (batched OTLP/HTTP JSON) on an isolated provider, export to the collector.
const langfuseProvider = new BasicTracerProvider({
  spanProcessors: [new LangfuseSpanProcessor({ publicKey: "pk-lf-bench", secretKey: "sk-lf-bench", baseUrl: collector.url })],
});
setLangfuseTracerProvider(langfuseProvider);

const clients = {
  bare: newClient(copies.bare),
  tracium: newClient(copies.tracium),
  openllmetry: newClient(copies.openllmetry),
  "openllmetry-otlp": newClient(copies.openllmetryOtlp),
  langfuse: observeOpenAI(newClient(copies.langfuse)),
};

let sink = 0;
// The third mode: what a tool-using agent sends at its 16th call (~45 KB, 46 messages).
const CONVERSATION_TURNS = 15;
const conversationRequest = agentConversationRequest(CONVERSATION_TURNS);

async function call(client, stream, request) {
  if (stream) {
    const s = await client.chat.completions.create({ ...request, stream: true });
    for await (const c of s) sink += c.choices.length;
  } else {
    const r = await client.chat.completions.create(request);
    sink += r.choices.length;
  }
}

const NAMES = ["bare", "tracium", "tracium-in-trace", "tracium-in-trace-counting", "openllmetry", "openllmetry-otlp", "langfuse"];
const PEERS = ["openllmetry", "langfuse"]; // the target's peers, as set up in the issue
const calls = Object.fromEntries(NAMES.map((n) => [n, 0]));
const callTimes = Object.fromEntries(NAMES.map((n) => [n, []])); // per sample: median call wall time, µs
let inTraceTraces = 0;

const flushers = {
  bare: () => undefined,
  tracium: () => tracium.flush(30_000),
  "tracium-in-trace": () => tracium.flush(30_000),
  "tracium-in-trace-counting": () => countingClient.flush(30_000),
  openllmetry: () => ollmProvider.forceFlush(),
  "openllmetry-otlp": () => ollmOtlpProvider.forceFlush(),
  langfuse: () => langfuseProvider.forceFlush(),
};

const loop = (name, client, stream, request) => async (n) => {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call(client, stream, request);
    times.push((performance.now() - t0) * 1000);
  }
  calls[name] += n;
  callTimes[name].push(median(times));
};

async function measure(mode) {
  const stream = mode === "stream";
  const request = mode === "conversation" ? conversationRequest : chatRequest;
  const before = { ...calls, inTraceTraces, ollmSpans, traciumCounted, collector: await collector.stats() };
  for (const n of NAMES) callTimes[n] = [];
  const withFlush = (name, run) => async (n) => {
    await run(n);
    await flushers[name]();
  };
  const variants = [
    { name: "bare", sample: withFlush("bare", loop("bare", clients.bare, stream, request)) },
    { name: "tracium", sample: withFlush("tracium", loop("tracium", clients.tracium, stream, request)) },
    {
      name: "tracium-in-trace",
      sample: withFlush("tracium-in-trace", (n) => {
        inTraceTraces++;
        return traciumClient.agentTrace({ agentName: "bench-agent" }, () => loop("tracium-in-trace", clients.tracium, stream, request)(n));
      }),
    },
    {
      name: "tracium-in-trace-counting",
      sample: withFlush("tracium-in-trace-counting", (n) =>
        countingClient.agentTrace({ agentName: "bench-agent" }, () => loop("tracium-in-trace-counting", clients.tracium, stream, request)(n)),
      ),
    },
    { name: "openllmetry", sample: withFlush("openllmetry", loop("openllmetry", clients.openllmetry, stream, request)) },
    { name: "openllmetry-otlp", sample: withFlush("openllmetry-otlp", loop("openllmetry-otlp", clients["openllmetry-otlp"], stream, request)) },
    { name: "langfuse", sample: withFlush("langfuse", loop("langfuse", clients.langfuse, stream, request)) },
  ];
  log(`openai (${mode}): ${ROUNDS} rounds × ${CALLS} calls × ${variants.length} variants`);
  const perCall = await runRounds(variants, { rounds: ROUNDS, warmup: WARMUP, ops: CALLS, log });
  await tracium.flush(30_000);
  await ollmProvider.forceFlush();
  await ollmOtlpProvider.forceFlush();
  await langfuseProvider.forceFlush();
  const after = await collector.stats();
  const us = (xs) => xs.map((x) => x / 1000);
  const latency = Object.fromEntries(NAMES.map((n) => [n, callTimes[n].slice(WARMUP)]));
  const cpu = Object.fromEntries(NAMES.map((n) => [n, us(perCall[n].cpu)]));
  const wall = Object.fromEntries(NAMES.map((n) => [n, us(perCall[n].wall)]));
  const result = { mode, rounds: ROUNDS, callsPerSample: CALLS };
  for (const [metric, data] of [["cpu", cpu], ["latency", latency], ["wall", wall]]) {
    const added = {};
    for (const name of NAMES.slice(1)) added[name] = pairedDiff(data[name], data.bare);
    const addedSummary = Object.fromEntries(Object.entries(added).map(([k, v]) => [k, summary(v)]));
    const bestPeer = PEERS.reduce((a, b) => (addedSummary[a].median <= addedSummary[b].median ? a : b));
    result[metric] = {
      usPerCall: Object.fromEntries(NAMES.map((n) => [n, summary(data[n])])),
      addedUs: addedSummary,
      bestPeer,
      ratio: ratioOfMedians(added.tracium, added[bestPeer]),
      ratioInTrace: ratioOfMedians(added["tracium-in-trace"], added[bestPeer]),
      // Issue 16's targets, like with like: inside a trace, both sides exporting (Tracium's HTTP
      // exporter, OpenLLMetry's OTLP exporter) and neither (counting exporters on both sides); an
      // implicit trace per call against OpenLLMetry with its OTLP exporter. The mixed ratio
      // (Tracium exporting, OpenLLMetry not) is kept for comparison with earlier runs.
      ratioInTraceVsOpenllmetryOtlp: ratioOfMedians(added["tracium-in-trace"], added["openllmetry-otlp"]),
      ratioInTraceCountingVsOpenllmetry: ratioOfMedians(added["tracium-in-trace-counting"], added.openllmetry),
      ratioInTraceVsOpenllmetry: ratioOfMedians(added["tracium-in-trace"], added.openllmetry),
      ratioVsOpenllmetryOtlp: ratioOfMedians(added.tracium, added["openllmetry-otlp"]),
    };
  }
  const made = (k) => calls[k] - before[k];
  result.exported = {
    tracium: {
      calls: made("tracium") + made("tracium-in-trace"),
      spansCompleted: after.traciumSpansCompleted - before.collector.traciumSpansCompleted,
      tracesCreated: after.traciumTraces - before.collector.traciumTraces,
      tracesEnded: after.traciumTraceEnds - before.collector.traciumTraceEnds,
      expectedTraces: made("tracium") + (inTraceTraces - before.inTraceTraces),
      requests: after.requests - before.collector.requests - (after.otlpRequests - before.collector.otlpRequests),
    },
    traciumCounting: { calls: made("tracium-in-trace-counting"), spans: traciumCounted - before.traciumCounted },
    openllmetry: { calls: made("openllmetry"), spans: ollmSpans - before.ollmSpans },
    otlp: { calls: made("openllmetry-otlp") + made("langfuse"), spans: after.otlpSpans - before.collector.otlpSpans, requests: after.otlpRequests - before.collector.otlpRequests },
  };
  return result;
}

const nonStream = await measure("non-stream");
const streamed = await measure("stream");
const conversation = await measure("conversation");
const st = tracium.stats();
emit({ bench: "openai", nonStream, stream: streamed, conversation, traciumStats: { sent: st.sent, failed: st.failed, dropped: st.dropped, queued: st.queued }, sink: sink > 0 });

await tracium.shutdown(5_000);
await countingClient.shutdown(5_000);
await ollmProvider.shutdown();
await ollmOtlpProvider.shutdown();
await langfuseProvider.shutdown();
await server.close();
collector.close();
