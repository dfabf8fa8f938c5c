/**
 * Independent copies of the `openai` package (its CommonJS build): each copy has its own classes,
 * so Tracium, OpenLLMetry and the bare client can each patch (or not) their own copy in one
 * process, and the variants can be interleaved call by call.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";

const require = createRequire(import.meta.url);

export function freshOpenAI() {
  const entry = require.resolve("openai");
  const dir = dirname(entry) + "/";
  for (const key of Object.keys(require.cache)) if (key.startsWith(dir)) delete require.cache[key];
  return require("openai");
}
