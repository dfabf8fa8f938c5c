import { createHash, randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentTrace, init, logger, resolveConfig, runInContext, sanitize, span, tool, traceAgent, traceSpan } from "../src/index.js";
import { MemoryExporter } from "../src/export/exporters/memory.js";
import { onlyTrace, setup } from "./helpers.js";

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  logger.resetOnce();
  logger.setSink((_level, line) => lines.push(line));
});
afterEach(() => logger.setSink(undefined));

describe("bad input never crashes", () => {
  it("wrong option types are logged and replaced by defaults", () => {
    const cfg = resolveConfig(
      { sampleRate: "half", maxQueueSize: -3, captureContent: "yes", exporter: "carrier-pigeon", defaultTags: "x", timeoutMs: Infinity, logLevel: "debug" } as never,
      {},
    );
    expect(cfg.sampleRate).toBe(1);
    expect(cfg.maxQueueSize).toBe(10_000);
    expect(cfg.captureContent).toBe(true);
    expect(cfg.exporters).toEqual(["file"]);
    expect(cfg.defaultTags).toEqual([]);
    expect(cfg.timeoutMs).toBe(10_000);
    for (const name of ["sampleRate", "maxQueueSize", "captureContent", "exporter", "defaultTags", "timeoutMs"]) {
      expect(lines.some((l) => l.includes(name))).toBe(true);
    }
  });

  it("an unknown exporter next to known ones is ignored and said so: the known ones are used, not the fallback", () => {
    setup({ logLevel: "warn" });
    lines.length = 0;
    const cfg = resolveConfig({}, { TRACIUM_EXPORTER: "otlp,bogus" });
    expect(cfg.exporters).toEqual(["otlp"]);
    expect(lines.some((l) => l.includes('"bogus"') && l.includes("ignored"))).toBe(true);
    expect(lines.some((l) => l.includes('using "file"'))).toBe(false);
  });

  it("init with garbage still gives a working client", async () => {
    const client = init(42 as never);
    expect(client.config.sampleRate).toBe(1);
    expect(lines.some((l) => l.includes("init options"))).toBe(true);
  });

  it("reads every setting from the environment", () => {
    const cfg = resolveConfig(
      {},
      {
        TRACIUM_API_KEY: "sk_live_abcdef123",
        TRACIUM_BASE_URL: "http://localhost:9999/",
        TRACIUM_EXPORTER: "tracium,console",
        TRACIUM_FILE: "/tmp/x.jsonl",
        TRACIUM_ENABLED: "false",
        TRACIUM_CAPTURE_CONTENT: "0",
        TRACIUM_SAMPLE_RATE: "0.25",
        TRACIUM_AGENT_NAME: "env-agent",
        TRACIUM_WORKSPACE_ID: "ws1",
        TRACIUM_LOG_LEVEL: "error",
        TRACIUM_FORCE_SYNC: "true",
      },
    );
    expect(cfg).toMatchObject({
      apiKey: "sk_live_abcdef123",
      baseUrl: "http://localhost:9999",
      exporters: ["tracium", "console"],
      filePath: "/tmp/x.jsonl",
      enabled: false,
      captureContent: false,
      sampleRate: 0.25,
      defaultAgentName: "env-agent",
      workspaceId: "ws1",
      logLevel: "error",
      forceSync: true,
    });
    logger.setLevel("warn");
  });

  it("defaults to tracium with a key, else the file exporter; detects serverless", () => {
    expect(resolveConfig({}, {}).exporters).toEqual(["file"]);
    expect(resolveConfig({ apiKey: "k-1234567890" }, {}).exporters).toEqual(["tracium"]);
    expect(resolveConfig({}, { AWS_LAMBDA_FUNCTION_NAME: "fn" }).forceSync).toBe(true);
    expect(resolveConfig({}, {}).forceSync).toBe(false);
  });

  it("the batch interval comes from the option, else TRACIUM_FLUSH_INTERVAL_MS, else 1000 ms", () => {
    expect(resolveConfig({}, {}).flushIntervalMs).toBe(1000);
    expect(resolveConfig({}, { TRACIUM_FLUSH_INTERVAL_MS: "60000" }).flushIntervalMs).toBe(60_000);
    expect(resolveConfig({ flushIntervalMs: 50 }, { TRACIUM_FLUSH_INTERVAL_MS: "60000" }).flushIntervalMs).toBe(50);
    logger.setLevel("error");
    expect(resolveConfig({}, { TRACIUM_FLUSH_INTERVAL_MS: "soon" }).flushIntervalMs).toBe(1000);
    logger.setLevel("warn");
  });

  it("a non-string or invalid agent name is fixed up and warned about, never lost", async () => {
    const memory = setup({ defaultAgentName: "fallback" });
    logger.setSink((_l, line) => lines.push(line));
    logger.setLevel("warn");
    await agentTrace({ agentName: 42 as never }, () => undefined);
    await agentTrace({ agentName: "support/bot🙂" }, () => undefined);
    expect(memory.traces().map((t) => t.agentName)).toEqual(["fallback", "support_bot__"]);
    expect(lines.filter((l) => l.includes("invalid agent name"))).toHaveLength(2);
  });

  it("circular, huge and exotic values are recorded safely", async () => {
    const memory = setup();
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    const huge = "lorem ipsum ".repeat(25_000);
    await agentTrace({ agentName: "exotic" }, (t) =>
      t.span({ name: "s" }, (s) => {
        s.recordInput({ circular, huge, big: 10n ** 20n, fn: function helper() {}, sym: Symbol("k"), when: new Date(0), err: new RangeError("r"), map: new Map([["a", 1]]), set: new Set([1]), buf: Buffer.from("abc"), nan: NaN });
        s.setMetadata({ big: 1n, sym: Symbol("m") } as never);
      }),
    );
    const input = memory.spans()[0]!.input as Record<string, unknown>;
    expect(input.circular).toEqual({ name: "loop", self: "[Circular]" });
    expect((input.huge as string).length).toBeLessThan(100_100);
    expect(input.huge as string).toContain("truncated 200000 chars");
    expect(input).toMatchObject({ big: "100000000000000000000", fn: "[Function helper]", sym: "Symbol(k)", when: "1970-01-01T00:00:00.000Z", map: { a: 1 }, set: [1], buf: "[binary 3 bytes]", nan: "NaN" });
    expect(input.err).toMatchObject({ name: "RangeError", message: "r" });
    expect(memory.spans()[0]!.metadata).toEqual({ big: "1", sym: "Symbol(m)" });
    expect(() => JSON.stringify(memory.records)).not.toThrow();
  });

  it("a value is bounded in all: past ~1M characters, flat and nested values alike are omitted", async () => {
    const memory = setup();
    const text = (i: number): string => `${i} ${"lorem ipsum ".repeat(5_000)}`; // ~60 KB each
    const flat: Record<string, unknown> = {};
    for (let i = 0; i < 30; i++) flat[`k${i}`] = i % 3 === 0 ? { text: text(i) } : i % 3 === 1 ? text(i) : i;
    await agentTrace({ agentName: "bounded" }, (t) => t.span({ name: "s" }, (s) => s.recordInput(flat)));
    const input = memory.spans()[0]!.input as Record<string, unknown>;
    expect(JSON.stringify(input).length).toBeLessThan(1_100_000);
    expect(input.k0).toEqual({ text: text(0) });
    expect(input.k1).toBe(text(1));
    expect(input.k2).toBe(2);
    expect(input.k29).toBe("[omitted: size limit]");
    expect(input.k28).toBe("[omitted: size limit]");
    expect(input.k27).toBe("[omitted: size limit]");
  });

  it("what is exported is what was recorded: mutating a value after the call changes nothing and runs nothing", async () => {
    const memory = setup();
    const input = { messages: [{ role: "user", content: "hi" }], opts: { n: 1 } };
    const output = ["a", { text: "b" }];
    const metadata: Record<string, unknown> = { step: 1, nested: { k: "v" } };
    const toolCalls = [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }];
    let reads = 0;
    await agentTrace({ agentName: "mutation" }, () =>
      span({ spanType: "llm", name: "s", metadata }, (s) => {
        s.recordInput(input);
        s.recordOutput(output);
        s.setToolCalls(toolCalls);
        // The user goes on using their objects: new entries, replaced values, getters, cycles.
        input.messages.push({ role: "assistant", content: "later" });
        input.messages[0]!.content = "changed";
        (input.opts as Record<string, unknown>).self = input;
        output.length = 0;
        metadata.step = 2;
        (metadata.nested as Record<string, unknown>).k = "changed";
        Object.defineProperty(metadata, "late", { enumerable: true, get: () => ++reads });
        toolCalls[0]!.function.name = "g";
      }),
    );
    const s = memory.spans()[0]!;
    expect(s.input).toEqual({ messages: [{ role: "user", content: "hi" }], opts: { n: 1 } });
    expect(s.output).toEqual(["a", { text: "b" }]);
    expect(s.metadata).toMatchObject({ step: 1, nested: { k: "v" } });
    expect(s.metadata).not.toHaveProperty("late");
    expect(s.toolCalls).toEqual([{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }]);
    expect(reads).toBe(0);
    expect(() => JSON.stringify(memory.records)).not.toThrow();
  });

  it("bad metadata, tags and token counts are ignored with a warning", async () => {
    const memory = setup();
    logger.setSink((_l, line) => lines.push(line));
    logger.setLevel("warn");
    await agentTrace({ agentName: "bad", metadata: "nope" as never, tags: [1, "ok"] as never }, (t) =>
      t.span({ name: "s" }, (s) => s.setTokenUsage({ inputTokens: -1, outputTokens: "7" as never, cachedInputTokens: NaN })),
    );
    expect(onlyTrace(memory).tags).toEqual(["ok"]);
    expect(onlyTrace(memory).metadata).toEqual({});
    expect(memory.spans()[0]!.usage).toEqual({ outputTokens: 7 });
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });

  it("hostile arguments to the wrappers, tool, runInContext and setCost are logged and defaulted, never thrown", async () => {
    const memory = setup({ logLevel: "warn" });
    const hostile = new Proxy({}, { get: () => { throw new Error("trap ran"); }, ownKeys: () => { throw new Error("trap ran"); } });
    const throwingGetter = { get total(): number { throw new Error("getter ran"); } };
    const fn = function work(): number {
      return 1;
    };
    await agentTrace({ agentName: "hostile" }, () =>
      span({ name: "priced", spanType: "llm" }, (s) => {
        s.setCost(hostile as never);
        s.setCost(throwingGetter as never);
      }),
    );
    expect(memory.spans()[0]!.metadata.cost).toBeUndefined();
    expect(runInContext(hostile as never, () => 7)).toBe(7);
    expect(traceAgent(fn, hostile as never)()).toBe(1);
    expect(traceSpan(fn, hostile as never)()).toBe(1);
    expect(tool("t", fn, hostile as never)()).toBe(1);
    expect(traceSpan(fn, { tags: 5 as never })()).toBe(1);
    expect(traceAgent(fn, { tags: {} as never })()).toBe(1);
    // Not a function: handed back as is, so calling it fails exactly as it would untraced.
    expect(traceAgent(undefined as never)).toBeUndefined();
    expect(traceSpan(5 as never)).toBe(5);
    expect(lines.some((l) => l.includes("traceSpan() needs a function"))).toBe(true);
  });

  it("base64 media is replaced by a placeholder; long text that only uses the base64 alphabet is kept", () => {
    const random = randomBytes(3000).toString("base64");
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(3000)]).toString("base64");
    expect(sanitize({ image: `data:image/png;base64,${random}`, raw: random, png })).toEqual({
      image: expect.stringMatching(/^\[base64 data omitted/),
      raw: expect.stringMatching(/^\[base64 data omitted/),
      png: expect.stringMatching(/^\[base64 data omitted/),
    });
    const text = {
      dna: "ACGT".repeat(1000),
      hashes: Array.from({ length: 40 }, (_, i) => createHash("sha256").update(String(i)).digest("hex")).join("\n"),
      number: "31415926535897932384".repeat(120),
      identifier: "customerRecordIdentifier".repeat(100),
    };
    expect(sanitize(text)).toEqual(text);
  });
});

