/**
 * 4. Start-up, and 3b. idle footprint: in a fresh child process per run, import `openai`, then
 * import the tracer and initialise it (Tracium: `init()` + `instrument(OpenAI)`; OpenLLMetry: an
 * OTel provider + batch processor + AsyncLocalStorage context manager + the instrumentation;
 * Langfuse: an OTel provider + LangfuseSpanProcessor + `observeOpenAI(client)`). Measured in the
 * child: the time of the tracer's import + init (openai's own import excluded), and the heap
 * (after a full GC) and RSS once initialised, minus the bare variant's (only `openai` imported).
 * Runs are interleaved (bare, sdk, core, openllmetry, langfuse, bare, …); medians are reported.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { emit, log, smoke } from "./lib/cli.mjs";
import { pairedDiff, summary } from "./lib/stats.mjs";

const RUNS = smoke ? 1 : 9;
const VARIANTS = ["bare", "tracium-sdk", "tracium-core", "openllmetry", "langfuse"];
const variantArg = process.argv.find((a) => a.startsWith("--variant="))?.slice(10);

async function child(variant) {
  const t0 = performance.now();
  const { default: OpenAI } = await import("openai");
  const t1 = performance.now();
  if (variant === "tracium-sdk") {
    const tracium = await import("@tracium/sdk");
    tracium.init({ apiKey: "tr-bench-key", baseUrl: "http://127.0.0.1:9", logLevel: "silent" });
    tracium.instrument(OpenAI);
  } else if (variant === "tracium-core") {
    const tracium = await import("@tracium/core");
    const { instrumentOpenAI } = await import("@tracium/openai");
    tracium.init({ apiKey: "tr-bench-key", baseUrl: "http://127.0.0.1:9", logLevel: "silent" });
    instrumentOpenAI(OpenAI);
  } else if (variant === "openllmetry") {
    const { context } = await import("@opentelemetry/api");
    const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
    const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    const { OpenAIInstrumentation } = await import("@traceloop/instrumentation-openai");
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: "http://127.0.0.1:9/v1/traces" }))] });
    const inst = new OpenAIInstrumentation();
    inst.setTracerProvider(provider);
    inst.manuallyInstrument(OpenAI);
  } else if (variant === "langfuse") {
    const { context } = await import("@opentelemetry/api");
    const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
    const { BasicTracerProvider } = await import("@opentelemetry/sdk-trace-base");
    const { LangfuseSpanProcessor } = await import("@langfuse/otel");
    const { setLangfuseTracerProvider } = await import("@langfuse/tracing");
    const { observeOpenAI } = await import("@langfuse/openai");
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const provider = new BasicTracerProvider({ spanProcessors: [new LangfuseSpanProcessor({ publicKey: "pk", secretKey: "sk", baseUrl: "http://127.0.0.1:9" })] });
    setLangfuseTracerProvider(provider);
    observeOpenAI(new OpenAI({ apiKey: "sk-bench" }));
  }
  const t2 = performance.now();
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  process.stdout.write(`CHILD ${JSON.stringify({ variant, openaiMs: t1 - t0, tracerMs: t2 - t1, heapUsed: m.heapUsed, rss: m.rss, sinceStartMs: performance.now() })}\n`);
  process.exit(0);
}

/**
 * Zero-code start-up (issue 16): wall ms of `node --import @tracium/sdk/auto -e 0` over `node -e 0`,
 * fresh processes, interleaved; the TRACIUM_* environment is set as a user would. Also, as
 * information, an app whose first line imports `openai` as an ES module, with and without the
 * loader: all zero code costs an app that loads a provider (on Node 20 the hooks' libraries load
 * at that import, and every module the app imports goes through Node's loader thread).
 * `node` is this process's binary, or one of BENCH_NODES (where the ES module hooks may run on
 * another thread).
 */
