/**
 * 1. Span cost: start + end of spans with 5 attributes each, Tracium against the OpenTelemetry JS
 * SDK (BasicTracerProvider + BatchSpanProcessor + a no-op exporter, `startActiveSpan`,
 * AsyncLocalStorage context manager). A "no tracing" variant runs the same code without spans;
 * its time is subtracted (net ns/span). Both tracers export through a counting no-op exporter:
 * every span is checked to be exported.
 *
 * Two families of shapes:
 * - short traces (1a, 1b): nested ×3 (root → child → leaf), sync and across `await`, one trace
 *   per chunk of 100 units;
 * - one long-lived trace (1c–1e), the usual agent shape: every sample of a variant runs inside the
 *   same trace (OTel: the same active root span), created before the first round and pushed into
 *   old space by forced major GCs. Flat (10 sibling spans per unit), nested 10 deep sync, nested
 *   10 deep across `await`. Anything the trace keeps per open span that the old trace points at
 *   (a Set of open spans) makes every short-lived span survive minor GCs: this is where it shows.
 */
import { setImmediate as tick } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { context, trace as otelTrace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import * as tracium from "@tracium/core";
import { emit, log, smoke } from "./lib/cli.mjs";
import { runRounds } from "./lib/rounds.mjs";
import { pairedDiff, ratioOfMedians, summary } from "./lib/stats.mjs";

const DEPTH = 3; // spans per unit
const CHUNK = 100; // units between yields to the event loop (lets the OTel batch processor drain)
const ROUNDS = smoke ? 2 : 40;
const WARMUP = smoke ? 1 : 5;
const UNITS = smoke ? 50 : 2000; // units per sample
const LONG = 10; // spans per unit in the long-lived trace shapes
const LONG_CHUNK = 20; // units between yields there (200 spans: within the OTel batch queue)
const LONG_UNITS = smoke ? 20 : 600;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

// --- OpenTelemetry JS SDK -----------------------------------------------------------------------
let otelExported = 0;
const noopSpanExporter = {
  export(spans, done) {
    otelExported += spans.length;
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(noopSpanExporter)] });
const tracer = provider.getTracer("bench");

// --- Tracium ------------------------------------------------------------------------------------
let traciumExported = 0;
const countingExporter = {
  name: "counting",
  export(record) {
    if (record.kind === "span_end") traciumExported++;
  },
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
  stats: () => ({ queued: 0, sent: traciumExported, failed: 0, dropped: 0 }),
};
const client = tracium.init({ exporter: countingExporter, logLevel: "error" });

const attrs = (i, level) => ({
  "app.user_id": "user-1234",
  "app.level": level,
  "app.iteration": i,
  "app.kind": "tool",
  "app.cached": false,
});

let sink = 0; // keeps the work from being optimised away

// Synchronous units.
function plainSync(i) {
  sink += attrs(i, 0)["app.level"] + attrs(i, 1)["app.level"] + attrs(i, 2)["app.level"];
}
function otelSync(i) {
  tracer.startActiveSpan("root", { attributes: attrs(i, 0) }, (a) => {
    tracer.startActiveSpan("child", { attributes: attrs(i, 1) }, (b) => {
      tracer.startActiveSpan("leaf", { attributes: attrs(i, 2) }, (c) => {
        sink++;
        c.end();
      });
      b.end();
    });
    a.end();
  });
}
function traciumSync(i) {
  tracium.span({ name: "root", metadata: attrs(i, 0) }, () => {
    tracium.span({ name: "child", metadata: attrs(i, 1) }, () => {
      tracium.span({ name: "leaf", metadata: attrs(i, 2) }, () => {
        sink++;
      });
    });
  });
}

