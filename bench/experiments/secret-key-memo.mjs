/**
 * Experiment behind a suggested fix (bench/README.md): span cost with `isSecretKey` memoised.
 * Loads the built @tracium/core twice — as built, and a temporary copy with the one function
 * replaced — and runs benchmark 1's nested spans (sync and across await) for OTel, Tracium as
 * built, and the patched copy, interleaved. Nothing outside bench/ is modified.
 * Usage: node experiments/secret-key-memo.mjs [--smoke]
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { setImmediate as tick } from "node:timers/promises";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { emit, log, smoke } from "../lib/cli.mjs";
import { runRounds } from "../lib/rounds.mjs";
import { pairedDiff, ratioOfMedians, summary } from "../lib/stats.mjs";

const require = createRequire(import.meta.url);
const builtPath = require.resolve("@tracium/core").replace(/index\.cjs$/, "index.js");
const source = readFileSync(builtPath, "utf8");
const ORIGINAL = /function isSecretKey\(key\) \{\n  const k = key\.toLowerCase\(\)\.replace\(\/\[-_\\s\.\]\/g, ""\);\n  if \(SECRET_KEYS\.has\(k\)\) return true;\n  return (k\.endsWith[^\n]+);\n\}/;
const match = ORIGINAL.exec(source);
if (!match) {
  emit({ experiment: "secret-key-memo", error: "isSecretKey not found in the built core (changed since this experiment was written)" });
  process.exit(0);
}
const MEMOISED = `var SECRET_KEY_CACHE = new Map();
function isSecretKey(key) {
  const hit = SECRET_KEY_CACHE.get(key);
  if (hit !== void 0) return hit;
  const k = key.toLowerCase().replace(/[-_\\s.]/g, "");
  const secret = SECRET_KEYS.has(k) || ${match[1]};
  if (key.length <= 64) {
    if (SECRET_KEY_CACHE.size >= 4096) SECRET_KEY_CACHE.clear();
    SECRET_KEY_CACHE.set(key, secret);
  }
  return secret;
}`;
const dir = mkdtempSync(join(tmpdir(), "tracium-memo-"));
const patchedPath = join(dir, "index.js");
// The built file imports only node: built-ins, so the copy loads from anywhere.
writeFileSync(patchedPath, source.replace(ORIGINAL, MEMOISED));
const built = await import(pathToFileURL(builtPath).href);
const patched = await import(pathToFileURL(patchedPath).href);

const counting = { name: "counting", export() {}, flush: () => Promise.resolve(), shutdown: () => Promise.resolve(), stats: () => ({ queued: 0, sent: 0, failed: 0, dropped: 0 }) };
const clientOf = (m) => new m.TraciumClient(m.resolveConfig({ exporter: counting, logLevel: "error" }));
const builtClient = clientOf(built);
const patchedClient = clientOf(patched);

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor({ export: (s, done) => done({ code: 0 }), shutdown: () => Promise.resolve() })] });
const tracer = provider.getTracer("bench");
const attrs = (i, level) => ({ "app.user_id": "user-1234", "app.level": level, "app.iteration": i, "app.kind": "tool", "app.cached": false });

const traciumUnit = (m) => (i) =>
  m.span({ name: "root", metadata: attrs(i, 0) }, () => m.span({ name: "child", metadata: attrs(i, 1) }, () => m.span({ name: "leaf", metadata: attrs(i, 2) }, () => undefined)));
const traciumAsyncUnit = (m) => (i) =>
  m.span({ name: "root", metadata: attrs(i, 0) }, async () => {
    await m.span({ name: "child", metadata: attrs(i, 1) }, async () => {
      await m.span({ name: "leaf", metadata: attrs(i, 2) }, async () => {
        await null;
      });
    });
  });
const otelUnit = (i) =>
  tracer.startActiveSpan("root", { attributes: attrs(i, 0) }, (a) => {
    tracer.startActiveSpan("child", { attributes: attrs(i, 1) }, (b) => {
      tracer.startActiveSpan("leaf", { attributes: attrs(i, 2) }, (c) => c.end());
      b.end();
    });
    a.end();
  });
const otelAsyncUnit = (i) =>
  tracer.startActiveSpan("root", { attributes: attrs(i, 0) }, async (a) => {
    await tracer.startActiveSpan("child", { attributes: attrs(i, 1) }, async (b) => {
      await tracer.startActiveSpan("leaf", { attributes: attrs(i, 2) }, async (c) => {
        await null;
        c.end();
      });
      b.end();
    });
    a.end();
  });
const plainAsyncUnit = async () => {
  await (async () => {
    await (async () => {
      await null;
    })();
  })();
};

const sampler = (unit, isAsync, client) => async (units) => {
  for (let done = 0; done < units; done += 100) {
    const chunk = async () => {
      for (let i = 0; i < 100; i++) isAsync ? await unit(done + i) : unit(done + i);
    };
    if (client) {
      const t = client.startTrace({ agentName: "bench" });
      await t.run(chunk);
      t.end();
    } else await chunk();
    await tick();
  }
  if (!client) await provider.forceFlush();
};

const out = { experiment: "secret-key-memo" };
for (const mode of ["sync", "await"]) {
  const a = mode === "await";
  log(`secret-key memo experiment (${mode})`);
  const res = await runRounds(
    [
      { name: "none", sample: sampler(a ? plainAsyncUnit : () => undefined, a) },
      { name: "otel", sample: sampler(a ? otelAsyncUnit : otelUnit, a) },
      { name: "built", sample: sampler(a ? traciumAsyncUnit(built) : traciumUnit(built), a, builtClient) },
      { name: "memoised", sample: sampler(a ? traciumAsyncUnit(patched) : traciumUnit(patched), a, patchedClient) },
    ],
    { rounds: smoke ? 2 : 30, warmup: smoke ? 0 : 5, ops: smoke ? 100 : 2000 },
  );
  const net = (k) => pairedDiff(res[k].cpu, res.none.cpu).map((x) => x / 3);
  out[mode] = {
    netNsPerSpan: { otel: summary(net("otel")), built: summary(net("built")), memoised: summary(net("memoised")) },
    ratioBuilt: ratioOfMedians(net("built"), net("otel")),
    ratioMemoised: ratioOfMedians(net("memoised"), net("otel")),
  };
}
emit(out);
