import { describe, expect, it } from "vitest";
import { GROQ_DIALECT, isGroqClass, isGroqInstance } from "../src/index.js";

describe("groq shape", () => {
  it("recognises a class by its Chat.Completions.create and its GroqError, nothing else", () => {
    class Completions {
      create(): void {}
    }
    class Groq {
      static Chat = { Completions };
      static GroqError = class extends Error {};
    }
    class OpenAI {
      static Chat = { Completions };
      static OpenAIError = class extends Error {};
    }
    expect(isGroqClass(Groq)).toBe(true);
    expect(isGroqInstance(new Groq())).toBe(true);
    expect(isGroqClass(OpenAI)).toBe(false);
    expect(isGroqClass(null)).toBe(false);
    expect(isGroqInstance({ constructor: 1 })).toBe(false);
  });

  it("reads streamed usage from x_groq.usage, a plain usage first, and never throws", () => {
    const usage = { prompt_tokens: 3 };
    expect(GROQ_DIALECT.chunkUsage({ x_groq: { usage } })).toBe(usage);
    expect(GROQ_DIALECT.chunkUsage({ usage, x_groq: { usage: {} } })).toBe(usage);
    expect(GROQ_DIALECT.chunkUsage({ x_groq: { id: "x" } })).toBeUndefined();
    const hostile = Object.defineProperty({}, "x_groq", {
      get() {
        throw new Error("no");
      },
    });
    expect(GROQ_DIALECT.chunkUsage(hostile)).toBeUndefined();
    expect(GROQ_DIALECT.streamOptions).toBe(false);
  });
});
