// The same support bot with no tracing code at all. Run it with Tracium loaded first:
//
//   node --import @tracium/sdk/auto zero-code/app.mjs
//   NODE_OPTIONS="--import @tracium/sdk/auto" node zero-code/app.mjs
//
// Every OpenAI call becomes an `llm` span in a trace of its own (one trace per call: nothing here
// marks where a ticket begins). To get one trace per ticket, wrap the work in
// `tracium.withTrace("support-bot", () => ...)`, or a request handler in `tracium.traceHandler(...)`.
import OpenAI from "openai";
import { useProvider } from "../fake-provider/index.mjs";
import { answerTicket, TICKETS } from "../support-bot/bot.mjs";

const provider = await useProvider(); // example scaffolding: a local fake provider without a key
const openai = new OpenAI({ maxRetries: 1 });
for (const ticket of TICKETS) {
  const answer = await answerTicket(openai, ticket.question);
  console.log(`${ticket.id} ${ticket.question}\n  → ${answer}`);
}
await provider.close();
