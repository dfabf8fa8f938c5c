/**
 * Zero-code scenarios: unchanged apps run as subprocesses with `--import @tracium/sdk/auto`,
 * `NODE_OPTIONS=--import=@tracium/sdk/auto` or `-r @tracium/sdk/auto`, against a local fake
 * provider, exporting to a JSONL file in a temp dir or to a local collector.
 */
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../examples/fake-provider/index.mjs";
import { FIXTURES, TESTS_DIR, readRecords, runNode, startCollector, tempDir, tracesOf, type Rec } from "./helpers.js";

let provider: FakeProvider;
let tmp: ReturnType<typeof tempDir>;
let n = 0;

beforeAll(async () => {
  provider = await startFakeProvider({ latencyMs: 5 });
  tmp = tempDir();
});
afterAll(async () => {
  await provider.close();
  tmp.cleanup();
});

function env(extra: Record<string, string | undefined> = {}): { env: Record<string, string | undefined>; file: string } {
  const file = join(tmp.dir, `traces-${++n}.jsonl`);
  return {
    file,
    env: {
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: provider.openaiBaseURL,
      ANTHROPIC_API_KEY: "sk-ant-test",
      ANTHROPIC_BASE_URL: provider.anthropicBaseURL,
      TRACIUM_FILE: file,
      TRACIUM_AGENT_NAME: "zero-code-app",
      ...extra,
    },
  };
}

const fixture = (name: string) => join(FIXTURES, name);
const llmSpans = (records: Rec[]) => records.filter((r) => r.type === "span" && r.span_type === "llm");

