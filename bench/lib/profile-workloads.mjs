/** The Tracium-only workloads that profile.mjs runs under --cpu-prof (one per process). */
import * as tracium from "@tracium/core";
import { instrumentOpenAI } from "@tracium/openai";
import { startCollector } from "./collector.mjs";
import { freshOpenAI } from "./openai-copies.mjs";
import { chatRequest, startOpenAIServer } from "./openai-server.mjs";

const which = process.argv[2];
const attrs = (i, level) => ({ "app.user_id": "user-1234", "app.level": level, "app.iteration": i, "app.kind": "tool", "app.cached": false });

if (which === "spans") {
  const exporter = { name: "counting", export() {}, flush: () => Promise.resolve(), shutdown: () => Promise.resolve(), stats: () => ({ queued: 0, sent: 0, failed: 0, dropped: 0 }) };
  const client = tracium.init({ exporter, logLevel: "error" });
  for (let rep = 0; rep < 40; rep++) {
    const t = client.startTrace({ agentName: "profile" });
    t.run(() => {
      for (let i = 0; i < 5000; i++) {
        tracium.span({ name: "root", metadata: attrs(i, 0) }, () => {
          tracium.span({ name: "child", metadata: attrs(i, 1) }, () => {
            tracium.span({ name: "leaf", metadata: attrs(i, 2) }, () => undefined);
          });
        });
      }
    });
    t.end();
    await new Promise((r) => setImmediate(r));
  }
} else if (which === "export") {
  // Benchmark 5: spans with metadata, input and output, delivered by the HTTP exporter.
  const collector = await startCollector();
  const client = tracium.init({ apiKey: "tr-bench-key", baseUrl: collector.url, exporter: "tracium", logLevel: "error" });
  const input = { query: "refund policy for order 1234", top_k: 5 };
  const output = { documents: ["Refunds within 30 days.", "Keep the receipt."] };
  for (let rep = 0; rep < 40; rep++) {
    for (let t = 0; t < 4; t++) {
      const trace = client.startTrace({ agentName: "profile-export" });
      for (let i = 0; i < 1000; i++) {
        const span = trace.startSpan({ spanType: "tool", name: "lookup", metadata: attrs(i, 0) });
        span.recordInput(input);
        span.recordOutput(output);
        span.end();
      }
      trace.end();
    }
    await tracium.flush(60_000);
  }
  await tracium.shutdown(5_000);
  collector.close();
} else {
  const server = await startOpenAIServer();
  const collector = await startCollector();
  const mod = freshOpenAI();
  const client = tracium.init({ apiKey: "tr-bench-key", baseUrl: collector.url, exporter: "tracium", logLevel: "error" });
  instrumentOpenAI(mod);
  const openai = new mod.OpenAI({ apiKey: "sk-bench", baseURL: server.url, maxRetries: 0 });
  const calls = 4000;
  if (which === "in-trace") {
    for (let k = 0; k < calls / 50; k++) {
      await client.agentTrace({ agentName: "profile" }, async () => {
        for (let i = 0; i < 50; i++) await openai.chat.completions.create(chatRequest);
      });
    }
  } else {
    for (let i = 0; i < calls; i++) await openai.chat.completions.create(chatRequest);
  }
  await tracium.flush(30_000);
  await tracium.shutdown(5_000);
  await server.close();
  collector.close();
}