describe("secrets", () => {
  it("redacts secret-looking keys but not token counts", () => {
    expect(sanitize({ api_key: "a", Authorization: "Bearer x", "x-api-key": "k", password: "p", nested: { client_secret: "s", max_tokens: 5, input_tokens: 3 } })).toEqual({
      api_key: "***REDACTED***",
      Authorization: "***REDACTED***",
      "x-api-key": "***REDACTED***",
      password: "***REDACTED***",
      nested: { client_secret: "***REDACTED***", max_tokens: 5, input_tokens: 3 },
    });
  });

  it("applies the user's redact function", async () => {
    const memory = setup({ redact: (v) => (typeof v === "string" ? v.replace(/\d{4}-\d{4}/g, "####") : v) });
    await agentTrace({ agentName: "r" }, (t) => t.span({ name: "s" }, (s) => s.recordInput({ card: "1234-5678 please" })));
    expect(memory.spans()[0]!.input).toEqual({ card: "#### please" });
  });

  it("captureContent=false keeps models, tokens and tool names but drops text", async () => {
    const memory = setup({ captureContent: false });
    await agentTrace({ agentName: "private" }, (t) =>
      t.span({ spanType: "llm", name: "s", modelId: "gpt-4o", input: "secret prompt" }, (s) => {
        s.recordOutput("secret answer");
        s.setToolCalls([{ id: "c1", type: "function", function: { name: "lookup", arguments: '{"ssn":"1"}' } }]);
        s.setTokenUsage({ inputTokens: 1, outputTokens: 2 });
      }),
    );
    const s = memory.spans()[0]!;
    expect(s.input).toBeUndefined();
    expect(s.output).toBeUndefined();
    expect(s.toolCalls).toEqual([{ id: "c1", type: "function", function: { name: "lookup" } }]);
    expect(s.usage).toEqual({ inputTokens: 1, outputTokens: 2 });
    expect(s.modelId).toBe("gpt-4o");
  });

  it("the API key never appears in a log line or an exported record", async () => {
    const key = "sk_live_SUPERSECRET_0123456789";
    const memory = new MemoryExporter();
    init({ apiKey: key, exporter: memory, logLevel: "debug", baseUrl: `https://example.invalid/${key}` as never });
    logger.setSink((_l, line) => lines.push(line));
    logger.warn(`something mentioned ${key}`);
    await agentTrace({ agentName: "k" }, (t) =>
      t.span({ name: "s" }, (s) => {
        s.recordInput({ note: `key is ${key}`, headers: { authorization: `Bearer ${key}` } });
        s.setMetadata({ leaked: key });
        throw new Error(`failed with ${key}`);
      }),
    ).catch(() => undefined);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain(key);
    expect(JSON.stringify(memory.records)).not.toContain(key);
    logger.setLevel("warn");
  });
});