// Units across await: each level awaits its child, the leaf awaits a resolved promise.
async function plainAsync(i) {
  const leaf = async () => {
    await null;
    sink += attrs(i, 2)["app.level"];
  };
  const child = async () => {
    sink += attrs(i, 1)["app.level"];
    await leaf();
  };
  sink += attrs(i, 0)["app.level"];
  await child();
}
function otelAsync(i) {
  return tracer.startActiveSpan("root", { attributes: attrs(i, 0) }, async (a) => {
    await tracer.startActiveSpan("child", { attributes: attrs(i, 1) }, async (b) => {
      await tracer.startActiveSpan("leaf", { attributes: attrs(i, 2) }, async (c) => {
        await null;
        sink++;
        c.end();
      });
      b.end();
    });
    a.end();
  });
}
function traciumAsync(i) {
  return tracium.span({ name: "root", metadata: attrs(i, 0) }, async () => {
    await tracium.span({ name: "child", metadata: attrs(i, 1) }, async () => {
      await tracium.span({ name: "leaf", metadata: attrs(i, 2) }, async () => {
        await null;
        sink++;
      });
    });
  });
}

// Long-lived trace shapes: flat (10 siblings), nested 10 deep sync, nested 10 deep across await.
function plainFlat(i) {
  for (let k = 0; k < LONG; k++) sink += attrs(i, k)["app.level"];
}
function otelFlat(i) {
  for (let k = 0; k < LONG; k++) {
    tracer.startActiveSpan("step", { attributes: attrs(i, k) }, (s) => {
      sink++;
      s.end();
    });
  }
}
function traciumFlat(i) {
  for (let k = 0; k < LONG; k++) {
    tracium.span({ name: "step", metadata: attrs(i, k) }, () => {
      sink++;
    });
  }
}
function plainDeep(i, level = 0) {
  sink += attrs(i, level)["app.level"];
  if (level + 1 < LONG) plainDeep(i, level + 1);
}
function otelDeep(i, level = 0) {
  tracer.startActiveSpan("level", { attributes: attrs(i, level) }, (s) => {
    if (level + 1 < LONG) otelDeep(i, level + 1);
    else sink++;
    s.end();
  });
}
function traciumDeep(i, level = 0) {
  tracium.span({ name: "level", metadata: attrs(i, level) }, () => {
    if (level + 1 < LONG) traciumDeep(i, level + 1);
    else sink++;
  });
}
async function plainDeepAsync(i, level = 0) {
  sink += attrs(i, level)["app.level"];
  if (level + 1 < LONG) await plainDeepAsync(i, level + 1);
  else await null;
}
function otelDeepAsync(i, level = 0) {
  return tracer.startActiveSpan("level", { attributes: attrs(i, level) }, async (s) => {
    if (level + 1 < LONG) await otelDeepAsync(i, level + 1);
    else await null;
    s.end();
  });
}
function traciumDeepAsync(i, level = 0) {
  return tracium.span({ name: "level", metadata: attrs(i, level) }, async () => {
    if (level + 1 < LONG) await traciumDeepAsync(i, level + 1);
    else await null;
  });
}

/** Runs `units` units in chunks, yielding to the event loop between chunks. */
function sampler(unit, isAsync, wrap = (fn) => fn(), flush = () => undefined, chunk = CHUNK) {
  return async (units) => {
    let done = 0;
    while (done < units) {
      const n = Math.min(chunk, units - done);
      if (isAsync) {
        await wrap(async () => {
          for (let i = 0; i < n; i++) await unit(done + i);
        });
      } else {
        wrap(() => {
          for (let i = 0; i < n; i++) unit(done + i);
        });
      }
      done += n;
      await tick();
    }
    await flush();
  };
}

/** The OTel batch processor's last partial batch is exported inside the sample that made it. */
const otelFlush = () => provider.forceFlush();

/** Tracium spans need a trace: one trace per chunk of units, started and ended inside the sample. */
const inTrace = (fn) => client.agentTrace({ agentName: "bench" }, () => fn());
const inTraceSync = (fn) => {
  const t = client.startTrace({ agentName: "bench" });
  try {
    return t.run(fn);
  } finally {
    t.end();
  }
};

