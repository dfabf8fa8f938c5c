/**
 * Cost lookup: what pricing adds to the end of an `llm` span. Two clients in one process, the same
 * workload (a trace of llm spans with a model and token usage), cost on and cost off, interleaved
 * rounds; the paired difference is the per-span price of pricing (target ≤ 2 µs). The price table
 * is loaded in the warm-up, as it is at an app's first priced span.
 */
import "@tracium/sdk"; // registers the price table
import * as tracium from "@tracium/core";
import { emit, log, smoke } from "./lib/cli.mjs";
import { runRounds } from "./lib/rounds.mjs";
import { pairedDiff, summary } from "./lib/stats.mjs";

const ROUNDS = smoke ? 2 : 30;
const WARMUP = smoke ? 1 : 5;
const SPANS = smoke ? 100 : 5000;
const MODELS = ["gpt-4o-mini", "claude-haiku-4-5-20251001", "gemini-2.5-pro", "o3-mini"];
const PROVIDERS = ["openai", "anthropic", "google", "openai"];

const sink = { name: "sink", export() {}, flush: async () => {}, shutdown: async () => {}, stats: () => ({ queued: 0, sent: 0, failed: 0, dropped: 0 }) };
const on = new tracium.TraciumClient(tracium.resolveConfig({ exporter: sink, logLevel: "error", cost: true }));
const off = new tracium.TraciumClient(tracium.resolveConfig({ exporter: sink, logLevel: "error", cost: false }));

let priced = 0;
function workload(client, n) {
  const trace = client.startTrace({ agentName: "bench" });
  for (let i = 0; i < n; i++) {
    const k = i % MODELS.length;
    const span = trace.startSpan({ spanType: "llm", name: "chat", modelId: MODELS[k], metadata: { provider: PROVIDERS[k] } });
    span.setTokenUsage({ inputTokens: 1000 + i, cachedInputTokens: 500, outputTokens: 200 });
    span.end();
    if (span.data.metadata.cost) priced++;
  }
  trace.end();
}

const rounds = await runRounds(
  [
    { name: "on", sample: (n) => workload(on, n) },
    { name: "off", sample: (n) => workload(off, n) },
  ],
  { rounds: ROUNDS, warmup: WARMUP, ops: SPANS, log },
);
const addedNs = summary(pairedDiff(rounds.on.cpu, rounds.off.cpu));
const pricedEvery = priced === (ROUNDS + WARMUP) * SPANS;
log(`  cost lookup adds ${addedNs.median.toFixed(0)} ns CPU per llm span end (every span priced: ${pricedEvery})`);
emit({ bench: "cost", addedNs, pricedEvery, spans: SPANS, rounds: ROUNDS });
