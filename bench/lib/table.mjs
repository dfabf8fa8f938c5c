/** Renders the one results table (Markdown) from the benchmarks' results. */
import { BASELINE, TOLERANCE } from "./baseline.mjs";
import { fmt } from "./stats.mjs";

const TARGET = 0.33;
const MB = 1024 * 1024;

const range = (s, unit = "", scale = 1) => (s && Number.isFinite(s.median) ? `${fmt(s.median / scale)}${unit} [${fmt(s.p25 / scale)}–${fmt(s.p75 / scale)}]` : "n/a");
const ratioCell = (s, vs) => (s && Number.isFinite(s.median) ? `${fmt(s.median, 2)}× [${fmt(s.p25, 2)}–${fmt(s.p75, 2)}]${vs ? ` vs ${vs}` : ""}` : "n/a");
const n = (x) => (typeof x === "number" ? x.toLocaleString("en-US") : "n/a");

/** openai targets (issue 16): implicit trace ≤ 1.5× OpenLLMetry + OTLP, inside a trace ≤ 0.75× OpenLLMetry, like with like (both exporting, or neither). */
const IMPLICIT_TARGET = 1.5;
const IN_TRACE_TARGET = 0.75;
/** Zero-code start-up target (issue 16): `--import @tracium/sdk/auto` adds ≤ 100 ms to `node -e 0`. */
const ZERO_CODE_MS = 100;

/** Span cost target (issue 16): ≤ 0.5× OTel's CPU; stretch 0.33×. */
const SPAN_TARGET = 0.5;

function spanRow(id, what, m, judge) {
  const c = m.cpu;
  const e = m.exported;
  const allExported = e.tracium === e.expected && e.otel === e.expected;
  return [
    id,
    what,
    range(c.netNsPerSpan.tracium, " ns"),
    range(c.netNsPerSpan.otel, " ns"),
    "–",
    "–",
    ratioCell(c.ratio, "OTel"),
    `≤ ${SPAN_TARGET}× (stretch ${TARGET}×)`,
    judge(c.ratio.median <= SPAN_TARGET && allExported) + (c.ratio.median <= TARGET && allExported ? " (stretch met)" : ""),
    `exported ${n(e.tracium)} / ${n(e.otel)} of ${n(e.expected)}; wall ratio ${fmt(m.wall.ratio.median, 2)}×`,
  ];
}

