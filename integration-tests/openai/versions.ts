/**
 * The openai majors under test, side by side (npm aliases): each entry gives the ESM module
 * namespace (what `import * as` returns), its default-export client class, the CJS build
 * (a different set of classes) and version-specific ways to reach the SDK helpers.
 */
import { createRequire } from "node:module";
import * as v4 from "openai-v4";
import * as v5 from "openai-v5";
import * as v6 from "openai-v6";
import * as v7 from "openai-v7";

const require = createRequire(import.meta.url);

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface OpenAIVersion {
  major: number;
  /** The ESM module namespace. */
  ns: any;
  /** The ESM default export (the client class). */
  OpenAI: any;
  AzureOpenAI: any;
  /** `require()` of the same package: the CJS build. */
  cjs(): any;
  /** Where `parse()`, `stream()` and `runTools()` live: `beta.chat.completions` in v4. */
  helpers(client: any): any;
}

const entry = (major: number, ns: any, name: string): OpenAIVersion => ({
  major,
  ns,
  OpenAI: ns.default,
  AzureOpenAI: ns.AzureOpenAI,
  cjs: () => require(name),
  helpers: (client: any) => (major === 4 ? client.beta.chat.completions : client.chat.completions),
});

export const VERSIONS: OpenAIVersion[] = [
  entry(4, v4, "openai-v4"),
  entry(5, v5, "openai-v5"),
  entry(6, v6, "openai-v6"),
  entry(7, v7, "openai-v7"),
];

/** A client for the mocked API: no retries (ecosystem §5). Create it after nock is imported. */
export function client(v: OpenAIVersion, options: Record<string, unknown> = {}): any {
  return new v.OpenAI({ apiKey: "sk-test", maxRetries: 0, ...options });
}
