/**
 * Terminal injection: trace data full of escape sequences (window title change, screen clear,
 * OSC-8 hyperlinks, 8-bit CSI, bidi overrides) printed by `tracium view`, by the console exporter,
 * by the SDK's own log lines (which echo servers' answers, errors and the environment) and by
 * `tracium doctor` must reach the terminal as visible text, never as control characters.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConsoleExporter, TraciumClient, logger, resolveConfig } from "@tracium/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runNode, tempDir } from "../zero-code/helpers.js";
import { startApi } from "./faults.js";

const ESC = "\u001b";
const BEL = "\u0007";
const TITLE = `${ESC}]0;pwned${BEL}`;
const CLEAR = `${ESC}[2J${ESC}[H`;
const LINK = `${ESC}]8;;https://evil.example/${BEL}click${ESC}]8;;${BEL}`;
const CSI8 = "\u009b31m";
const BIDI = "\u202eexe.txt";
const hostile = (what: string) => `${what}${TITLE}${CLEAR}${LINK}${CSI8}${BIDI}\u007f`;

/** Control characters a terminal acts on (newlines are the renderer's own). */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const controls = (text: string) => (text.match(CONTROL) ?? []).map((c) => c.charCodeAt(0).toString(16));

let tmp: ReturnType<typeof tempDir>;
let file: string;
beforeAll(() => {
  tmp = tempDir("tracium-failsafe-term-");
  file = join(tmp.dir, "hostile.jsonl");
  const traceId = "aaaaaaaa-0000-4000-8000-00000000000e";
  const lines = [
    { type: "trace_start", trace_id: traceId, agent_name: hostile("agent"), tags: [hostile("tag")], model_id: hostile("model"), metadata: {} },
    {
      type: "span",
      trace_id: traceId,
      id: "s1",
      span_type: "llm",
      name: hostile("name"),
      status: "failed",
      started_at: "2026-01-02T03:04:05.000Z",
      completed_at: "2026-01-02T03:04:06.000Z",
      latency_ms: 1000,
      parent_span_id: null,
      model_id: hostile("span-model"),
      error: hostile("span-error"),
      input_tokens: 3,
      output_tokens: 4,
    },
    { type: "span", trace_id: traceId, id: "s2", span_type: hostile("type"), name: "child", status: "completed", started_at: "2026-01-02T03:04:05.500Z", completed_at: null, latency_ms: 5, parent_span_id: "s1" },
    {
      type: "trace_end",
      trace_id: traceId,
      status: "failed",
      started_at: `2026-01-02T03:04:05.000Z${CLEAR}`,
      completed_at: "2026-01-02T03:04:07.000Z",
      error: hostile("trace-error"),
      model: hostile("trace-model"),
      tags: [hostile("tag")],
      summary: { llm_calls: 1, input_tokens: 3, output_tokens: 4, models: [hostile("summary-model")], [hostile("key")]: hostile("value") },
    },
    { type: "trace_end", trace_id: hostile("id"), status: "completed", agent_name: hostile("agent2"), summary: {} },
  ];
  writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
});
afterAll(() => tmp.cleanup());

