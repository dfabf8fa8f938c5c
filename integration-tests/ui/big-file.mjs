// A big trace file for the scale test and the open benchmark: `count` finished traces of 4 spans
// each (llm and tool), about 2.5 KB a trace with the default `outputBytes`, so 100,000 traces make
// about 250 MB. Written as a stream: memory stays flat whatever the count.
import { createWriteStream } from "node:fs";

/** Writes the file; resolves when it is on disk. `outputBytes`: length of each span's output. */
export async function writeBigFile(file, count, outputBytes = 81) {
  const out = createWriteStream(file);
  const filler = "lorem ipsum dolor sit amet ".repeat(3);
  const output = "lorem ipsum dolor sit amet ".repeat(Math.ceil(outputBytes / 27)).slice(0, outputBytes);
  const t0 = Date.parse("2026-01-01T00:00:00Z");
  for (let i = 0; i < count; i++) {
    const id = `trace-${i}`;
    const at = (ms) => new Date(t0 + i * 1000 + ms).toISOString();
    const lines = [JSON.stringify({ type: "trace_start", trace_id: id, agent_name: `agent-${i % 7}`, tags: [`t${i % 5}`] })];
    for (let s = 0; s < 4; s++) {
      lines.push(
        JSON.stringify({
          type: "span", trace_id: id, id: `${id}-s${s}`, span_type: s % 2 ? "tool" : "llm", name: s % 2 ? "lookup" : "chat", status: "completed",
          started_at: at(s * 100), completed_at: at(s * 100 + 90), latency_ms: 90, parent_span_id: null, metadata: {}, tags: [],
          model_id: "gpt-4o-mini", input: { messages: [{ role: "user", content: `${filler} ${i}` }] }, output, input_tokens: 100, output_tokens: 20,
        }),
      );
    }
    lines.push(JSON.stringify({ type: "trace_end", trace_id: id, status: "completed", agent_name: `agent-${i % 7}`, started_at: at(0), completed_at: at(400), summary: { total_tokens: 240, llm_calls: 2 }, tags: [] }));
    if (!out.write(`${lines.join("\n")}\n`)) await new Promise((r) => out.once("drain", r));
  }
  await new Promise((r, reject) => {
    out.once("error", reject);
    out.end(r);
  });
}
