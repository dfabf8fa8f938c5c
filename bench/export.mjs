/**
 * 5. Export throughput: spans per second created, serialised and delivered over HTTP, batched, to
 * the local collector (its own process), Tracium's HTTP exporter next to the OpenTelemetry SDK's
 * BatchSpanProcessor + OTLP/HTTP (JSON) exporter. A sample creates TRACES traces of SPANS spans
 * (each with 5 attributes, a small input and output), then flushes; its time runs from the first
 * span to the collector's last acknowledgement. Every span is counted at the collector.
 * Tracium runs with its defaults (1000 spans per request, queue of 10,000 records). The OTel batch
 * processor's queue is raised from 2048 to 8192 spans so that neither side drops (its batch size
 * stays the default 512).
 */
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import * as tracium from "@tracium/core";
import { emit, log, smoke } from "./lib/cli.mjs";
import { startCollector } from "./lib/collector.mjs";
import { runRounds } from "./lib/rounds.mjs";
import { ratioOfMedians, summary } from "./lib/stats.mjs";

const ROUNDS = smoke ? 1 : 15;
const WARMUP = smoke ? 0 : 3;
const TRACES = smoke ? 2 : 4;
const SPANS = smoke ? 50 : 1000; // spans per trace
const PER_SAMPLE = TRACES * SPANS;

const collector = await startCollector();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const client = tracium.init({ apiKey: "tr-bench-key", baseUrl: collector.url, exporter: "tracium", logLevel: "error" });
const provider = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collector.url}/v1/traces` }), { maxQueueSize: 8192 })],
});
const tracer = provider.getTracer("bench");

const attrs = (i) => ({ "app.user_id": "user-1234", "app.step": i, "app.kind": "tool", "app.cached": false, "app.region": "eu-west-1" });
const input = { query: "refund policy for order 1234", top_k: 5 };
const output = { documents: ["Refunds within 30 days.", "Keep the receipt."] };

function traciumSample() {
  for (let t = 0; t < TRACES; t++) {
    const trace = client.startTrace({ agentName: "bench-export" });
    for (let i = 0; i < SPANS; i++) {
      const span = trace.startSpan({ spanType: "tool", name: "lookup", metadata: attrs(i) });
      span.recordInput(input);
      span.recordOutput(output);
      span.end();
    }
    trace.end();
  }
  return tracium.flush(60_000);
}

function otelSample() {
  for (let t = 0; t < TRACES; t++) {
    tracer.startActiveSpan("agent", (root) => {
      for (let i = 0; i < SPANS - 1; i++) {
        const span = tracer.startSpan("lookup", { attributes: attrs(i) });
        span.setAttribute("input", JSON.stringify(input));
        span.setAttribute("output", JSON.stringify(output));
        span.end();
      }
      root.end();
    });
  }
  return provider.forceFlush();
}

log(`export: ${ROUNDS} rounds × ${PER_SAMPLE} spans × 2 variants`);
const before = await collector.stats();
const res = await runRounds(
  [
    { name: "tracium", sample: traciumSample },
    { name: "otel-otlp", sample: otelSample },
  ],
  { rounds: ROUNDS, warmup: WARMUP, ops: PER_SAMPLE, log },
);
const after = await collector.stats();
const perSec = (nsPerSpan) => nsPerSpan.map((ns) => 1e9 / ns);
const st = tracium.stats();
emit({
  bench: "export",
  rounds: ROUNDS,
  spansPerSample: PER_SAMPLE,
  spansPerSecond: { tracium: summary(perSec(res.tracium.wall)), otel: summary(perSec(res["otel-otlp"].wall)) },
  cpuUsPerSpan: { tracium: summary(res.tracium.cpu.map((x) => x / 1000)), otel: summary(res["otel-otlp"].cpu.map((x) => x / 1000)) },
  ratio: ratioOfMedians(perSec(res.tracium.wall), perSec(res["otel-otlp"].wall)),
  // Span cost with both sides' real exporters (issue 16 target: ≤ 1× OTel's CPU per span).
  cpuRatio: ratioOfMedians(res.tracium.cpu, res["otel-otlp"].cpu),
  delivered: {
    expected: (ROUNDS + WARMUP) * PER_SAMPLE,
    tracium: after.traciumSpansCompleted - before.traciumSpansCompleted,
    otel: after.otlpSpans - before.otlpSpans,
    traciumRequests: after.requests - before.requests - (after.otlpRequests - before.otlpRequests),
    otelRequests: after.otlpRequests - before.otlpRequests,
    traciumDropped: st.dropped,
    traciumFailed: st.failed,
  },
});
await tracium.shutdown(5_000);
await provider.shutdown();
collector.close();