describe("tracium view: data cannot drive the terminal", () => {
  it("prints every control character from the file as a visible escape (no colour)", async () => {
    const r = await runNode([CLI, "view", file], { env: { NO_COLOR: "1" } });
    expect(r.code, r.stderr).toBe(0);
    expect(controls(r.stdout)).toEqual([]);
    // Still readable: the escapes are shown, so the user sees what the data held.
    expect(r.stdout).toContain("agent\\x1b]0;pwned\\x07\\x1b[2J\\x1b[H\\x1b]8;;https://evil.example/\\x07click");
    expect(r.stdout).toContain("\\x9b31m\\u202eexe.txt\\x7f");
    for (const what of ["name", "span-model", "span-error", "type", "trace-error", "trace-model", "tag", "summary-model", "key", "id", "agent2"]) {
      expect(r.stdout, what).toContain(`${what}\\x1b]0;pwned`);
    }
    // A summary value is shown as JSON, whose own escapes are as visible.
    expect(r.stdout).toContain('="value\\u001b]0;pwned\\u0007');
  });

  it("with colour, the only escape sequences are its own colours", async () => {
    const r = await runNode([CLI, "view", file], { env: { FORCE_COLOR: "1" } });
    expect(r.code, r.stderr).toBe(0);
    const withoutColours = r.stdout.replace(/\u001b\[\d+m/g, "");
    expect(controls(withoutColours)).toEqual([]);
    expect(r.stdout).toMatch(/\u001b\[31m/);
  });

  it("--json escapes DEL, C1 and bidi controls too, and still parses to the data", async () => {
    const r = await runNode([CLI, "view", file, "--json"], { env: { NO_COLOR: "1" } });
    expect(r.code, r.stderr).toBe(0);
    expect(controls(r.stdout.replace(/\n/g, ""))).toEqual([]);
    const traces = JSON.parse(r.stdout) as Array<{ agent_name: string; spans: Array<{ name: string }> }>;
    expect(traces[0]!.agent_name).toBe(hostile("agent"));
    expect(traces[0]!.spans[0]!.name).toBe(hostile("name"));
  });
});

describe("console exporter: data cannot drive the terminal", () => {
  it("prints span names, types, model ids and errors with control characters escaped", async () => {
    let out = "";
    const client = new TraciumClient(resolveConfig({ exporter: "none" }), [new ConsoleExporter({ write: (t) => (out += t) })]);
    await client
      .agentTrace({ agentName: "bot", modelId: hostile("trace-model") }, async (trace) => {
        await trace.span({ spanType: "llm", name: hostile("name") }, (span) => {
          span.setModelId(hostile("span-model"));
          span.setTokenUsage({ inputTokens: 1, outputTokens: 2 });
        });
        await trace.span({ spanType: hostile("type"), name: "tool" }, () => undefined);
        await trace.span({ spanType: "tool", name: "fails" }, () => {
          throw new Error(hostile("span-error"));
        });
      })
      .catch(() => undefined);
    await client.shutdown();
    expect(out).toContain("[tracium] trace bot");
    expect(controls(out)).toEqual([]);
    for (const what of ["name", "span-model", "type", "span-error", "trace-model"]) expect(out, what).toContain(`${what}\\x1b]0;pwned\\x07`);
  });
});

describe("the SDK's log lines: what they echo cannot drive the terminal", () => {
  it("a server's error answer and an error message are escaped, one line each", async () => {
    const api = await startApi((_req, res) => {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end(hostile("server-answer"));
    });
    const lines: string[] = [];
    logger.resetOnce();
    logger.setSink((_level, line) => lines.push(line));
    try {
      const client = new TraciumClient(resolveConfig({ apiKey: "tr-failsafe-key-0004", baseUrl: api.url, logLevel: "debug" }));
      await client.agentTrace({ agentName: "bot" }, () => undefined);
      await client.flush(5_000);
      // An error thrown by the user's subscriber, logged with its message.
      client.subscribe({
        spanEnded: () => {
          throw new Error(`${hostile("subscriber-error")}\n[tracium] error: forged`);
        },
      });
      await client.agentTrace({ agentName: "bot" }, (t) => t.span({ name: "s" }, () => undefined));
      await client.shutdown(1_000);
    } finally {
      logger.setSink(undefined);
      await api.close();
    }
    const text = lines.join("\n");
    for (const what of ["server-answer", "subscriber-error"]) expect(text, what).toContain(`${what}\\x1b]0;pwned\\x07`);
    for (const line of lines) expect(controls(line), line).toEqual([]);
    // The newline in the message stays inside its line: no forged second line.
    expect(text).toContain("\\n[tracium] error: forged");
    expect(text.split("\n").some((l) => l.startsWith("[tracium] error: forged"))).toBe(false);
  });

  it("the default sink writes escaped lines to stderr", async () => {
    const r = await runNode(["--input-type=module", "-e", 'import { resolveConfig } from "@tracium/core"; resolveConfig({}, { TRACIUM_SAMPLE_RATE: process.env.EVIL });'], {
      // Short enough to be echoed whole; JSON quoting alone leaves C1 and bidi controls raw.
      env: { EVIL: `${CSI8}${BIDI}` },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("[tracium] warn:");
    expect(controls(r.stderr.replace(/\n/g, ""))).toEqual([]);
    expect(r.stderr).toContain("\\x9b31m\\u202eexe.txt");
  });
});

describe("tracium doctor: what it echoes cannot drive the terminal", () => {
  it("environment values and an installed package's version are escaped", async () => {
    // A project whose installed openai package.json carries escapes in its version.
    const project = join(tmp.dir, "project");
    mkdirSync(join(project, "node_modules", "openai"), { recursive: true });
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", version: "1.0.0" }));
    writeFileSync(join(project, "node_modules", "openai", "package.json"), JSON.stringify({ name: "openai", version: hostile("4.0.0"), main: "index.js" }));
    writeFileSync(join(project, "node_modules", "openai", "index.js"), "module.exports = {};\n");
    const r = await runNode([CLI, "doctor", "--no-load", "--timeout", "500"], {
      cwd: project,
      env: {
        NO_COLOR: "1",
        TRACIUM_EXPORTER: "file",
        TRACIUM_FILE: join(tmp.dir, hostile("file")),
        TRACIUM_SAMPLE_RATE: `${CSI8}${BIDI}`,
      },
    });
    expect(r.stdout).toContain("Tracium doctor");
    expect(controls(r.stdout.replace(/\n/g, ""))).toEqual([]);
    expect(controls(r.stderr.replace(/\n/g, ""))).toEqual([]);
    for (const what of ["4.0.0", "file"]) expect(r.stdout, what).toContain(`${what}\\x1b]0;pwned\\x07`);
    expect(r.stdout).toContain("\\x9b31m\\u202eexe.txt");
  });
});