function zeroCode(node = process.execPath) {
  const env = { ...process.env, TRACIUM_API_KEY: "tr-bench-key", TRACIUM_BASE_URL: "http://127.0.0.1:9" };
  const time = (args) => {
    const t0 = performance.now();
    const r = spawnSync(node, args, { env, stdio: "ignore", timeout: 60_000 });
    return r.status === 0 ? performance.now() - t0 : NaN;
  };
  const importOpenAI = ["--input-type=module", "-e", 'import "openai"'];
  const bare = [];
  const auto = [];
  const bareOpenAI = [];
  const autoOpenAI = [];
  const runs = smoke ? 1 : 15;
  for (let r = 0; r < runs + (smoke ? 0 : 1); r++) {
    const b = time(["-e", "0"]);
    const a = time(["--import", "@tracium/sdk/auto", "-e", "0"]);
    const bo = time(importOpenAI);
    const ao = time(["--import", "@tracium/sdk/auto", ...importOpenAI]);
    if (r === 0 && !smoke) continue;
    bare.push(b);
    auto.push(a);
    bareOpenAI.push(bo);
    autoOpenAI.push(ao);
  }
  // Where the loader's hooks run on that Node: the app's thread or Node's loader-hooks thread.
  const probe = spawnSync(node, ["--import", "@tracium/sdk/auto", "--input-type=module", "-e", 'import { zeroCodeStatus } from "@tracium/sdk"; console.log(zeroCodeStatus().esmHooks ?? "none")'], { env, encoding: "utf8", timeout: 60_000 });
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
  return {
    node: version,
    esmHooks: probe.stdout.trim() || `exit ${probe.status}`,
    runs: bare.length,
    bareMs: summary(bare),
    autoMs: summary(auto),
    addedMs: summary(pairedDiff(auto, bare)),
    openaiAppAddedMs: summary(pairedDiff(autoOpenAI, bareOpenAI)),
  };
}

/** Other Node binaries to measure zero code on (`npm run bench` passes the LTS lines the tests run on). */
function benchNodes() {
  try {
    const list = JSON.parse(process.env.BENCH_NODES ?? "[]");
    return Array.isArray(list) ? list.filter((p) => typeof p === "string" && p !== process.execPath) : [];
  } catch {
    return [];
  }
}

if (variantArg) {
  await child(variantArg);
} else {
  const runs = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  const errors = {};
  log(`startup: ${RUNS} runs × ${VARIANTS.length} variants, fresh processes`);
  for (let r = 0; r < RUNS + (smoke ? 0 : 1); r++) {
    for (let i = 0; i < VARIANTS.length; i++) {
      const v = VARIANTS[(i + r) % VARIANTS.length];
      const res = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), `--variant=${v}`], { encoding: "utf8", timeout: 60_000 });
      const line = res.stdout.split("\n").find((l) => l.startsWith("CHILD "));
      if (!line) {
        errors[v] = `exit ${res.status}: ${(res.stderr || "").trim().split("\n").slice(-3).join(" ")}`;
        continue;
      }
      if (r === 0 && !smoke) continue; // first pass warms the file system cache
      runs[v].push(JSON.parse(line.slice(6)));
    }
  }
  const out = {};
  const bareHeap = summary(runs.bare.map((x) => x.heapUsed)).median;
  const bareRss = summary(runs.bare.map((x) => x.rss)).median;
  for (const v of VARIANTS) {
    if (runs[v].length === 0) {
      out[v] = { error: errors[v] ?? "no run" };
      continue;
    }
    out[v] = {
      runs: runs[v].length,
      tracerMs: summary(runs[v].map((x) => x.tracerMs)),
      openaiMs: summary(runs[v].map((x) => x.openaiMs)),
      heapUsed: summary(runs[v].map((x) => x.heapUsed)),
      heapDelta: summary(runs[v].map((x) => x.heapUsed - bareHeap)),
      rssDelta: summary(runs[v].map((x) => x.rss - bareRss)),
      ...(errors[v] ? { error: errors[v] } : {}),
    };
  }
  out.zeroCode = zeroCode();
  out.zeroCodeOtherNodes = benchNodes().map((node) => zeroCode(node));
  emit({ bench: "startup", ...out });
}
