// Support bot with the OpenAI SDK, traced explicitly: one trace per ticket, with the tool calls
// as `tool` spans and each OpenAI call as an `llm` span (model, tokens, latency, time to first token).
//
//   node support-bot/index.mjs          (no OPENAI_API_KEY: runs against a local fake provider)
//   npx @tracium/sdk view               (prints the traces from .tracium/traces.jsonl)
import OpenAI from "openai";
import * as tracium from "@tracium/sdk";
import { useProvider } from "../fake-provider/index.mjs";
import { answerTicket, TICKETS, tools } from "./bot.mjs";

const provider = await useProvider();
tracium.init(); // TRACIUM_* variables; no TRACIUM_API_KEY: traces go to .tracium/traces.jsonl
tracium.instrument(OpenAI); // every chat.completions.create becomes an `llm` span

const openai = new OpenAI({ maxRetries: 1 });
// The same tools, each call a `tool` span with its arguments and result.
const tracedTools = {
  lookup_order: tracium.traceSpan(tools.lookup_order, { spanType: "tool", name: "lookup_order" }),
  search_help_center: tracium.traceSpan(tools.search_help_center, { spanType: "retrieval", name: "search_help_center" }),
};

for (const ticket of TICKETS) {
  await tracium.agentTrace({ agentName: "support-bot", tags: ["example", "openai"], metadata: { ticket: ticket.id } }, async (trace) => {
    const answer = await answerTicket(openai, ticket.question, { tools: tracedTools });
    trace.setSummary({ ticket: ticket.id, resolved: answer.length > 0 });
    console.log(`${ticket.id} ${ticket.question}\n  → ${answer}`);
  });
}

await tracium.shutdown(); // delivers everything (the file exporter writes it)
await provider.close();
