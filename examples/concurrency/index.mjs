// Many concurrent spans in one trace, the way a thread pool would run them: 4 workers take 12
// documents off a queue; each document is a `tool` span with an `llm` call inside. The async
// context keeps every span under the right parent although they all run interleaved.
//
//   node concurrency/index.mjs          (no OPENAI_API_KEY: runs against a local fake provider)
import OpenAI from "openai";
import * as tracium from "@tracium/sdk";
import { useProvider } from "../fake-provider/index.mjs";

const provider = await useProvider();
tracium.init();
tracium.instrument(OpenAI);
const openai = new OpenAI({ maxRetries: 1 });

const WORKERS = 4;
const documents = Array.from({ length: 12 }, (_, i) => ({ id: `doc-${i + 1}`, text: `Quarterly report number ${i + 1}: revenue grew ${i + 2}%.` }));

async function summarize(doc) {
  return tracium.span({ spanType: "tool", name: `summarize ${doc.id}`, input: { id: doc.id } }, async (span) => {
    const res = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Summarize in one short sentence." },
        { role: "user", content: doc.text },
      ],
    });
    const summary = res.choices[0].message.content;
    span.recordOutput(summary);
    return summary;
  });
}

/** A fixed-size pool: `size` workers pull from one queue until it is empty. */
async function pool(items, size, fn) {
  const queue = [...items];
  const results = [];
  const worker = async (w) =>
    tracium.span({ spanType: "agent", name: `worker-${w}` }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) results.push(await fn(item));
    });
  await Promise.all(Array.from({ length: size }, (_, w) => worker(w + 1)));
  return results;
}

await tracium.agentTrace({ agentName: "batch-summarizer", tags: ["example", "concurrency"] }, async (trace) => {
  const started = Date.now();
  const summaries = await pool(documents, WORKERS, summarize);
  trace.setSummary({ documents: summaries.length, workers: WORKERS });
  console.log(`summarized ${summaries.length} documents with ${WORKERS} workers in ${Date.now() - started} ms`);
});

await tracium.shutdown();
await provider.close();
