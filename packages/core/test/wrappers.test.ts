import { describe, expect, it } from "vitest";
import { AgentSpan, AgentTrace, agentTrace, bindContext, tool, traceAgent, traceSpan, type Span, type Trace } from "../src/index.js";
import { onlyTrace, setup, spansByName } from "./helpers.js";

describe("function wrappers", () => {
  it("traceAgent runs each call as a trace and keeps this, args and result", async () => {
    const memory = setup();
    const bot = {
      greeting: "hi",
      answer: traceAgent(async function answer(this: { greeting: string }, q: string) {
        return `${this.greeting} ${q}`;
      }),
    };
    await expect(bot.answer("there")).resolves.toBe("hi there");
    const trace = onlyTrace(memory);
    expect(trace.agentName).toBe("answer");
    expect(trace.tags).toContain("@trace:answer");
  });

  it("traceAgent keeps a sync function sync", () => {
    setup();
    const add = traceAgent((a: number, b: number) => a + b, { agentName: "adder" });
    expect(add(2, 3)).toBe(5);
  });

  it("traceAgent injects the trace and rethrows the same error", async () => {
    const memory = setup();
    const boom = new Error("bad");
    const run = traceAgent(
      async (_q: string, trace: Trace) => {
        trace.addTags(["seen"]);
        throw boom;
      },
      { agentName: "inj", injectTrace: true, autoTag: false },
    );
    await expect(run("q")).rejects.toBe(boom);
    expect(onlyTrace(memory)).toMatchObject({ status: "failed", tags: ["seen"] });
  });

  it("traceSpan records arguments and the return value inside the active trace", async () => {
    const memory = setup();
    const lookup = traceSpan(async (city: string) => ({ city, temp: 21 }), { spanType: "tool", name: "weather" });
    const withSpan = traceSpan((x: number, span: Span) => (span.setMetadata({ x }), x * 2), { name: "double", injectSpan: true });
    const wrapped = traceAgent(async () => {
      await lookup("Paris");
      return withSpan(4);
    }, { agentName: "trip" });
    await expect(wrapped()).resolves.toBe(8);
    const s = spansByName(memory);
    expect(s.get("weather")).toMatchObject({ spanType: "tool", input: "Paris", output: { city: "Paris", temp: 21 }, tags: ["@span:weather"] });
    expect(s.get("double")).toMatchObject({ metadata: { x: 4 }, output: 8 });
  });

  it("traceSpan can skip capturing arguments and return values", () => {
    const memory = setup();
    const f = traceSpan((secret: string) => secret.length, { captureArgs: false, captureReturn: false });
    expect(f("abc")).toBe(3);
    expect(memory.spans()[0]).toMatchObject({ input: undefined, output: undefined });
  });
});

describe("decorators", () => {
  // Vite's transform does not parse TC39 decorators, so they are applied here exactly as
  // TypeScript compiles `@AgentTrace()`/`@AgentSpan()`; decorators.typecheck.ts keeps the
  // real syntax type-checked by tsc.
  function decorate<T extends object>(proto: T, name: keyof T & string, decorator: (m: never, c: never) => unknown): void {
    const original = proto[name];
    const context = { kind: "method", name, static: false, private: false, metadata: {}, addInitializer: () => undefined, access: { has: () => true, get: () => original } };
    (proto as Record<string, unknown>)[name] = decorator(original as never, context as never);
  }

  it("traceSpan, traceAgent, bindContext and tool keep the function's name and length (Express tells an error handler by its four arguments)", async () => {
    setup();
    function errorHandler(err: unknown, _req: unknown, _res: unknown, _next: unknown): string {
      return `handled ${String(err)}`;
    }
    const bound = await agentTrace({ agentName: "shape" }, () => bindContext(errorHandler));
    for (const wrapped of [traceSpan(errorHandler), traceAgent(errorHandler), bound, tool("handler", errorHandler)]) {
      expect(wrapped.name).toBe("errorHandler");
      expect(wrapped.length).toBe(4);
    }
    // A name behind a getter is not read: the wrapper falls back to its own.
    class Named {
      static get name(): string {
        throw new Error("getter ran");
      }
    }
    expect(() => traceSpan(Named as unknown as () => void)).not.toThrow();
  });

  it("@AgentTrace and @AgentSpan trace class methods", async () => {
    const memory = setup();
    class Agent {
      prefix = "re:";
      async run(q: string): Promise<string> {
        return this.plan(q);
      }
      plan(q: string): string {
        return `${this.prefix}${q}`;
      }
    }
    decorate(Agent.prototype, "run", AgentTrace({ agentName: "decorated" }));
    decorate(Agent.prototype, "plan", AgentSpan({ spanType: "plan" }));
    await expect(new Agent().run("x")).resolves.toBe("re:x");
    const trace = onlyTrace(memory);
    expect(trace.agentName).toBe("decorated");
    expect(memory.spans()[0]).toMatchObject({ name: "plan", spanType: "plan", input: "x", output: "re:x" });
  });
});
