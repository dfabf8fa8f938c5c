/**
 * Experiment behind the default transport (bench/README.md, "What changed"): the CPU the Tracium
 * HTTP exporter costs per openai call when each call is its own trace (three requests), with the
 * default transport (pipelined HTTP/1.1 over `node:net`), with a plain `node:http` keep-alive
 * transport, and with the global `fetch`, the last two handed in through the documented `fetch`
 * option. The clients are created up front; the global client is switched between samples.
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
const viaDefault = new tracium.TraciumClient(tracium.resolveConfig(options));
const httpFetch = createHttpFetch();
const viaHttp = new tracium.TraciumClient(tracium.resolveConfig({ ...options, fetch: httpFetch }));
const viaFetch = new tracium.TraciumClient(tracium.resolveConfig({ ...options, fetch: (input, init) => globalThis.fetch(input, init) }));
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
log("transport experiment: bare vs Tracium over the default transport, node:http and fetch");
const res = await runRounds(
  [
    { name: "bare", sample: calls(bare) },
    { name: "default", sample: withClient(viaDefault) },
    { name: "node-http", sample: withClient(viaHttp) },
    { name: "fetch", sample: withClient(viaFetch) },
  ],
  { rounds: smoke ? 2 : 40, warmup: smoke ? 0 : 5, ops: smoke ? 2 : 50, log },
);
const us = (xs) => xs.map((x) => x / 1000);
emit({
  experiment: "transport",
  addedCpuUsPerCall: {
    default: summary(us(pairedDiff(res.default.cpu, res.bare.cpu))),
    nodeHttp: summary(us(pairedDiff(res["node-http"].cpu, res.bare.cpu))),
    fetch: summary(us(pairedDiff(res.fetch.cpu, res.bare.cpu))),
  },
  sent: { default: viaDefault.stats().sent, nodeHttp: viaHttp.stats().sent, fetch: viaFetch.stats().sent },
});
await viaDefault.shutdown(2000);
await viaHttp.shutdown(2000);
await viaFetch.shutdown(2000);
httpFetch.close();
await server.close();
collector.close();
