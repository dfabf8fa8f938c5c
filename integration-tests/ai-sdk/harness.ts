/**
 * The `ai` majors under test, side by side (package aliases), each with the `@ai-sdk/openai` and
 * `@ai-sdk/anthropic` majors it pairs with, against the local fake provider. `ai` 5/6 are traced
 * through `wrapAiSdk` (a test imports the real, read-only ES module namespace); `ai` 7 through its
 * `ai:telemetry` channel, with the module itself untouched.
 */
import { instrumentAiSdk, wrapAiSdk } from "@tracium/ai-sdk";
import { z } from "zod";
import { startFakeProvider, type FakeProvider } from "../../examples/fake-provider/index.mjs";

/** Node major of this process: `ai` 7 and `@ai-sdk/openai` 4 declare Node >= 22. */
export const NODE_MAJOR = Number(process.versions.node.split(".")[0]);

export interface AiVersion {
  readonly label: string;
  readonly major: 5 | 6 | 7;
  readonly load: () => Promise<{ ai: any; raw: any; openai: any; anthropic: any }>;
  /** Why this major is skipped here, if it is. */
  readonly skip: string | false;
}

const needs22 = NODE_MAJOR < 22 ? "ai 7 and @ai-sdk/openai 4 require Node >= 22 (run on the Node 22/24 legs)" : false;

export const VERSIONS: readonly AiVersion[] = [
  {
    label: "ai 5 + @ai-sdk/openai 2",
    major: 5,
    skip: false,
    load: async () => {
      const raw = await import("ai-v5");
      return { raw, ai: wrapAiSdk(raw), openai: (await import("ai-openai-v2")).createOpenAI, anthropic: (await import("ai-anthropic-v2")).createAnthropic };
    },
  },
  {
    label: "ai 6 + @ai-sdk/openai 3",
    major: 6,
    skip: false,
    load: async () => {
      const raw = await import("ai-v6");
      return { raw, ai: wrapAiSdk(raw), openai: (await import("ai-openai-v3")).createOpenAI, anthropic: (await import("ai-anthropic-v3")).createAnthropic };
    },
  },
  {
    label: "ai 7 + @ai-sdk/openai 4",
    major: 7,
    skip: needs22,
    load: async () => {
      const raw = await import("ai-v7");
      instrumentAiSdk(raw);
      return { raw, ai: raw, openai: (await import("ai-openai-v4")).createOpenAI, anthropic: (await import("ai-anthropic-v4")).createAnthropic };
    },
  },
];

/** `stepCountIs` (5/6) or `isStepCount` (7). */
export function steps(ai: any, n: number): unknown {
  return (ai.stepCountIs ?? ai.isStepCount)(n);
}

/** A weather tool whose runs are counted. */
export function weatherTools(ai: any, runs: string[] = []): Record<string, unknown> {
  return {
    get_weather: ai.tool({
      description: "Get the weather for a city",
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }: { city: string }) => {
        runs.push(city);
        return `Sunny in ${city}`;
      },
    }),
  };
}

export async function fakeProvider(): Promise<FakeProvider> {
  return startFakeProvider();
}
