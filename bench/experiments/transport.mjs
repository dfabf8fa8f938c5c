/**
 * Experiment behind a suggested fix (bench/README.md): the CPU the Tracium HTTP exporter costs per
 * openai call when each call is its own trace, with the default transport (global `fetch`) and
 * with a plain `node:http` keep-alive transport, handed in through the documented `fetch` option.
 * Both clients are created up front; the global client is switched between samples.
 * Usage: node experiments/transport.mjs [--smoke]
 */
import * as tracium from "@tracium/core";
import { instrumentOpenAI } from "@tracium/openai";
import { emit, log, smoke } from "../lib/cli.mjs";
import { startCollector } from "../lib/collector.mjs";
import { createHttpFetch } from "../lib/http-fetch.mjs";
import { freshOpenAI } from "../lib/openai-copies.mjs";
import { chatRequest, startOpenAIServer } from "../lib/openai-server.mjs";
import { runRounds } from "../lib/rounds.mjs";
import { pairedDiff, summary } from "../lib/stats.mjs";

const server = await startOpenAIServer();
const collector = await startCollector();
const bareMod = freshOpenAI();
const tracedMod = freshOpenAI();
const state = globalThis[Symbol.for("tracium.state.v1")];
const options = { apiKey: "tr-bench-key", baseUrl: collector.url, exporter: "tracium", logLevel: "error" };
const viaFetch = new tracium.TraciumClient(tracium.resolveConfig(options));
const httpFetch = createHttpFetch();
const viaHttp = new tracium.TraciumClient(tracium.resolveConfig({ ...options, fetch: httpFetch }));
instrumentOpenAI(tracedMod);
const bare = new bareMod.OpenAI({ apiKey: "sk-bench", baseURL: server.url, maxRetries: 0 });
const traced = new tracedMod.OpenAI({ apiKey: "sk-bench", baseURL: server.url, maxRetries: 0 });
const calls = (client) => async (n) => {
  for (let i = 0; i < n; i++) await client.chat.completions.create(chatRequest);
};
const withClient = (c) => async (n) => {
  state.client = c;
  await calls(traced)(n);
  await c.flush();
};
log("transport experiment: bare vs Tracium over fetch vs Tracium over node:http");
const res = await runRounds(
  [
    { name: "bare", sample: calls(bare) },
    { name: "fetch", sample: withClient(viaFetch) },
    { name: "node-http", sample: withClient(viaHttp) },
  ],
  { rounds: smoke ? 2 : 40, warmup: smoke ? 0 : 5, ops: smoke ? 2 : 50, log },
);
const us = (xs) => xs.map((x) => x / 1000);
emit({
  experiment: "transport",
  addedCpuUsPerCall: { fetch: summary(us(pairedDiff(res.fetch.cpu, res.bare.cpu))), nodeHttp: summary(us(pairedDiff(res["node-http"].cpu, res.bare.cpu))) },
  sent: { fetch: viaFetch.stats().sent, nodeHttp: viaHttp.stats().sent },
});
await viaFetch.shutdown(2000);
await viaHttp.shutdown(2000);
httpFetch.close();
await server.close();
collector.close();
