#!/usr/bin/env node
// Runs the fake provider on its own: node fake-provider/server.mjs [port]
// Then: OPENAI_BASE_URL=http://127.0.0.1:PORT/v1 ANTHROPIC_BASE_URL=http://127.0.0.1:PORT ...
import { startFakeProvider } from "./index.mjs";

const provider = await startFakeProvider({ port: Number(process.argv[2] ?? 0) || undefined });
console.log(`fake provider listening on ${provider.url}`);
console.log(`  OPENAI_BASE_URL=${provider.openaiBaseURL} OPENAI_API_KEY=sk-fake`);
console.log(`  ANTHROPIC_BASE_URL=${provider.anthropicBaseURL} ANTHROPIC_API_KEY=sk-ant-fake`);
setInterval(() => {}, 1 << 30); // keep running until Ctrl-C
