// A route handler on the Node.js runtime. `openai` is in `serverExternalPackages`, so the
// zero-code hooks registered in instrumentation.js patch it: no `instrument()` call here.
import { after } from "next/server";
import * as tracium from "@tracium/sdk";
import OpenAI from "openai";
import { runAgent } from "../../../lib/agent.js";

export const dynamic = "force-dynamic";

export async function POST(request) {
  const { question } = await request.json();
  const openai = new OpenAI({ maxRetries: 0 });
  const answer = await runAgent(openai, "nextjs-agent", question);
  // Sends the trace once the response is out; on Vercel `after` keeps the function alive for it.
  after(() => tracium.flush());
  return Response.json({ answer });
}
