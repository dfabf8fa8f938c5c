/**
 * Experiment: CPU the Tracium HTTP exporter alone costs per implicit trace (create, one span,
 * complete: four records, three requests) against the local collector, samples of 70 traces each
 * followed by a flush, as in benchmark 2a. Isolates delivery from the patched call.
 * Usage: node experiments/implicit-export.mjs [--smoke]
 */
import { TraciumHttpExporter } from "@tracium/core";
import { emit, log, smoke } from "../lib/cli.mjs";
import { startCollector } from "../lib/collector.mjs";
import { summary } from "../lib/stats.mjs";

const collector = await startCollector();
const e = new TraciumHttpExporter({ apiKey: "tr-bench-key", baseUrl: collector.url, sdkVersion: "bench" });
const SAMPLES = smoke ? 2 : 60;
const TRACES = 70;
let n = 0;
function records() {
  const now = Date.now();
  const trace = { id: `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`, agentName: "bench", modelId: undefined, version: undefined, workspaceId: undefined, tags: [], metadata: {}, status: "in_progress", startedAt: now, endedAt: undefined, error: undefined, summary: {}, systemPrompt: undefined };
  const span = { id: `10000000-0000-4000-8000-${String(n).padStart(12, "0")}`, traceId: trace.id, parentSpanId: undefined, spanType: "llm", name: "chat", status: "in_progress", startedAt: now, endedAt: undefined, latencyMs: undefined, depth: 0, modelId: "gpt-4o-mini", input: { messages: [{ role: "user", content: "hello" }] }, output: undefined, tools: undefined, toolCalls: undefined, error: undefined, usage: {}, metadata: {}, tags: [] };
  return { trace, span };
}
const cpu = [];
for (let s = 0; s < SAMPLES + 5; s++) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < TRACES; i++) {
    const { trace, span } = records();
    e.export({ kind: "trace_start", trace });
    e.export({ kind: "span_start", trace, span });
    Object.assign(span, { status: "completed", endedAt: Date.now(), latencyMs: 1, output: { role: "assistant", content: "hi" }, usage: { inputTokens: 5, outputTokens: 2 } });
    e.export({ kind: "span_end", trace, span });
    Object.assign(trace, { status: "completed", endedAt: Date.now() });
    e.export({ kind: "trace_end", trace });
  }
  await e.flush(30_000);
  const c = process.cpuUsage(c0);
  if (s >= 5) cpu.push((c.user + c.system) / TRACES);
}
const st = await collector.stats();
log(`CPU µs per implicit trace: ${JSON.stringify(summary(cpu))}; requests ${st.requests}, stats ${JSON.stringify(e.stats())}`);
emit({ experiment: "implicit-export", cpuUsPerTrace: summary(cpu), requests: st.requests });
await e.shutdown(2_000);
collector.close();
