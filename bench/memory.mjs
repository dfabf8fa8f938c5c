/**
 * 3. Memory with the export endpoint down: 100,000 traced `chat.completions.create` calls while the
 * Tracium exporter points at a closed port. The heap must stay bounded by the export queue's cap
 * (no growth per call) and what cannot be kept must be dropped and counted.
 * Each variant runs in a fresh child process (`--expose-gc`); the heap is read after a full GC at
 * checkpoints. The openai client gets a `fetch` that answers at once in-process (no network), so
 * 100,000 calls take seconds; the exporter uses the real network stack against the closed port.
 *   bare      the same calls, untraced (baseline heap)
 *   tracium   implicit trace per call, Tracium HTTP exporter → closed port, default queue cap
 *   langfuse  observeOpenAI + LangfuseSpanProcessor → closed port (informational)
 */
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { emit, log, smoke } from "./lib/cli.mjs";
import { chatRequest } from "./lib/openai-server.mjs";

const CALLS = smoke ? 200 : 100_000;
const CHECKPOINTS = smoke ? [100, 200] : [10_000, 20_000, 40_000, 60_000, 80_000, 100_000];
const variantArg = process.argv.find((a) => a.startsWith("--variant="))?.slice(10);

/** A loopback port nothing listens on. */
async function closedPort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

const completion = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello! How can I help today?", refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 24, completion_tokens: 8, total_tokens: 32 },
});
const fakeFetch = async () => new Response(completion, { status: 200, headers: { "content-type": "application/json" } });

async function child(variant) {
  const { default: OpenAI } = await import("openai");
  const port = await closedPort();
  const base = `http://127.0.0.1:${port}`;
  let client = new OpenAI({ apiKey: "sk-bench", baseURL: "http://127.0.0.1:9/v1", maxRetries: 0, fetch: fakeFetch });
  let stats = () => ({});
  let shutdown = async () => undefined;
  if (variant === "tracium") {
    const tracium = await import("@tracium/core");
    const { instrumentOpenAI } = await import("@tracium/openai");
    tracium.init({ apiKey: "tr-bench-key", baseUrl: base, exporter: "tracium", logLevel: "silent" });
    instrumentOpenAI(OpenAI);
    stats = () => {
      const s = tracium.stats();
      // superseded: a span start dropped because its span ended first (one record per span end).
      return { queued: s.queued, sent: s.sent, failed: s.failed, dropped: s.dropped, superseded: s.superseded ?? 0 };
    };
    shutdown = () => tracium.shutdown(1000);
  } else if (variant === "langfuse") {
    const { context } = await import("@opentelemetry/api");
    const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
    const { BasicTracerProvider } = await import("@opentelemetry/sdk-trace-base");
    const { LangfuseSpanProcessor } = await import("@langfuse/otel");
    const { setLangfuseTracerProvider } = await import("@langfuse/tracing");
    const { observeOpenAI } = await import("@langfuse/openai");
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const provider = new BasicTracerProvider({ spanProcessors: [new LangfuseSpanProcessor({ publicKey: "pk", secretKey: "sk", baseUrl: base, timeout: 1 })] });
    setLangfuseTracerProvider(provider);
    client = observeOpenAI(client);
    shutdown = () => Promise.race([provider.shutdown().catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
  }
  const heap = () => {
    globalThis.gc();
    globalThis.gc();
    return process.memoryUsage().heapUsed;
  };
  const start = heap();
  const points = [];
  const t0 = performance.now();
  let done = 0;
  for (const cp of CHECKPOINTS) {
    for (; done < cp; done++) await client.chat.completions.create(chatRequest);
    // let the exporter's timers and failed requests run, as they would between an agent's calls
    await new Promise((r) => setImmediate(r));
    points.push({ calls: cp, heapUsed: heap(), ...stats() });
  }
  const seconds = (performance.now() - t0) / 1000;
  const result = { variant, calls: CALLS, seconds, heapStart: start, points, rss: process.memoryUsage().rss };
  await shutdown();
  result.afterShutdown = stats();
  process.stdout.write(`CHILD ${JSON.stringify(result)}\n`);
  process.exit(0);
}

if (variantArg) {
  await child(variantArg);
} else {
  const out = {};
  for (const variant of ["bare", "tracium", "langfuse"]) {
    log(`memory: ${variant}, ${CALLS.toLocaleString("en-US")} calls, endpoint down`);
    const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), `--variant=${variant}`, ...(smoke ? ["--smoke"] : [])], {
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
      timeout: 300_000,
    });
    const line = r.stdout.split("\n").find((l) => l.startsWith("CHILD "));
    if (!line) {
      out[variant] = { error: `exit ${r.status}: ${(r.stderr || "").slice(-500)}` };
      continue;
    }
    const res = JSON.parse(line.slice(6));
    const pts = res.points;
    const first = pts.find((p) => p.calls >= CALLS / 5) ?? pts[0];
    const last = pts[pts.length - 1];
    res.growthBytesPerCall = (last.heapUsed - first.heapUsed) / Math.max(1, last.calls - first.calls);
    res.growthFrom = first.calls;
    out[variant] = res;
  }
  emit({ bench: "memory", calls: CALLS, ...out });
}