export function renderTable(results, machine) {
  const rows = [];
  const smoke = machine.smoke;
  const judge = (ok) => (smoke ? "smoke run (not judged)" : ok ? "met" : "**MISSED**");
  const failedRow = (id, what, r) => rows.push([id, what, `benchmark failed: ${r.error}`, "", "", "", "", "", "**NOT RUN**", ""]);

  const spans = results.spans;
  if (spans?.error) failedRow("1", "span cost", spans);
  else if (spans) {
    for (const [id, mode, label] of [["1a", "sync", "sync"], ["1b", "await", "across await"]]) {
      const m = spans[mode];
      rows.push(spanRow(id, `span cost, ${label}: CPU ns per span, net of the untraced code (nested ×3, 5 attributes)`, m, judge));
    }
    const long = spans.longLived;
    for (const [id, shape, label] of [["1c", "flat", "flat (10 sibling spans)"], ["1d", "nested", "nested 10 deep, sync"], ["1e", "await", "nested 10 deep across await"]]) {
      if (long?.[shape]) rows.push(spanRow(id, `span cost in one long-lived trace after a major GC, ${label}: CPU ns per span, net (5 attributes)`, long[shape], judge));
    }
    const ev = spans.events;
    if (ev) {
      rows.push([
        "1f",
        "span event path: CPU ns per span, flat spans (metadata + output) in a long-lived trace, default client vs one with a no-op subscriber on every span event",
        `${range(ev.netNsPerSpan.tracium, " ns")}; subscribed ${range(ev.netNsPerSpan.subscribed, " ns")}`,
        "–",
        "–",
        "–",
        `${fmt(ev.ratio.median, 3)}× [${fmt(ev.ratio.p25, 3)}–${fmt(ev.ratio.p75, 3)}] subscribed ÷ default`,
        "unsubscribed events cost nothing measurable",
        "info",
        `a subscriber on all 8 events adds ${range(ev.addedNsPerSpan, " ns")} per span (4 events each); an event nobody subscribes to is one property read; events seen ${n(ev.eventsSeen)} of ${n(ev.eventsExpected)}`,
      ]);
    }
  }

  const oa = results.openai;
  if (oa?.error) failedRow("2", "openai overhead", oa);
  else if (oa) {
    const peerName = { openllmetry: "OpenLLMetry", langfuse: "Langfuse" };
    for (const [id, key, label] of [["2a", "nonStream", "non-stream"], ["2b", "stream", "stream: true"], ["2c", "conversation", "agent conversation (non-stream, 15 turns, ~45 KB request)"]]) {
      const m = oa[key];
      if (!m) continue; // results from before the conversation mode
      const x = m.exported;
      const counted =
        x.tracium.spansCompleted === x.tracium.calls &&
        x.tracium.tracesEnded === x.tracium.expectedTraces &&
        x.openllmetry.spans === x.openllmetry.calls &&
        x.otlp.spans === x.otlp.calls;
      const checks = `spans received: Tracium ${n(x.tracium.spansCompleted)}/${n(x.tracium.calls)} (traces ${n(x.tracium.tracesEnded)}/${n(x.tracium.expectedTraces)}, ${n(x.tracium.requests)} requests), OpenLLMetry ${n(x.openllmetry.spans)}/${n(x.openllmetry.calls)}, OTLP ${n(x.otlp.spans)}/${n(x.otlp.calls)}`;
      const c = m.cpu;
      const l = m.latency;
      // Issue 16's targets, like with like; older results fall back to the ratios they have.
      const vsOtlp = c.ratioVsOpenllmetryOtlp ?? c.ratio;
      const inTrace = c.ratioInTraceVsOpenllmetryOtlp ?? c.ratioInTraceVsOpenllmetry ?? c.ratioInTrace;
      const inTraceMixed = c.ratioInTraceVsOpenllmetry;
      const counting = c.ratioInTraceCountingVsOpenllmetry;
      const inTraceLatency = l.ratioInTraceVsOpenllmetryOtlp ?? l.ratioInTraceVsOpenllmetry ?? l.ratioInTrace;
      rows.push([
        id,
        `openai ${label}: CPU µs added per call over bare, export included (each call its own trace)`,
        range(c.addedUs.tracium, " µs"),
        "–",
        `${range(c.addedUs["openllmetry-otlp"], " µs")} with its OTLP exporter (no-op exporter: ${fmt(c.addedUs.openllmetry.median)} µs)`,
        range(c.addedUs.langfuse, " µs"),
        ratioCell(vsOtlp, "OpenLLMetry + OTLP"),
        `≤ ${IMPLICIT_TARGET}×`,
        judge(vsOtlp.median <= IMPLICIT_TARGET && counted),
        `${checks}; bare ${fmt(c.usPerCall.bare.median)} µs CPU per call`,
      ]);
      rows.push([
        `${id}′`,
        `openai ${label}: latency added to the median call, µs (each call its own trace)`,
        range(l.addedUs.tracium, " µs"),
        "–",
        `${range(l.addedUs.openllmetry, " µs")} (OTLP exporter: ${fmt(l.addedUs["openllmetry-otlp"].median)} µs)`,
        range(l.addedUs.langfuse, " µs"),
        ratioCell(l.ratio, peerName[l.bestPeer]),
        "–",
        "info",
        `bare median call ${fmt(l.usPerCall.bare.median)} µs`,
      ]);
      rows.push([
        `${id}″`,
        `openai ${label}: CPU µs added per call, export included on both sides, calls inside one agent trace`,
        range(c.addedUs["tracium-in-trace"], " µs"),
        "–",
        `${range(c.addedUs["openllmetry-otlp"], " µs")} with its OTLP exporter`,
        range(c.addedUs.langfuse, " µs"),
        ratioCell(inTrace, "OpenLLMetry + OTLP"),
        `≤ ${IN_TRACE_TARGET}×`,
        judge(inTrace.median <= IN_TRACE_TARGET && counted),
        `same calls as ${id}, one agent trace per sample of ${m.callsPerSample}${inTraceMixed ? `; against OpenLLMetry's no-op exporter (Tracium exporting, OpenLLMetry not): ${fmt(inTraceMixed.median, 2)}×` : ""}`,
      ]);
      if (counting && c.addedUs["tracium-in-trace-counting"]) {
        const countedToo = x.traciumCounting ? x.traciumCounting.spans === x.traciumCounting.calls : false;
        rows.push([
          `${id}⁗`,
          `openai ${label}: CPU µs added per call, neither side exporting (counting exporters), calls inside one agent trace`,
          range(c.addedUs["tracium-in-trace-counting"], " µs"),
          "–",
          `${range(c.addedUs.openllmetry, " µs")} with a no-op exporter`,
          "–",
          ratioCell(counting, "OpenLLMetry"),
          `≤ ${IN_TRACE_TARGET}×`,
          judge(counting.median <= IN_TRACE_TARGET && countedToo && counted),
          `the call path alone; spans counted: Tracium ${x.traciumCounting ? `${n(x.traciumCounting.spans)}/${n(x.traciumCounting.calls)}` : "n/a"}`,
        ]);
      }
      rows.push([
        `${id}‴`,
        `openai ${label}: latency added to the median call, µs, calls inside one agent trace`,
        range(l.addedUs["tracium-in-trace"], " µs"),
        "–",
        `${range(l.addedUs["openllmetry-otlp"], " µs")} with its OTLP exporter (no-op exporter: ${fmt(l.addedUs.openllmetry.median)} µs)`,
        range(l.addedUs.langfuse, " µs"),
        ratioCell(inTraceLatency, "OpenLLMetry + OTLP"),
        "≤ 1×",
        judge(inTraceLatency.median <= 1 && counted),
        "what the caller waits on the call path (background export excluded)",
      ]);
    }
  }

  const mem = results.memory;
  if (mem?.error) failedRow("3a", "memory", mem);
  else if (mem) {
    const t = mem.tracium;
    const b = mem.bare;
    const lf = mem.langfuse;
    if (t?.error) rows.push(["3a", "memory, endpoint down", `failed: ${t.error}`, "", "", "", "", "", "**NOT RUN**", ""]);
    else {
      const last = t.points[t.points.length - 1];
      const accounted = last.queued + last.sent + last.failed + last.dropped + (last.superseded ?? 0);
      const bounded = Math.abs(t.growthBytesPerCall) < 16 && last.dropped > 0 && accounted === 4 * t.calls;
      const heapCap = BASELINE.memoryHeapMB * TOLERANCE.heap;
      rows.push([
        "3a",
        `heap after ${n(t.calls)} traced calls, export endpoint down (after GC)`,
        `${fmt(last.heapUsed / MB)} MB; ${fmt(t.growthBytesPerCall, 2)} B/call from ${n(t.growthFrom)} on`,
        "–",
        "–",
        lf && !lf.error ? `${fmt(lf.points[lf.points.length - 1].heapUsed / MB)} MB; ${fmt(lf.growthBytesPerCall, 2)} B/call (drops not exposed)` : `n/a${lf?.error ? ` (${lf.error.slice(0, 80)})` : ""}`,
        "–",
        `bounded by the queue cap, drops counted; no regression: ≤ ${fmt(heapCap)} MB (was ${fmt(BASELINE.memoryHeapMB)})`,
        judge(bounded && last.heapUsed / MB <= heapCap),
        `bare ${fmt(b.points[b.points.length - 1].heapUsed / MB)} MB; Tracium queued ${n(last.queued)} (cap 10,000), dropped ${n(last.dropped)}, failed ${n(last.failed)}, superseded ${n(last.superseded ?? 0)} records (4 per call, all accounted: ${accounted === 4 * t.calls ? "yes" : "no"})`,
      ]);
    }
  }

  const st = results.startup;
  if (st?.error) failedRow("3b/4", "start-up", st);
  else if (st) {
    const tr = st["tracium-sdk"]?.runs ? st["tracium-sdk"] : st["tracium-core"];
    const trName = st["tracium-sdk"]?.runs ? "@tracium/sdk" : "@tracium/core + @tracium/openai (sdk failed to load)";
    const core = st["tracium-core"];
    const ol = st.openllmetry;
    const lf = st.langfuse;
    const cell = (v, key, unit, scale) => (v?.runs ? range(v[key], unit, scale) : `n/a (${v?.error ?? "not run"})`);
    const best = (key) => Math.min(ol?.runs ? ol[key].median : Infinity, lf?.runs ? lf[key].median : Infinity);
    const bestName = (key) => ((ol?.runs ? ol[key].median : Infinity) <= (lf?.runs ? lf[key].median : Infinity) ? "OpenLLMetry" : "Langfuse");
    const idleCap = BASELINE.idleHeapMB * TOLERANCE.heap;
    const startupCap = BASELINE.startupVsLangfuse * TOLERANCE.startupRatio;
    const startupRatio = tr?.runs && lf?.runs ? tr.tracerMs.median / lf.tracerMs.median : NaN;
    rows.push([
      "3b",
      "idle heap after import + init, over `openai` alone (fresh processes, after GC)",
      `${cell(tr, "heapDelta", " MB", MB)}`,
      "–",
      cell(ol, "heapDelta", " MB", MB),
      cell(lf, "heapDelta", " MB", MB),
      tr?.runs ? `${fmt(tr.heapDelta.median / best("heapDelta"), 2)}× vs ${bestName("heapDelta")}` : "n/a",
      `no regression: ≤ ${fmt(idleCap, 2)} MB (was ${fmt(BASELINE.idleHeapMB, 2)})`,
      judge(tr?.runs !== undefined && tr.heapDelta.median / MB <= idleCap),
      `RSS over openai alone: Tracium ${tr?.runs ? fmt(tr.rssDelta.median / MB) : "n/a"} MB, OpenLLMetry ${ol?.runs ? fmt(ol.rssDelta.median / MB) : "n/a"} MB, Langfuse ${lf?.runs ? fmt(lf.rssDelta.median / MB) : "n/a"} MB; ${trName}`,
    ]);
    rows.push([
      "4",
      "start-up: import + init of the tracer, ms (openai's own import excluded)",
      `${cell(tr, "tracerMs", " ms")}`,
      "–",
      cell(ol, "tracerMs", " ms"),
      cell(lf, "tracerMs", " ms"),
      tr?.runs ? `${fmt(tr.tracerMs.median / best("tracerMs"), 2)}× vs ${bestName("tracerMs")}` : "n/a",
      // Absolute ms move with the load: judged as the ratio to Langfuse's import + init, same run.
      `no regression: ≤ ${fmt(startupCap, 2)}× Langfuse's (was ${fmt(BASELINE.startupVsLangfuse, 2)}×, ${fmt(BASELINE.startupMs)} ms)`,
      judge(startupRatio <= startupCap),
      `${trName}; core + openai plugin alone ${core?.runs ? fmt(core.tracerMs.median) : "n/a"} ms, ${core?.runs ? fmt(core.heapDelta.median / MB) : "n/a"} MB; ${tr?.runs ?? 0} runs each`,
    ]);
    // Row 4z is this Node; 4z-22, 4z-24 the other LTS lines (BENCH_NODES), where the hooks may run on the app's thread.
    const zeroCodeRow = (id, on, z, note) =>
      rows.push([
        id,
        `zero-code start-up${on}: wall ms \`node --import @tracium/sdk/auto -e 0\` adds over \`node -e 0\` (fresh processes, paired)`,
        range(z.addedMs, " ms"),
        "–",
        "–",
        "–",
        "–",
        `≤ ${ZERO_CODE_MS} ms`,
        judge(z.addedMs.median <= ZERO_CODE_MS),
        `${z.node ?? "this Node"} (ES module hooks: ${z.esmHooks ?? "n/a"}); node -e 0 ${fmt(z.bareMs.median)} ms, with the loader ${fmt(z.autoMs.median)} ms; an app that imports openai first (\`--input-type=module -e 'import "openai"'\`): +${z.openaiAppAddedMs ? fmt(z.openaiAppAddedMs.median) : "n/a"} ms, zero code's whole cost to it (hooks, SDK, patching); ${note}${z.runs} runs`,
      ]);
    if (st.zeroCode) zeroCodeRow("4z", "", st.zeroCode, "init() in code: row 4; ");
    for (const [i, other] of (st.zeroCodeOtherNodes ?? []).entries()) {
      const major = /^v(\d+)/.exec(other.node ?? "")?.[1] ?? String(i + 1);
      zeroCodeRow(`4z-${major}`, ` on Node ${major}`, other, "");
    }
  }

  const ex = results.export;
  if (ex?.error) failedRow("5", "export throughput", ex);
  else if (ex) {
    const d = ex.delivered;
    rows.push([
      "5",
      `export throughput: spans/s created, serialised and delivered over HTTP to a local collector (${n(ex.spansPerSample)} spans per sample)`,
      range(ex.spansPerSecond.tracium, "/s"),
      `${range(ex.spansPerSecond.otel, "/s")} (OTLP/HTTP JSON)`,
      "–",
      "–",
      ratioCell(ex.ratio, "OTel"),
      "≥ 1×",
      judge(ex.ratio.median >= 1 && d.tracium === d.expected && d.otel === d.expected),
      `delivered ${n(d.tracium)} / ${n(d.otel)} of ${n(d.expected)} in ${n(d.traciumRequests)} / ${n(d.otelRequests)} requests`,
    ]);
    if (ex.cpuRatio) {
      rows.push([
        "5b",
        "span cost with both sides' real exporters: CPU µs per span created, serialised and delivered (Tracium HTTP exporter vs BatchSpanProcessor + OTLP/HTTP)",
        range(ex.cpuUsPerSpan.tracium, " µs"),
        range(ex.cpuUsPerSpan.otel, " µs"),
        "–",
        "–",
        ratioCell(ex.cpuRatio, "OTel"),
        "≤ 1×",
        judge(ex.cpuRatio.median <= 1 && d.tracium === d.expected && d.otel === d.expected),
        "same samples as row 5; every span counted at the collector",
      ]);
    }
  }

  const co = results.cost;
  if (co?.error) failedRow("6", "cost lookup", co);
  else if (co) {
    rows.push([
      "6",
      "cost lookup: CPU ns added to an llm span's end by pricing it (cost on vs off, paired rounds)",
      range(co.addedNs, " ns"),
      "–",
      "–",
      "–",
      "–",
      "≤ 2,000 ns",
      judge(co.addedNs.median <= 2000 && co.pricedEvery),
      `every span priced: ${co.pricedEvery}; ${n(co.spans)} spans per sample, 4 models of 3 providers`,
    ]);
  }

  const de = results.delivery;
  if (de?.error) failedRow("7", "delivery under API faults", de);
  else if (de) {
    const faults = Object.keys(de.serverless);
    const worst = Math.max(...faults.filter((f) => f !== "healthy").map((f) => de.exitMs[f].max));
    rows.push([
      "7a",
      `exit latency: ms from an app's last call to its exit, no flush() (${de.runs} fresh processes per fault; worst fault's max)`,
      `${fmt(worst)} ms`,
      "–",
      "–",
      "–",
      "–",
      "≤ 2,000 ms",
      judge(worst <= 2000),
      `median per fault: ${["tracing off", ...faults].map((f) => `${f} ${fmt(de.exitMs[f].median)}`).join(", ")} ms`,
    ]);
    const failing = faults.filter((f) => f !== "healthy");
    const worstFirst = Math.max(...failing.map((f) => de.serverless[f].firstMs));
    const worstLater = Math.max(...failing.map((f) => de.serverless[f].laterMs.median));
    rows.push([
      "7b",
      `serverless (forceSync): ms agentTrace takes with the API failing, first trace / median of the ${de.laterTraces} after it (worst fault)`,
      `${fmt(worstFirst)} / ${fmt(worstLater)} ms`,
      "–",
      "–",
      "–",
      "–",
      // The budget bounds the attempt; its timer and the trace's own work may add a few ms.
      `≤ ${fmt(de.budgetMs)} + 100 / ≤ 5 ms`,
      judge(worstFirst <= de.budgetMs + 100 && worstLater <= 5),
      `per fault (first / later median): ${faults.map((f) => `${f} ${fmt(de.serverless[f].firstMs)} / ${fmt(de.serverless[f].laterMs.median)}`).join(", ")} ms`,
    ]);
  }

  const header = ["#", "measure (median [p25–p75] over interleaved rounds)", "Tracium", "OTel JS SDK", "OpenLLMetry", "Langfuse", "Tracium ÷ peer (ratio of medians [bootstrap p25–p75])", "target", "status", "checks"];
  const esc = (s) => String(s).replace(/\|/g, "\\|");
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node} (${machine.platform}); load average ${machine.loadAvgStart.join(" ")} at start, ${machine.loadAvgEnd?.join(" ") ?? "?"} at end; ${machine.date}; ${machine.totalSeconds ?? "?"} s${smoke ? "; SMOKE RUN: tiny counts, figures meaningless" : ""}`,
    "",
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ];
  if (!smoke) {
    // One line that says plainly which targets this run met (status column; "info" rows have none).
    const ids = (status) => rows.filter((r) => String(r[8]).startsWith(status)).map((r) => r[0]);
    const met = ids("met");
    const missed = ids("**MISSED**");
    lines.push("", `Targets in this run: met ${met.length} (${met.join(", ") || "none"}); missed ${missed.length} (${missed.join(", ") || "none"}).`);
  }
  return lines.join("\n");
}