async function measure(mode) {
  const isAsync = mode === "await";
  const variants = isAsync
    ? [
        { name: "none", sample: sampler(plainAsync, true) },
        { name: "otel", sample: sampler(otelAsync, true, undefined, otelFlush) },
        { name: "tracium", sample: sampler(traciumAsync, true, inTrace) },
      ]
    : [
        { name: "none", sample: sampler(plainSync, false) },
        { name: "otel", sample: sampler(otelSync, false, undefined, otelFlush) },
        { name: "tracium", sample: sampler(traciumSync, false, inTraceSync) },
      ];
  const otelBefore = otelExported;
  const traciumBefore = traciumExported;
  log(`spans (${mode}): ${ROUNDS} rounds × ${UNITS} units × ${DEPTH} spans`);
  const perUnit = await runRounds(variants, { rounds: ROUNDS, warmup: WARMUP, ops: UNITS, log });
  await provider.forceFlush();
  const expected = (ROUNDS + WARMUP) * UNITS * DEPTH;
  const result = { mode, rounds: ROUNDS, unitsPerSample: UNITS, spansPerUnit: DEPTH, ...perSpanFigures(perUnit, DEPTH) };
  return {
    ...result,
    exported: {
      expected,
      otel: otelExported - otelBefore,
      tracium: traciumExported - traciumBefore,
    },
  };
}

/** Per-span figures of one shape from the rounds: net of the untraced variant, ratio to OTel. */
function perSpanFigures(perUnit, spansPerUnit) {
  const out = {};
  for (const metric of ["cpu", "wall"]) {
    const perSpan = Object.fromEntries(Object.entries(perUnit).map(([k, v]) => [k, v[metric].map((x) => x / spansPerUnit)]));
    const netOtel = pairedDiff(perSpan.otel, perSpan.none);
    const netTracium = pairedDiff(perSpan.tracium, perSpan.none);
    out[metric] = {
      rawNsPerSpan: { none: summary(perSpan.none), otel: summary(perSpan.otel), tracium: summary(perSpan.tracium) },
      netNsPerSpan: { otel: summary(netOtel), tracium: summary(netTracium) },
      ratio: ratioOfMedians(netTracium, netOtel),
    };
  }
  return out;
}

/**
 * The long-lived shapes: one Tracium trace and one OTel root span, each active around every sample
 * of its variant for the whole run, promoted to old space by major GCs before the first round.
 */
async function measureLongLived() {
  const longTrace = client.startTrace({ agentName: "bench-long-lived" });
  const otelRoot = tracer.startSpan("long-lived");
  const otelCtx = otelTrace.setSpan(context.active(), otelRoot);
  const inLongTrace = (fn) => longTrace.run(fn);
  const inOtelRoot = (fn) => context.with(otelCtx, fn);
  gc();
  gc();
  const shapes = [
    ["flat", plainFlat, otelFlat, traciumFlat, false],
    ["nested", plainDeep, otelDeep, traciumDeep, false],
    ["await", plainDeepAsync, otelDeepAsync, traciumDeepAsync, true],
  ];
  const out = {};
  for (const [shape, plain, otel, tr, isAsync] of shapes) {
    const variants = [
      { name: "none", sample: sampler(plain, isAsync, undefined, undefined, LONG_CHUNK) },
      { name: "otel", sample: sampler(otel, isAsync, inOtelRoot, otelFlush, LONG_CHUNK) },
      { name: "tracium", sample: sampler(tr, isAsync, inLongTrace, undefined, LONG_CHUNK) },
    ];
    const otelBefore = otelExported;
    const traciumBefore = traciumExported;
    log(`spans (long-lived trace, ${shape}): ${ROUNDS} rounds × ${LONG_UNITS} units × ${LONG} spans`);
    const perUnit = await runRounds(variants, { rounds: ROUNDS, warmup: WARMUP, ops: LONG_UNITS, log });
    await provider.forceFlush();
    out[shape] = {
      mode: shape,
      rounds: ROUNDS,
      unitsPerSample: LONG_UNITS,
      spansPerUnit: LONG,
      ...perSpanFigures(perUnit, LONG),
      exported: { expected: (ROUNDS + WARMUP) * LONG_UNITS * LONG, otel: otelExported - otelBefore, tracium: traciumExported - traciumBefore },
    };
  }
  longTrace.end();
  otelRoot.end();
  return out;
}

