// A route handler on the edge runtime (what Vercel Edge Functions run). `@tracium/sdk` resolves to
// its edge build there (`edge-light` condition). The edge runtime has no module hooks, so the
// provider SDK is instrumented in code. `withTraceFlush` hands the trace's flush to Vercel's
// `waitUntil` when the request has one, so the response does not wait for it; without one (as
// under `next start`) each trace is delivered before `agentTrace` resolves, the serverless default
// on edge runtimes.
import * as tracium from "@tracium/sdk";
import OpenAI from "openai";
import { runAgent } from "../../../lib/agent.js";

export const runtime = "edge";
export const dynamic = "force-dynamic";

// Patches the OpenAI classes this bundle holds; no I/O, so fine at module scope.
tracium.instrument(OpenAI);

export const POST = tracium.withTraceFlush(async (request) => {
  const { question } = await request.json();
  const openai = new OpenAI({ maxRetries: 0 });
  const answer = await runAgent(openai, "nextjs-edge-agent", question);
  // `EdgeRuntime` is a global only the edge runtime defines: the test checks where this ran.
  return Response.json({ answer, runtime: typeof EdgeRuntime === "string" ? EdgeRuntime : "node" });
});