describe("ESM app with --import @tracium/sdk/auto", () => {
  it("traces openai (plain and streamed) and anthropic calls, one implicit trace per call, and leaves the output unchanged", async () => {
    const plain = await runNode([fixture("esm-app.mjs")], { env: env().env });
    // Stream usage injection switched on by its variable (no options in zero code): the streamed
    // span gets tokens, and the app still prints exactly what it prints untraced.
    const { env: e, file } = env({ TRACIUM_OPENAI_INJECT_STREAM_USAGE: "true" });
    const traced = await runNode(["--import", "@tracium/sdk/auto", fixture("esm-app.mjs")], { env: e });
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stdout).toBe(plain.stdout);

    const traces = tracesOf(readRecords(file));
    expect(traces).toHaveLength(3);
    for (const t of traces) {
      expect(t.start?.agent_name).toBe("zero-code-app");
      expect(t.end?.status).toBe("completed");
      expect(t.spans).toHaveLength(1);
    }
    const [chat, stream, claude] = traces.map((t) => t.spans[0]!);
    expect(chat).toMatchObject({ span_type: "llm", name: "openai.chat.completions", model_id: "gpt-4o-mini", status: "completed" });
    expect(chat.input_tokens).toBeGreaterThan(0);
    expect(chat.output_tokens).toBeGreaterThan(0);
    expect(stream).toMatchObject({ span_type: "llm", name: "openai.chat.completions", status: "completed" });
    expect(stream.output_tokens).toBeGreaterThan(0); // usage read from the stream
    expect(stream.metadata).toMatchObject({ stream_usage: "injected" });
    expect(claude).toMatchObject({ span_type: "llm", name: "anthropic.messages", model_id: "claude-sonnet-4-6", status: "completed" });
    expect(traces[0]!.end?.summary).toMatchObject({ llm_calls: 1, models: ["gpt-4o-mini"] });
  });

  it("NODE_OPTIONS=--import=@tracium/sdk/auto sends the traces to the Tracium API (local collector)", async () => {
    const collector = await startCollector();
    try {
      const { env: e } = env({ NODE_OPTIONS: "--import=@tracium/sdk/auto", TRACIUM_API_KEY: "tr-test-key-123", TRACIUM_BASE_URL: collector.url });
      const r = await runNode([fixture("esm-app.mjs")], { env: e });
      expect(r.code, r.stderr).toBe(0);
      const creates = collector.requests.filter((q) => q.method === "POST" && q.path === "/agents/traces");
      const spans = collector.requests.filter((q) => /\/agents\/traces\/[^/]+\/spans$/.test(q.path)).flatMap((q) => q.body.spans as Rec[]);
      const completes = collector.requests.filter((q) => /\/complete$/.test(q.path));
      expect(creates).toHaveLength(3);
      expect(creates.every((q) => q.body.agent_name === "zero-code-app" && q.headers["x-api-key"] === "tr-test-key-123")).toBe(true);
      const done = spans.filter((s) => s.status === "completed");
      expect(done.map((s) => s.name).sort()).toEqual(["anthropic.messages", "openai.chat.completions", "openai.chat.completions"]);
      expect(completes).toHaveLength(3);
      expect(completes.every((q) => q.body.summary.llm_calls === 1)).toBe(true);
    } finally {
      await collector.close();
    }
  });

  it("patches both builds when one app loads openai as an ES module and as CommonJS", async () => {
    const { env: e, file } = env({ TRACIUM_LOG_LEVEL: "debug" });
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("mixed-builds.mjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ distinct: true, esm: true, cjs: true, patched: ["openai:import", "openai:require"] });
    expect(r.stderr).toMatch(/patched openai \(import\)/);
    expect(r.stderr).toMatch(/patched openai \(require\)/);
    expect(llmSpans(readRecords(file))).toHaveLength(2);
  });

  it("patches several majors imported through package aliases (openai 4 with its shim, 5, 7; anthropic 0.x)", async () => {
    const { env: e, file } = env();
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("majors.mjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([true, 200, "text"]);
    const spans = llmSpans(readRecords(file));
    expect(spans.map((s) => s.name)).toEqual(["openai.chat.completions", "openai.chat.completions", "openai.chat.completions", "anthropic.messages"]);
    expect(spans.every((s) => s.status === "completed")).toBe(true);
    // By default a stream is sent as the app wrote it: the v7 stream did not ask for usage, so its span has none.
    const [v4, v5, v7, a0] = spans;
    expect([v4, v5, a0].every((s) => s!.output_tokens > 0)).toBe(true);
    expect(v7!.metadata).toMatchObject({ stream: true, stream_usage: "not_requested" });
    expect(v7!.output_tokens ?? 0).toBe(0);
    const streamed = provider.requests.filter((q) => q.body?.stream === true && q.body?.messages?.[0]?.content === "v7");
    expect(streamed).toHaveLength(1);
    expect(streamed[0]!.body.stream_options).toBeUndefined();
  });

  it("-r @tracium/sdk/auto with an ES module main script registers the ESM hook too", async () => {
    const { env: e, file } = env();
    const r = await runNode(["-r", "@tracium/sdk/auto", fixture("esm-app.mjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(llmSpans(readRecords(file)).map((s) => s.name)).toEqual(["openai.chat.completions", "openai.chat.completions", "anthropic.messages"]);
    expect(r.stderr.match(/no TRACIUM_API_KEY set/g)).toHaveLength(1); // not started again in the loader thread
  });

  it("warns when the app imports @tracium/sdk/auto itself (too late for ES modules)", async () => {
    const { env: e } = env();
    const r = await runNode([fixture("self-import.mjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("@tracium/sdk/auto was imported by the app itself");
    const ok = await runNode(["--import", "@tracium/sdk/auto", fixture("esm-app.mjs")], { env: env().env });
    expect(ok.stderr).not.toContain("imported by the app itself");
  });

  it("TRACIUM_ENABLED=false: nothing is patched and nothing is written; the app runs as usual", async () => {
    const { env: e, file } = env({ TRACIUM_ENABLED: "false", TRACIUM_LOG_LEVEL: "debug" });
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("esm-app.mjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).chat).toContain("refund");
    expect(r.stderr).toContain("no module is patched");
    expect(r.stderr).not.toContain("zero-code: patched");
    expect(readRecords(file)).toEqual([]);
  });

  it("does not load any provider SDK by itself", async () => {
    const loads = join(tmp.dir, `loads-${++n}.txt`);
    const { env: e } = env({ LOADS_FILE: loads });
    const r = await runNode(["--import", fixture("record-loads.mjs"), "--import", "@tracium/sdk/auto", fixture("no-provider.mjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ loaded: [] });
    expect(r.stderr).toBe(""); // no traced call: no client, no notice, no file
    expect(readRecords(e.TRACIUM_FILE!)).toEqual([]);
    const urls = readFileSync(loads, "utf8").split("\n").filter(Boolean);
    expect(urls.some((u) => u.includes("@tracium/sdk") || u.includes("packages/sdk"))).toBe(true);
    expect(urls.filter((u) => /node_modules\/(openai|@anthropic-ai\/sdk|@langchain\/core)\//.test(u))).toEqual([]);
  });
});

describe("Groq, Mistral and Ollama apps", () => {
  const localEnv = () => {
    const { env: e, file } = env({ GROQ_API_KEY: "gsk-test", GROQ_BASE_URL: provider.groqBaseURL, MISTRAL_SERVER_URL: provider.mistralServerURL, OLLAMA_HOST: provider.ollamaHost });
    return { e, file };
  };

  it("ESM (--import): every call is one span with its tokens, the tool loop included, and the output is unchanged", async () => {
    const plain = await runNode([fixture("local-models-app.mjs")], { env: localEnv().e });
    expect(plain.code, plain.stderr).toBe(0);
    const { e, file } = localEnv();
    const traced = await runNode(["--import", "@tracium/sdk/auto", fixture("local-models-app.mjs")], { env: e });
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stdout).toBe(plain.stdout);
    const spans = tracesOf(readRecords(file)).map((t) => {
      expect(t.spans).toHaveLength(1);
      return t.spans[0]!;
    });
    expect(spans.map((s) => s.name)).toEqual(["groq.chat.completions", "groq.chat.completions", "mistral.chat", "mistral.chat", "mistral.embeddings", "ollama.chat", "ollama.generate"]);
    for (const s of spans) {
      expect(s.status).toBe("completed");
      expect(s.input_tokens).toBeGreaterThan(0);
      if (s.span_type === "llm") expect(s.output_tokens).toBeGreaterThan(0);
    }
    expect(spans[0]!.tool_calls[0]).toMatchObject({ function: { name: "get_weather" } });
    expect(spans[1]!.metadata.stream).toBe(true); // streamed Groq usage comes from x_groq.usage
    expect(spans[5]!.tool_calls[0]).toMatchObject({ function: { name: "get_weather", arguments: { city: "Paris" } } });
  });

  it("CommonJS (-r): groq-sdk and ollama are patched through the require hook", async () => {
    const plain = await runNode([fixture("local-models-app.cjs")], { env: localEnv().e });
    const { e, file } = localEnv();
    const traced = await runNode(["-r", "@tracium/sdk/auto", fixture("local-models-app.cjs")], { env: e });
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stdout).toBe(plain.stdout);
    const spans = tracesOf(readRecords(file)).flatMap((t) => t.spans);
    expect(spans.map((s) => [s.name, s.output_tokens > 0])).toEqual([
      ["groq.chat.completions", true],
      ["ollama.chat", true],
    ]);
  });
});

describe("vitest with execArgv: [\"--import\", \"@tracium/sdk/auto\"]", () => {
  it("patches the provider inside the test worker, although vitest imports it by file URL", async () => {
    const { env: e, file } = env();
    const vitest = join(TESTS_DIR, "..", "node_modules", "vitest", "vitest.mjs");
    const r = await runNode([vitest, "run", "--config", "vitest.config.mjs"], { env: e, cwd: fixture("vitest-app"), timeoutMs: 25_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('"module":"openai"');
    expect(llmSpans(readRecords(file))).toHaveLength(1);
  });
});

describe("CommonJS app with -r @tracium/sdk/auto", () => {
  it("traces openai and streamed anthropic calls", async () => {
    const { env: e, file } = env();
    const r = await runNode(["-r", "@tracium/sdk/auto", fixture("cjs-app.cjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).anthropic).toContain("Hello there");
    const traces = tracesOf(readRecords(file));
    expect(traces.map((t) => t.spans[0]?.name)).toEqual(["openai.chat.completions", "anthropic.messages"]);
    expect(traces.every((t) => t.end?.status === "completed")).toBe(true);
    expect(traces[1]!.spans[0]!.output_tokens).toBeGreaterThan(0);
  });

  it("NODE_OPTIONS=--import also patches a CommonJS app (through the require hook)", async () => {
    const { env: e, file } = env({ NODE_OPTIONS: "--import=@tracium/sdk/auto" });
    const r = await runNode([fixture("cjs-app.cjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(llmSpans(readRecords(file))).toHaveLength(2);
  });

  it("patches a provider loaded before Tracium late, and warns about it", async () => {
    const { env: e, file } = env();
    const r = await runNode(["-r", fixture("preload-openai.cjs"), "-r", "@tracium/sdk/auto", fixture("loaded-before.cjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/openai \(node_modules\/\S*openai\/index\.js\) was loaded before Tracium started; patched now/);
    expect(llmSpans(readRecords(file))).toHaveLength(1);
  });
});

describe("LangChain app", () => {
  it("traces a chain started synchronously at the app's top level, root chain span included", async () => {
    const { env: e, file } = env();
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("langchain-toplevel.mjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).reply).toBe("Paris.");
    const spans = readRecords(file).filter((x) => x.type === "span");
    const root = spans.find((x) => x.span_type === "chain" && !x.parent_span_id);
    expect(root, JSON.stringify(spans)).toBeDefined();
    expect(llmSpans(spans).map((x) => x.parent_span_id)).toEqual([root!.id]);
  });

  it("patches the app's own openai copy and the nested copy inside @langchain/openai (openai plugin alone)", async () => {
    const { env: e, file } = env({ TRACIUM_LOG_LEVEL: "debug", TRACIUM_DISABLED_PLUGINS: "langchain,mcp" });
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("langchain-app.mjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    // langchain and mcp are left out; plugins other than those may still be watched.
    expect(r.stderr).toMatch(/watching openai, @anthropic-ai\/sdk[,\n]/);
    expect(r.stderr).not.toMatch(/watching [^\n]*(@langchain|@modelcontextprotocol)/);
    const patched = [...r.stderr.matchAll(/patched openai \(import\) at (\S+)/g)].map((m) => m[1]!);
    expect(new Set(patched).size).toBe(2);
    expect(patched.some((p) => /openai@7\./.test(p))).toBe(true);
    expect(patched.some((p) => /openai@6\./.test(p))).toBe(true);
    const spans = llmSpans(readRecords(file));
    expect(spans.map((s) => s.model_id).sort()).toEqual(["gpt-4.1-mini", "gpt-4o-mini"]);
    expect(spans.every((s) => s.name === "openai.chat.completions")).toBe(true);
  });

  it("with every plugin on: the app runs unchanged, both copies are patched, the LangChain call is traced once", async () => {
    const plain = await runNode([fixture("langchain-app.mjs")], { env: env().env });
    const { env: e, file } = env({ TRACIUM_LOG_LEVEL: "debug" });
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("langchain-app.mjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    const patched = new Set([...r.stderr.matchAll(/patched openai \(import\) at (\S+)/g)].map((m) => m[1]));
    expect(patched.size).toBe(2);
    expect(r.stderr).toMatch(/patched @langchain\/core\/callbacks\/manager \(import\)/);
    const traces = tracesOf(readRecords(file));
    const llm = traces.flatMap((t) => t.spans).filter((s) => s.span_type === "llm");
    expect(llm.filter((s) => s.model_id === "gpt-4o-mini")).toHaveLength(1);
    expect(llm.some((s) => s.model_id === "gpt-4.1-mini")).toBe(true);
    // usage counted once: the LangChain run and the provider call inside it are not two LLM calls
    expect(traces.reduce((n, t) => n + (t.end?.summary.llm_calls ?? 0), 0)).toBe(2);
  });
});

describe("LangChain app (CommonJS, -r)", () => {
  it("the run is traced once through the callback manager patched by the require hook", async () => {
    const { env: e, file } = env({ TRACIUM_LOG_LEVEL: "debug" });
    const r = await runNode(["-r", "@tracium/sdk/auto", fixture("langchain-app.cjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).langchain).toContain("refund");
    expect(r.stderr).not.toMatch(/circular dependency/);
    expect(r.stderr).toMatch(/patched @langchain\/core\/callbacks\/manager \(require\)/);
    const traces = tracesOf(readRecords(file));
    expect(traces).toHaveLength(1);
    expect(traces[0]!.start?.tags).toContain("@langchain");
    expect(traces[0]!.end?.summary).toMatchObject({ llm_calls: 1, models: ["gpt-4.1-mini"] });
  });
});

describe("implicit traces", () => {
  it("one per call outside a boundary, one per withTrace job, one per HTTP request (none without LLM calls)", async () => {
    const { env: e, file } = env();
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("implicit.mjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    const traces = tracesOf(readRecords(file));
    const byAgent = (name: string) => traces.filter((t) => t.start?.agent_name === name);

    const loose = byAgent("zero-code-app");
    expect(loose).toHaveLength(2);
    expect(loose.every((t) => t.spans.length === 1)).toBe(true);

    const job = byAgent("nightly-job");
    expect(job).toHaveLength(1);
    expect(job[0]!.spans).toHaveLength(3);
    expect(job[0]!.end).toMatchObject({ status: "completed", tags: ["batch"] });
    expect(job[0]!.end!.summary.llm_calls).toBe(3);

    const http = byAgent("http-agent");
    expect(http).toHaveLength(4); // /chat, /boom, /a, /b; /health made no call
    const paths = http.map((t) => t.start!.metadata.http_path).sort();
    expect(paths).toEqual(["/a", "/b", "/boom", "/chat"]);
    const chat = http.find((t) => t.start!.metadata.http_path === "/chat")!;
    expect(chat.spans.map((s) => s.span_type).sort()).toEqual(["llm", "tool"]);
    expect(chat.end).toMatchObject({ status: "completed" });
    const boom = http.find((t) => t.start!.metadata.http_path === "/boom")!;
    expect(boom.end).toMatchObject({ status: "failed", error: "HTTP 500" });
    // concurrent requests do not share a trace
    for (const t of http) expect(t.spans.filter((s) => s.span_type === "llm")).toHaveLength(1);
  });
});

describe("traceHandler with real frameworks", () => {
  it("Express and Hono middleware: one trace per request with its LLM call; a failing route fails its trace", async () => {
    const { env: e, file } = env();
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("frameworks.mjs")], { env: e });
    expect(r.code, r.stderr).toBe(0);
    const statuses = (JSON.parse(r.stdout) as string[]).map((s) => s.slice(0, 3));
    expect(statuses).toEqual(["200", "200", "500", "200", "200"]);
    const traces = tracesOf(readRecords(file));
    const express = traces.filter((t) => t.end?.agent_name === "express-app");
    const hono = traces.filter((t) => t.end?.agent_name === "hono-app");
    expect(express).toHaveLength(3); // /chat twice and /boom; /health made no call
    expect(hono).toHaveLength(1);
    for (const t of [...express, ...hono]) expect(t.spans.map((s) => s.name)).toEqual(["openai.chat.completions"]);
    const boom = express.find((t) => t.start?.metadata.http_path === "/boom");
    expect(boom?.end).toMatchObject({ status: "failed", error: "HTTP 500" });
    expect(hono[0]!.start?.metadata).toMatchObject({ http_method: "GET", http_path: "/chat" });
    expect(express.filter((t) => t.end?.status === "completed")).toHaveLength(2);
  });
});

describe("exit", () => {
  const check = (file: string, agent: string) => {
    const traces = tracesOf(readRecords(file)).filter((t) => t.start?.agent_name === agent);
    expect(traces).toHaveLength(1);
    const t = traces[0]!;
    expect(t.end?.status).toBe("completed");
    const open = t.spans.find((s) => s.name === "never-ended");
    expect(open).toMatchObject({ status: "completed", metadata: { ended_with_trace: true } });
    expect(t.spans.some((s) => s.span_type === "llm")).toBe(true);
  };

  it("ends and writes open traces when the event loop runs dry", async () => {
    const { env: e, file } = env();
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("exit.mjs"), "natural"], { env: e });
    expect(r.code, r.stderr).toBe(0);
    check(file, "exit-natural");
  });

  it("on process.exit(): writes open traces and keeps the exit code", async () => {
    const { env: e, file } = env();
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("exit.mjs"), "process-exit"], { env: e });
    expect(r.code).toBe(3);
    check(file, "exit-process-exit");
  });

  it("on SIGTERM with no handler of the app: flushes, then dies by the signal as it would have", async () => {
    const { env: e, file } = env();
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("exit.mjs"), "signal"], {
      env: e,
      onStdout: (text, kill) => text.includes("ready") && kill("SIGTERM"),
    });
    expect(r.signal).toBe("SIGTERM");
    check(file, "exit-signal");
  });

  it("a process that never loads a provider keeps Node's own signal handling (no listener of Tracium's)", async () => {
    const { env: e } = env();
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("signals.mjs"), "no-provider"], { env: e });
    expect(r.stdout).toContain("listeners SIGINT=0 SIGTERM=0");
  });

  it("a library that re-raises a signal only when its listener is the only one (signal-exit) runs its cleanup and the process dies by the signal, as untraced", async () => {
    const { env: e } = env();
    const run = (args: string[]) => runNode([...args, fixture("signals.mjs"), "reraise-library"], { env: e, onStdout: (text, kill) => text.includes("ready") && kill("SIGTERM") });
    const plain = await run([]);
    const traced = await run(["--import", "@tracium/sdk/auto"]);
    expect(plain.signal).toBe("SIGTERM");
    expect(traced.signal).toBe(plain.signal);
    expect(traced.stdout).toContain("cleanup SIGTERM");
  });

  it("the app's own beforeExit handler runs once, as untraced (the file exporter writes at exit)", async () => {
    const { env: e, file } = env();
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("signals.mjs"), "before-exit"], { env: e });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/beforeExit \d/g)).toEqual(["beforeExit 1"]);
    expect(tracesOf(readRecords(file)).length).toBe(1);
  });

  it("on SIGTERM handled by the app: flushes and lets the app exit its own way", async () => {
    const { env: e, file } = env();
    const r = await runNode(["--import", "@tracium/sdk/auto", fixture("exit.mjs"), "signal-app-handler"], {
      env: e,
      onStdout: (text, kill) => text.includes("ready") && !text.includes("cleaning") && kill("SIGTERM"),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("app: cleaning up");
    check(file, "exit-signal-app-handler");
  });
});