// --long-only: just the long-lived trace shapes (a quicker run while working on the engine).
const longOnly = process.argv.includes("--long-only");
/**
 * The span event path: the same flat spans (metadata + an output each) in a long-lived trace of
 * the default client, and of a second client that has a no-op subscriber on every span event. The
 * difference bounds what the event path costs: an event nobody subscribes to does strictly less
 * (one property read) than one with a subscriber.
 */
async function measureEvents() {
  const subscribedClient = new tracium.TraciumClient(tracium.resolveConfig({ logLevel: "error" }), [countingExporter]);
  let events = 0;
  const count = () => void events++;
  subscribedClient.subscribe({
    traceStarted: count,
    spanStarted: count,
    inputRecorded: count,
    outputRecorded: count,
    toolCallsRecorded: count,
    metadataRecorded: count,
    spanEnded: count,
    traceEnded: count,
  });
  const plainTrace = client.startTrace({ agentName: "bench-events" });
  const subscribedTrace = subscribedClient.startTrace({ agentName: "bench-events" });
  gc();
  gc();
  const unit = (i) => {
    for (let k = 0; k < LONG; k++) {
      tracium.span({ name: "step", metadata: attrs(i, k) }, (s) => {
        s.recordOutput(k);
      });
    }
  };
  const plain = (i) => {
    for (let k = 0; k < LONG; k++) sink += attrs(i, k)["app.level"];
  };
  const variants = [
    { name: "none", sample: sampler(plain, false, undefined, undefined, LONG_CHUNK) },
    { name: "tracium", sample: sampler(unit, false, (fn) => plainTrace.run(fn), undefined, LONG_CHUNK) },
    { name: "subscribed", sample: sampler(unit, false, (fn) => subscribedTrace.run(fn), undefined, LONG_CHUNK) },
  ];
  log(`span events: ${ROUNDS} rounds × ${LONG_UNITS} units × ${LONG} spans`);
  const perUnit = await runRounds(variants, { rounds: ROUNDS, warmup: WARMUP, ops: LONG_UNITS, log });
  const perSpan = Object.fromEntries(Object.entries(perUnit).map(([k, v]) => [k, v.cpu.map((x) => x / LONG)]));
  const netPlain = pairedDiff(perSpan.tracium, perSpan.none);
  const netSubscribed = pairedDiff(perSpan.subscribed, perSpan.none);
  plainTrace.end();
  subscribedTrace.end();
  await subscribedClient.shutdown();
  const spans = (ROUNDS + WARMUP) * LONG_UNITS * LONG;
  return {
    netNsPerSpan: { tracium: summary(netPlain), subscribed: summary(netSubscribed) },
    addedNsPerSpan: summary(pairedDiff(perSpan.subscribed, perSpan.tracium)),
    ratio: ratioOfMedians(netSubscribed, netPlain),
    // per span: started, metadata, output, ended (+ the trace's start and end)
    eventsSeen: events,
    eventsExpected: spans * 4 + 2,
  };
}

const sync = longOnly ? undefined : await measure("sync");
const awaited = longOnly ? undefined : await measure("await");
const longLived = await measureLongLived();
const events = await measureEvents();
emit({ bench: "spans", sync, await: awaited, longLived, events, sink: sink > 0 });
await client.shutdown();
await provider.shutdown();
