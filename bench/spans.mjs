/**
 * 1. Span cost: start + end of nested spans (root → child → grandchild) with 5 attributes each,
 * synchronous and across `await`, Tracium against the OpenTelemetry JS SDK (BasicTracerProvider +
 * BatchSpanProcessor + a no-op exporter, `startActiveSpan`, AsyncLocalStorage context manager).
 * A "no tracing" variant runs the same code without spans; its time is subtracted (net ns/span).
 * Both tracers export through a counting no-op exporter: every span is checked to be exported.
 */
import { setImmediate as tick } from "node:timers/promises";
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

/** Runs `units` units in chunks, yielding to the event loop between chunks. */
function sampler(unit, isAsync, wrap = (fn) => fn(), flush = () => undefined) {
  return async (units) => {
    let done = 0;
    while (done < units) {
      const n = Math.min(CHUNK, units - done);
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
  const result = { mode, rounds: ROUNDS, unitsPerSample: UNITS, spansPerUnit: DEPTH };
  for (const metric of ["cpu", "wall"]) {
    const perSpan = Object.fromEntries(Object.entries(perUnit).map(([k, v]) => [k, v[metric].map((x) => x / DEPTH)]));
    const netOtel = pairedDiff(perSpan.otel, perSpan.none);
    const netTracium = pairedDiff(perSpan.tracium, perSpan.none);
    result[metric] = {
      rawNsPerSpan: { none: summary(perSpan.none), otel: summary(perSpan.otel), tracium: summary(perSpan.tracium) },
      netNsPerSpan: { otel: summary(netOtel), tracium: summary(netTracium) },
      ratio: ratioOfMedians(netTracium, netOtel),
    };
  }
  return {
    ...result,
    exported: {
      expected,
      otel: otelExported - otelBefore,
      tracium: traciumExported - traciumBefore,
    },
  };
}

const sync = await measure("sync");
const awaited = await measure("await");
emit({ bench: "spans", sync, await: awaited, sink: sink > 0 });
await client.shutdown();
await provider.shutdown();
