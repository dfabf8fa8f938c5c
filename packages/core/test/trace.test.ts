import { describe, expect, it } from "vitest";
import { agentTrace, getClient, span, startSpan, startTrace } from "../src/index.js";
import { onlyTrace, setup, spansByName } from "./helpers.js";

describe("trace lifecycle", () => {
  it("returns the callback's result and records start, spans and end in order", async () => {
    const memory = setup();
    const result = await agentTrace({ agentName: "support-bot", tags: ["a"], metadata: { user: "u1" } }, async (trace) => {
      trace.addTags(["urgent", "a"]);
      await trace.span({ spanType: "retrieval", name: "fetch_context" }, async (s) => {
        s.recordInput({ q: "refund" });
        s.recordOutput(["doc1"]);
      });
      return 42;
    });
    expect(result).toBe(42);
    expect(memory.records.map((r) => r.kind)).toEqual(["trace_start", "span_start", "span_end", "trace_end"]);
    const trace = onlyTrace(memory);
    expect(trace.status).toBe("completed");
    expect(trace.tags).toEqual(["a", "urgent"]);
    expect(trace.metadata).toEqual({ user: "u1" });
    const s = memory.spans()[0]!;
    expect(s).toMatchObject({ spanType: "retrieval", name: "fetch_context", status: "completed", input: { q: "refund" }, output: ["doc1"] });
    expect(s.latencyMs).toBeGreaterThanOrEqual(0);
    expect(s.endedAt).toBeGreaterThanOrEqual(s.startedAt);
  });

  it("accepts a sync callback", async () => {
    setup();
    await expect(agentTrace({ agentName: "sync" }, () => "x")).resolves.toBe("x");
  });

  it("lazy start: a lazy trace with no spans sends nothing", async () => {
    const memory = setup();
    await agentTrace({ agentName: "lazy", lazyStart: true }, () => "nothing");
    expect(memory.records).toEqual([]);
  });

  it("lazy start: with a span, the start record comes before the span", async () => {
    const memory = setup();
    await agentTrace({ agentName: "lazy", lazyStart: true }, (trace) => {
      expect(memory.records).toEqual([]);
      return trace.span({ name: "first" }, () => 1);
    });
    expect(memory.records.map((r) => r.kind)).toEqual(["trace_start", "span_start", "span_end", "trace_end"]);
  });

  it("a throw fails the trace with the message and rethrows the same error object", async () => {
    const memory = setup();
    const boom = new TypeError("database exploded");
    let caught: unknown;
    try {
      await agentTrace({ agentName: "err" }, async (trace) => {
        await trace.span({ name: "step" }, () => {
          throw boom;
        });
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBe(boom);
    const trace = onlyTrace(memory);
    expect(trace.status).toBe("failed");
    expect(trace.error).toContain("database exploded");
    const step = memory.spans()[0]!;
    expect(step.status).toBe("failed");
    expect(step.error).toBe("database exploded");
    expect(step.metadata.error_type).toBe("TypeError");
    expect(memory.records.at(-1)).toMatchObject({ kind: "trace_end" });
  });

  it("a sync throw from a span callback is rethrown synchronously", async () => {
    setup();
    const boom = new Error("sync");
    await agentTrace({ agentName: "sync-throw" }, () => {
      expect(() => span({ name: "x" }, () => { throw boom; })).toThrow(boom);
    });
  });

  it("a DOMException (an abort, a timeout, a failed clone) is recorded with its message, kind and stack, and rethrown as is", async () => {
    const memory = setup();
    let clone: unknown;
    try {
      structuredClone(() => 1);
    } catch (err) {
      clone = err;
    }
    const cases: [unknown, string, string][] = [
      [AbortSignal.abort().reason, "This operation was aborted", "AbortError"],
      [new DOMException("gave up after 5 s", "TimeoutError"), "gave up after 5 s", "TimeoutError"],
      [clone, "() => 1 could not be cloned.", "DataCloneError"],
    ];
    for (const [error, message, kind] of cases) {
      memory.reset();
      await expect(
        agentTrace({ agentName: "dom" }, () =>
          span({ name: "step" }, (s) => {
            s.recordOutput({ reason: error });
            return Promise.reject(error);
          }),
        ),
      ).rejects.toBe(error);
      const step = memory.spans()[0]!;
      expect(step).toMatchObject({ status: "failed", error: message, output: { reason: { name: kind, message } } });
      expect(step.metadata.error_type).toBe(kind);
      expect(step.metadata.error_stack).toContain(kind);
      expect(onlyTrace(memory).error).toContain(message);
    }
  });

  it("a DOMException subclass's own message getter is user code: the platform's message is recorded and the getter does not run", async () => {
    const memory = setup();
    let getterRuns = 0;
    class AppAbort extends DOMException {
      override get message(): string {
        getterRuns++;
        return "from the subclass getter";
      }
    }
    const error = new AppAbort("stopped by the user", "AbortError");
    void error.stack; // V8 writes the stack's first line with the getter, once: the program's own doing.
    const before = getterRuns;
    await expect(span({ name: "step" }, () => Promise.reject(error))).rejects.toBe(error);
    expect(getterRuns).toBe(before);
    expect(memory.spans()[0]).toMatchObject({ status: "failed", error: "stopped by the user" });
    expect(memory.spans()[0]!.metadata.error_type).toBe("AbortError");
  });

  it("recording a failure leaves the error's own stack unwritten: context added to the message later shows in it, and no prepareStackTrace hook runs", async () => {
    const memory = setup();
    let hookRuns = 0;
    const previous = Error.prepareStackTrace;
    Error.prepareStackTrace = (error, sites) => {
      hookRuns++;
      return `${String(error)}\n${sites.map((s) => `    at ${String(s)}`).join("\n")}`;
    };
    try {
      let caught: Error | undefined;
      try {
        await agentTrace({ agentName: "ctx" }, () =>
          span({ name: "load-user" }, () => {
            throw new Error("db timeout");
          }),
        );
      } catch (err) {
        caught = err as Error;
        caught.message = `loading user 42: ${caught.message}`;
      }
      expect(hookRuns).toBe(0);
      expect(caught!.stack!.split("\n")[0]).toBe("Error: loading user 42: db timeout");
      expect(hookRuns).toBe(1);
      const step = memory.spans()[0]!;
      expect(step.error).toBe("db timeout");
      expect(step.metadata.error_stack).toMatch(/^Error: db timeout\n    at /);
      expect(onlyTrace(memory).error).toMatch(/^Error: db timeout\n    at /);
    } finally {
      Error.prepareStackTrace = previous;
    }
  });

  it("rejections that are not Error objects pass through unchanged", async () => {
    const memory = setup();
    const reason = { code: 7 };
    await expect(agentTrace({ agentName: "obj" }, () => Promise.reject(reason))).rejects.toBe(reason);
    expect(onlyTrace(memory).status).toBe("failed");
  });

  it("markFailed ends the trace as failed without throwing", async () => {
    const memory = setup();
    await agentTrace({ agentName: "mark" }, (trace) => trace.markFailed("refund not allowed"));
    expect(onlyTrace(memory)).toMatchObject({ status: "failed", error: "refund not allowed" });
  });

  it("fills the summary from llm spans without overwriting user keys", async () => {
    const memory = setup();
    await agentTrace({ agentName: "sum" }, async (trace) => {
      trace.setSummary({ outcome: "success", llm_calls: "mine" });
      await trace.span({ spanType: "llm", name: "a", modelId: "gpt-4o" }, (s) =>
        s.setTokenUsage({ inputTokens: 10, outputTokens: 5, cachedInputTokens: 3, reasoningTokens: 2 }),
      );
      await trace.span({ spanType: "llm", name: "b" }, (s) => {
        s.setModelId("claude-haiku-4-5");
        s.setTokenUsage({ inputTokens: 7, outputTokens: 1, cacheCreationInputTokens: 4 });
      });
      await trace.span({ spanType: "llm", name: "c", modelId: "gpt-4o" }, () => undefined);
      await trace.span({ spanType: "tool", name: "t" }, (s) => s.setTokenUsage({ inputTokens: 1000 }));
    });
    const trace = onlyTrace(memory);
    expect(trace.summary).toEqual({
      input_tokens: 17,
      output_tokens: 6,
      cached_input_tokens: 3,
      cache_creation_input_tokens: 4,
      reasoning_tokens: 2,
      total_tokens: 17 + 3 + 4 + 6,
      llm_calls: "mine",
      models: ["gpt-4o", "claude-haiku-4-5"],
      outcome: "success",
    });
    expect(trace.modelId).toBe("gpt-4o");
  });

  it("an llm span still open when the trace ends is ended with it and counted in its summary, model and system prompt", async () => {
    const memory = setup();
    await agentTrace({ agentName: "open-llm" }, (trace) => {
      const s = trace.startSpan({ spanType: "llm", name: "streamed", modelId: "gpt-4o", input: { messages: [{ role: "system", content: "Be brief." }] } });
      s.setTokenUsage({ inputTokens: 5, outputTokens: 3 });
    });
    const trace = onlyTrace(memory);
    expect(memory.spans()[0]!.metadata.ended_with_trace).toBe(true);
    expect(trace.summary).toMatchObject({ input_tokens: 5, output_tokens: 3, llm_calls: 1, models: ["gpt-4o"] });
    expect(trace.modelId).toBe("gpt-4o");
    expect(trace.systemPrompt).toBe("Be brief.");
  });

  it("keeps a model id set by the user", async () => {
    const memory = setup();
    await agentTrace({ agentName: "m", modelId: "mine" }, (t) => t.span({ spanType: "llm", modelId: "other" }, () => 1));
    expect(onlyTrace(memory).modelId).toBe("mine");
  });

  it("records the first system prompt of an llm span", async () => {
    const memory = setup();
    await agentTrace({ agentName: "sp" }, (t) =>
      t.span({ spanType: "llm", input: { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hi" }] } }, () => 1),
    );
    expect(onlyTrace(memory).systemPrompt).toBe("Be brief.");
  });

  it("records a system prompt given as text blocks (Anthropic)", async () => {
    const memory = setup();
    await agentTrace({ agentName: "sp2" }, (t) =>
      t.span({ spanType: "llm", input: { system: [{ type: "text", text: "Be kind." }, { type: "text", text: "Be brief." }], messages: [] } }, () => 1),
    );
    expect(onlyTrace(memory).systemPrompt).toBe("Be kind.\nBe brief.");
  });

  it("manual handles: startTrace/startSpan, end, fail, and using", async () => {
    const memory = setup();
    const trace = startTrace({ agentName: "manual" });
    const parent = trace.startSpan({ name: "parent" });
    const child = parent.startSpan({ name: "child" });
    child.fail(new Error("child broke"));
    parent.end();
    parent.end();
    {
      await using scoped = trace.startSpan({ name: "scoped" });
      expect(scoped.isEnded).toBe(false);
    }
    trace.end();
    trace.end();
    const s = spansByName(memory);
    expect(s.get("child")!.parentSpanId).toBe(s.get("parent")!.id);
    expect(s.get("child")!.status).toBe("failed");
    expect(s.get("scoped")!.status).toBe("completed");
    expect(memory.traces()).toHaveLength(1);
    expect(memory.records.filter((r) => r.kind === "span_end")).toHaveLength(3);
  });

  it("ends spans still open when their trace ends", async () => {
    const memory = setup();
    await agentTrace({ agentName: "open" }, (trace) => {
      trace.startSpan({ name: "forgotten" });
    });
    const s = memory.spans()[0]!;
    expect(s.name).toBe("forgotten");
    expect(s.metadata.ended_with_trace).toBe(true);
    expect(memory.records.at(-1)!.kind).toBe("trace_end");
  });

  it("ends exactly the spans still open, oldest first, whatever order the others ended in", async () => {
    const memory = setup();
    await agentTrace({ agentName: "open-list" }, (trace) => {
      const spans = ["a", "b", "c", "d", "e", "f"].map((name) => trace.startSpan({ name }));
      // end the newest, the oldest and one in the middle; ending twice is a no-op
      for (const i of [5, 0, 3, 3]) spans[i]!.end();
    });
    const ends = memory.records.filter((r) => r.kind === "span_end").map((r) => (r.kind === "span_end" ? r.span : undefined)!);
    expect(ends.map((s) => s.name)).toEqual(["f", "a", "d", "b", "c", "e"]);
    expect(ends.filter((s) => s.metadata.ended_with_trace === true).map((s) => s.name)).toEqual(["b", "c", "e"]);
  });

  it("a span outside any trace gets an implicit trace that ends with it", async () => {
    const memory = setup({ defaultAgentName: "implicit-agent" });
    const s = startSpan({ spanType: "llm", name: "lonely", modelId: "gpt-4o" });
    s.setTokenUsage({ inputTokens: 3, outputTokens: 4 });
    expect(memory.traces()).toHaveLength(0);
    s.end();
    const trace = onlyTrace(memory);
    expect(trace.agentName).toBe("implicit-agent");
    expect(trace.modelId).toBe("gpt-4o");
    expect(trace.summary.input_tokens).toBe(3);
    await span({ name: "two" }, () => undefined);
    expect(memory.traces()).toHaveLength(2);
  });

  it("an implicit trace whose span failed is failed", () => {
    const memory = setup();
    expect(() => span({ name: "x" }, () => { throw new Error("nope"); })).toThrow("nope");
    expect(onlyTrace(memory).status).toBe("failed");
  });

  it("sampleRate 0 and enabled=false record nothing but run user code", async () => {
    for (const opts of [{ sampleRate: 0 }, { enabled: false }]) {
      const memory = setup(opts);
      const out = await agentTrace({ agentName: "off" }, (t) => t.span({ name: "s" }, (s) => (s.recordInput("x"), "ran")));
      expect(out).toBe("ran");
      expect(memory.records).toEqual([]);
    }
  });

  it("writes after end are ignored", async () => {
    const memory = setup();
    let kept: ReturnType<typeof startSpan> | undefined;
    await agentTrace({ agentName: "late" }, (t) => t.span({ name: "s" }, (s) => (kept = s)));
    kept!.recordOutput("late");
    kept!.setTokenUsage({ inputTokens: 5 });
    expect(memory.spans()[0]!.output).toBeUndefined();
    expect(memory.spans()[0]!.usage).toEqual({});
  });

  it("shutdown ends open traces", async () => {
    const memory = setup();
    startTrace({ agentName: "left-open" }).startSpan({ name: "s" });
    await getClient().shutdown(1000);
    expect(onlyTrace(memory).status).toBe("completed");
  });
});
