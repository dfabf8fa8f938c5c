/**
 * The `tracium ui` page in real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * the support-bot example's traces in the list and as a waterfall with a chat view and the tool-call
 * links drawn; traces sent live over the Tracium API and over OTLP appearing without a reload (pushed,
 * not polled), and an open trace page gaining spans; every filter (agent, status, tag, model, date
 * range), search and sort; the compare view's alignment and deltas; a hostile-data corpus rendered
 * inert; and a 10,000-span trace drawn with virtualised rows. Screenshots of the list, a waterfall,
 * a span panel and the compare view go to `artifacts/` (git-ignored).
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as tracium from "@tracium/core";
import { startUi, tempFile, type RunningUi } from "./server.js";
import type { Browser, Page } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`[tracium ui] browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

const ARTIFACTS = fileURLToPath(new URL("./artifacts/", import.meta.url));
const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));

let browser: Browser;
let ui: RunningUi;

/** The support-bot example, run as the demo runs it (fake provider, file exporter). */
function runExample(file: string): void {
  const env = { ...process.env, FAKE_PROVIDER: "1", TRACIUM_FILE: file, TRACIUM_EXPORTER: "file", TRACIUM_API_KEY: "" };
  const run = spawnSync(process.execPath, [join(EXAMPLES, "support-bot", "index.mjs")], { cwd: EXAMPLES, env, encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0) throw new Error(`support-bot example failed: ${run.stderr}`);
}

const HOSTILE = [
  "<script>window.__xss = 1</script>",
  '<img src=x onerror="window.__xss = 2">',
  '<a href="javascript:window.__xss = 3">click me</a>',
  "\u001b[31mred\u001b[0m \u001b]8;;javascript:alert(1)\u0007link\u001b]8;;\u0007",
];

/** A trace whose every string is hostile, as raw JSONL lines. */
function hostileLines(): string[] {
  const id = "xss-trace";
  const span = (sid: string, type: string, extra: Record<string, unknown>) =>
    JSON.stringify({ type: "span", trace_id: id, id: sid, span_type: type, status: "completed", started_at: "2026-01-01T00:00:00.000Z", completed_at: "2026-01-01T00:00:01.000Z", latency_ms: 1000, parent_span_id: null, metadata: { note: HOSTILE[1] }, tags: [HOSTILE[2]], ...extra });
  return [
    JSON.stringify({ type: "trace_start", trace_id: id, agent_name: HOSTILE[1], tags: [HOSTILE[0]] }),
    span("x1", "llm", { name: HOSTILE[0], model_id: HOSTILE[1], input: { messages: [{ role: "user", content: HOSTILE[1] }, { role: "<b>x</b>", content: HOSTILE[0] }] }, output: HOSTILE[2], tool_calls: [{ id: "c", function: { name: HOSTILE[0], arguments: HOSTILE[1] } }], tools: [{ name: HOSTILE[2] }] }),
    span("x2", "tool", { name: HOSTILE[3], input: HOSTILE[2], output: HOSTILE[3], error: HOSTILE[0], status: "failed", metadata: { error_stack: `Error: ${HOSTILE[0]}\n    at tool (${HOSTILE[2]}:1:1)` } }),
    JSON.stringify({ type: "trace_end", trace_id: id, status: "failed", agent_name: HOSTILE[1], started_at: "2026-01-01T00:00:00.000Z", completed_at: "2026-01-01T00:00:01.000Z", error: HOSTILE[0], summary: {}, tags: [HOSTILE[0]] }),
  ];
}

/** A trace of `n` spans: a root and, under it, groups of 100 (a group head with 99 children). */
function bigTraceLines(n: number): string[] {
  const id = "big-trace";
  const lines = [JSON.stringify({ type: "trace_start", trace_id: id, agent_name: "big-agent" })];
  const t0 = Date.parse("2026-01-01T00:00:00.000Z");
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        type: "span", trace_id: id, id: `s${i}`, span_type: i % 2 ? "tool" : "llm", name: `step ${i}`, status: "completed",
        started_at: new Date(t0 + i).toISOString(), completed_at: new Date(t0 + i + 5).toISOString(), latency_ms: 5,
        parent_span_id: i === 0 ? null : (i - 1) % 100 === 0 ? "s0" : `s${i - ((i - 1) % 100)}`, metadata: {}, tags: [],
      }),
    );
  }
  lines.push(JSON.stringify({ type: "trace_end", trace_id: id, status: "completed", agent_name: "big-agent", started_at: new Date(t0).toISOString(), completed_at: new Date(t0 + n + 5).toISOString(), summary: {}, tags: [] }));
  return lines;
}

/** Opens a page; `requests` gets the path of every request it makes. */
async function open(path = "/", requests?: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("pageerror", (e) => {
    throw e;
  });
  if (requests) page.on("request", (r) => void requests.push(new URL(r.url()).pathname));
  await page.goto(`${ui.url}${path}`);
  return page;
}

const rowOf = (page: Page, agent: string) => page.locator('[data-testid="trace-row"]', { has: page.locator('[data-testid="col-agent"]', { hasText: agent }) });

describe.skipIf(!hasChromium)("tracium ui in Chromium", () => {
  beforeAll(async () => {
    // A page's round trip (a debounced search, a full-text pass over the file) can take well over
    // expect.poll's default 1 s on a loaded machine.
    vi.setConfig({ expect: { poll: { timeout: 15_000, interval: 50 } } });
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = tempFile();
    runExample(file);
    ui = await startUi(file);
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 120_000);

  afterAll(async () => {
    await tracium.shutdown();
    await browser?.close();
    await ui?.stop();
  });

  it("lists the example's traces and shows one as a waterfall with the chat of each llm span", async () => {
    const page = await open();
    const rows = rowOf(page, "support-bot");
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => page.locator('[data-testid="col-models"]').first().textContent()).toBe("gpt-4o-mini");
    const llmCalls = await page.locator('[data-testid="col-llm"]').allTextContents();
    expect(llmCalls.every((c) => Number(c) >= 2)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "list.png"), fullPage: true });

    await rows.last().click();
    await page.waitForSelector('[data-testid="waterfall"] [data-testid="span-row"]');
    const types = await page.locator('[data-testid="span-row"] .badge').allTextContents();
    expect(types).toEqual(["llm", "tool", "llm"]);
    expect(await page.locator('[data-testid="sum-models"]').textContent()).toContain("gpt-4o-mini");
    // The tool-call links drawn beside the rows: the first llm asked for lookup_order, the tool ran
    // it, the second llm read its result (the example records no ids: matched by name and order).
    const rowIds = await page.locator('[data-testid="span-row"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.spanId));
    const drawn = () =>
      page.locator('[data-testid="tool-link-line"]').evaluateAll((els) => els.map((e) => ({ ...(e as SVGElement).dataset, active: e.classList.contains("active") })));
    await expect.poll(drawn).toEqual([
      { testid: "tool-link-line", kind: "call", from: rowIds[0], to: rowIds[1], active: true },
      { testid: "tool-link-line", kind: "result", from: rowIds[1], to: rowIds[2], active: false },
    ]);
    await page.screenshot({ path: join(ARTIFACTS, "waterfall.png") });

    // The first span (the llm call that asked for the tool) is selected: its chat and tools.
    const panel = page.locator('[data-testid="span-panel"]');
    await expect.poll(() => panel.locator('[data-testid="chat-message"]').count()).toBeGreaterThanOrEqual(3);
    const chat = await panel.locator('[data-testid="chat"]').textContent();
    expect(chat).toContain("Where is my order A-1001?");
    expect(chat).toContain("lookup_order");
    expect(await panel.locator('[data-testid="tools"] li.called').allTextContents()).toEqual([expect.stringContaining("lookup_order")]);
    expect(await panel.locator('[data-testid="tokens-input"]').textContent()).toContain("47");
    expect(await panel.locator('[data-testid="span-link"]').allTextContents()).toEqual(["ran: lookup_order"]);
    await page.screenshot({ path: join(ARTIFACTS, "span-panel.png") });

    // The streamed call has its first token marked; it reads the tool's result.
    await page.locator('[data-testid="span-row"]').nth(2).click();
    await expect.poll(() => panel.locator('[data-testid="span-link"]').allTextContents()).toEqual(["reads the result of: lookup_order"]);
    await expect.poll(async () => (await drawn()).map((l) => l.active)).toEqual([false, true]);
    expect(await page.locator('[data-testid="span-row"]').nth(2).locator('[data-testid="ttft"]').count()).toBe(1);
    await page.close();
  });

  it("shows a trace sent over the Tracium API and one over OTLP without a reload", async () => {
    const requests: string[] = [];
    const page = await open("/", requests);
    await expect.poll(() => rowOf(page, "support-bot").count()).toBe(2);
    // Pushed, not polled: the page holds one event stream, and an idle page asks for nothing.
    await page.waitForTimeout(500);
    expect(requests.filter((p) => p === "/api/events")).toHaveLength(1);
    const before = requests.length;
    await page.waitForTimeout(2500);
    expect(requests.slice(before)).toEqual([]);
    const run = async (agentName: string) =>
      tracium.agentTrace({ agentName }, async (trace) => {
        await trace.span({ spanType: "llm", name: "chat", metadata: { request_model: "gpt-live" }, input: { messages: [{ role: "user", content: "hi" }] } }, (s) => {
          s.setModelId("gpt-live");
          s.setTokenUsage({ inputTokens: 11, outputTokens: 7 });
          s.recordOutput("hello");
        });
      });
    tracium.init({ exporter: "tracium", apiKey: "local", baseUrl: ui.url, logLevel: "silent" });
    await run("live-tracium");
    await tracium.shutdown();
    tracium.init({ exporter: "otlp", otlp: { endpoint: `${ui.url}/v1/traces`, protocol: "http/protobuf" }, logLevel: "silent" });
    await run("live-otlp");
    await tracium.shutdown();
    for (const agent of ["live-tracium", "live-otlp"]) {
      await expect.poll(() => rowOf(page, agent).count(), { timeout: 10_000 }).toBe(1);
      expect(await rowOf(page, agent).locator('[data-testid="col-tokens"]').textContent()).toBe("18");
      expect(await rowOf(page, agent).locator('[data-testid="col-models"]').textContent()).toBe("gpt-live");
    }
    // Newest first.
    expect(await page.locator('[data-testid="col-agent"]').first().textContent()).toBe("live-otlp");
    await page.close();
  });

  it("updates an open trace page as its spans arrive, keeping the selected span", async () => {
    const id = "growing-trace";
    const span = (sid: string, name: string, status: string) =>
      JSON.stringify({ type: "span", trace_id: id, id: sid, span_type: "tool", name, status, started_at: "2026-01-02T00:00:00.000Z", completed_at: status === "in_progress" ? null : "2026-01-02T00:00:01.000Z", latency_ms: status === "in_progress" ? null : 1000, parent_span_id: null });
    appendFileSync(ui.file, `${JSON.stringify({ type: "trace_start", trace_id: id, agent_name: "growing" })}\n${span("g1", "first step", "completed")}\n${span("g2", "second step", "in_progress")}\n`);
    const requests: string[] = [];
    const page = await open(`/#/trace/${id}`, requests);
    await expect.poll(() => page.locator('[data-testid="span-row"]').count()).toBe(2);
    await page.locator('[data-testid="span-row"]').nth(1).click();
    expect(await page.locator('[data-testid="span-name"]').textContent()).toBe("second step");
    appendFileSync(ui.file, `${span("g2", "second step", "completed")}\n${span("g3", "third step", "completed")}\n`);
    await expect.poll(() => page.locator('[data-testid="span-row"]').count()).toBe(3);
    expect(await page.locator('[data-testid="span-row"].selected').getAttribute("data-span-id")).toBe("g2");
    expect(await page.locator('[data-testid="span-name"]').textContent()).toBe("second step");
    // Without a reload: the page was loaded once.
    expect(requests.filter((p) => p === "/app.js")).toHaveLength(1);
    await page.close();
  });

  it("filters by agent, and searches inside inputs and outputs", async () => {
    const page = await open();
    await expect.poll(() => page.locator('[data-testid="trace-row"]').count()).toBeGreaterThanOrEqual(2);
    await page.selectOption('[data-testid="filter-agent"]', "support-bot");
    await expect.poll(async () => new Set(await page.locator('[data-testid="col-agent"]').allTextContents())).toEqual(new Set(["support-bot"]));
    await page.selectOption('[data-testid="filter-agent"]', "");
    await page.fill('[data-testid="search"]', "A-1001");
    await expect.poll(() => page.locator('[data-testid="trace-row"]').count()).toBe(1);
    await page.fill('[data-testid="search"]', "no such text anywhere");
    await expect.poll(() => page.locator('[data-testid="trace-row"]').count()).toBe(0);
    await page.fill('[data-testid="search"]', "");
    await expect.poll(() => page.locator('[data-testid="trace-row"]').count()).toBeGreaterThanOrEqual(2);
    await page.close();
  });

  it("a list fetch that fails is tried again: the search still applies", async () => {
    const page = await open();
    await expect.poll(() => page.locator('[data-testid="trace-row"]').count()).toBeGreaterThanOrEqual(2);
    let refused = 0;
    await page.route(/\/api\/traces\?.*q=A-1001/, (route) => (refused++ === 0 ? route.abort("connectionreset") : route.continue()));
    await page.fill('[data-testid="search"]', "A-1001");
    await expect.poll(() => page.locator('[data-testid="trace-row"]').count()).toBe(1);
    expect(refused).toBeGreaterThanOrEqual(2);
    await page.close();
  });

  it("filters by status, tag, model and date range, and sorts by duration, tokens and cost", async () => {
    // Three traces of one agent on fixed days (noon UTC: the same local day in any time zone).
    const trace = (id: string, day: string, o: { status: string; tag: string; model: string; ms: number; tokens: number; cost: number }) => {
      const start = `${day}T12:00:00.000Z`;
      const end = new Date(Date.parse(start) + o.ms).toISOString();
      return [
        JSON.stringify({ type: "trace_start", trace_id: id, agent_name: "filter-agent", tags: [o.tag] }),
        JSON.stringify({ type: "span", trace_id: id, id: `${id}-s`, span_type: "llm", name: "chat", status: o.status, started_at: start, completed_at: end, latency_ms: o.ms, parent_span_id: null, model_id: o.model, input_tokens: o.tokens, output_tokens: 0, metadata: { cost: { total: o.cost } } }),
        JSON.stringify({ type: "trace_end", trace_id: id, status: o.status, agent_name: "filter-agent", started_at: start, completed_at: end, summary: {}, tags: [o.tag] }),
      ].join("\n");
    };
    appendFileSync(
      ui.file,
      `${[
        trace("f-jan", "2020-01-15", { status: "completed", tag: "alpha", model: "m-small", ms: 3000, tokens: 10, cost: 0.5 }),
        trace("f-feb", "2020-02-15", { status: "failed", tag: "beta", model: "m-large", ms: 1000, tokens: 300, cost: 0.1 }),
        trace("f-mar", "2020-03-15", { status: "completed", tag: "beta", model: "m-small", ms: 2000, tokens: 20, cost: 0.9 }),
      ].join("\n")}\n`,
    );
    const page = await open();
    const ids = () => page.locator('[data-testid="trace-row"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.traceId));
    await expect.poll(() => page.locator('[data-testid="filter-agent"] option[value="filter-agent"]').count(), { timeout: 10_000 }).toBe(1);
    await page.selectOption('[data-testid="filter-agent"]', "filter-agent");
    await expect.poll(ids).toEqual(["f-mar", "f-feb", "f-jan"]);
    await page.selectOption('[data-testid="filter-status"]', "failed");
    await expect.poll(ids).toEqual(["f-feb"]);
    await page.selectOption('[data-testid="filter-status"]', "");
    await page.selectOption('[data-testid="filter-tag"]', "beta");
    await expect.poll(ids).toEqual(["f-mar", "f-feb"]);
    await page.selectOption('[data-testid="filter-model"]', "m-small");
    await expect.poll(ids).toEqual(["f-mar"]);
    await page.selectOption('[data-testid="filter-tag"]', "");
    await page.selectOption('[data-testid="filter-model"]', "");
    await expect.poll(ids).toEqual(["f-mar", "f-feb", "f-jan"]);
    // A date range: both ends are days, both included.
    await page.fill('[data-testid="filter-from"]', "2020-02-15");
    await expect.poll(ids).toEqual(["f-mar", "f-feb"]);
    await page.fill('[data-testid="filter-to"]', "2020-02-15");
    await expect.poll(ids).toEqual(["f-feb"]);
    await page.fill('[data-testid="filter-from"]', "");
    await expect.poll(ids).toEqual(["f-feb", "f-jan"]);
    await page.fill('[data-testid="filter-to"]', "");
    await expect.poll(ids).toEqual(["f-mar", "f-feb", "f-jan"]);
    // Sorting, largest first, then reversed.
    await page.selectOption('[data-testid="sort"]', "duration");
    await expect.poll(ids).toEqual(["f-jan", "f-mar", "f-feb"]);
    await page.selectOption('[data-testid="sort"]', "tokens");
    await expect.poll(ids).toEqual(["f-feb", "f-mar", "f-jan"]);
    await page.selectOption('[data-testid="sort"]', "cost");
    await expect.poll(ids).toEqual(["f-mar", "f-jan", "f-feb"]);
    expect(await page.locator('[data-testid="order"]').textContent()).toBe("↓");
    await page.click('[data-testid="order"]');
    await expect.poll(ids).toEqual(["f-feb", "f-jan", "f-mar"]);
    // The button shows the order the list is in.
    expect(await page.locator('[data-testid="order"]').textContent()).toBe("↑");
    await page.close();
  });

  it("compares two traces: trees aligned, a span only one has, differing outputs and the deltas marked", async () => {
    // B is A after a prompt change: a longer answer from the first call (more tokens, cost and
    // time), and one more tool call.
    const trace = (id: string, day: number, spans: Array<[string, string, string | null, number, number, number, string]>) => {
      const t0 = Date.UTC(2021, 0, day, 12);
      let at = t0;
      const lines = [JSON.stringify({ type: "trace_start", trace_id: id, agent_name: "cmp-agent" })];
      for (const [sid, type, parent, ms, toks, cost, output] of spans) {
        lines.push(
          JSON.stringify({
            type: "span", trace_id: id, id: `${id}-${sid}`, span_type: type, name: type === "llm" ? "chat" : sid, status: "completed",
            started_at: new Date(at).toISOString(), completed_at: new Date(at + ms).toISOString(), latency_ms: ms, parent_span_id: parent && `${id}-${parent}`,
            input_tokens: toks, output_tokens: 0, output, metadata: cost ? { cost: { total: cost } } : {}, ...(type === "llm" ? { model_id: "m" } : {}),
          }),
        );
        at += ms;
      }
      lines.push(JSON.stringify({ type: "trace_end", trace_id: id, status: "completed", agent_name: "cmp-agent", started_at: new Date(t0).toISOString(), completed_at: new Date(at).toISOString(), summary: {}, tags: [] }));
      return lines.join("\n");
    };
    appendFileSync(
      ui.file,
      `${[
        trace("cmp-a", 1, [["run", "agent", null, 0, 0, 0, "ok"], ["l1", "llm", "run", 1000, 100, 0.01, "Paris"], ["search", "tool", "run", 200, 0, 0, "x"], ["l2", "llm", "run", 500, 50, 0.005, "done"]]),
        trace("cmp-b", 2, [["run", "agent", null, 0, 0, 0, "ok"], ["l1", "llm", "run", 1500, 150, 0.02, "Paris, France"], ["search", "tool", "run", 200, 0, 0, "x"], ["lookup", "tool", "run", 100, 0, 0, "y"], ["l2", "llm", "run", 500, 50, 0.005, "done"]]),
      ].join("\n")}\n`,
    );
    const page = await open();
    await expect.poll(() => page.locator('[data-testid="filter-agent"] option[value="cmp-agent"]').count(), { timeout: 10_000 }).toBe(1);
    await page.selectOption('[data-testid="filter-agent"]', "cmp-agent");
    await expect.poll(() => page.locator('[data-testid="trace-row"]').count()).toBe(2);
    await page.locator('[data-trace-id="cmp-a"] input[type="checkbox"]').check();
    await page.locator('[data-trace-id="cmp-b"] input[type="checkbox"]').check();
    await page.click('[data-testid="compare"]');
    await page.waitForSelector('[data-testid="compare-page"]');
    const rows = page.locator('[data-testid="compare-row"]');
    expect(await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind))).toEqual(["same", "differs", "same", "only-b", "same"]);
    // Each aligned row shows A's span and B's span; B's extra tool has an empty A side.
    expect(await rows.nth(3).locator("td.missing").count()).toBe(1);
    expect(await rows.nth(3).locator('[data-testid="compare-name"]').allTextContents()).toEqual(["lookup"]);
    // The changed llm call: both outputs, and latency, token and cost deltas (B − A).
    expect(await rows.nth(1).locator('[data-testid="compare-output"]').allTextContents()).toEqual(["Paris", "Paris, France"]);
    expect(await rows.nth(1).locator('[data-testid="delta-latency"]').textContent()).toBe("+500 ms");
    expect(await rows.nth(1).locator('[data-testid="delta-tokens"]').textContent()).toBe("+50 tok");
    expect(await rows.nth(1).locator('[data-testid="delta-cost"]').textContent()).toBe("+$0.0100");
    expect(await rows.nth(1).locator(".delta.up").count()).toBe(3);
    expect(await rows.nth(1).textContent()).toContain("output differs");
    // Equal rows carry no delta.
    expect(await rows.nth(4).locator(".delta").count()).toBe(0);
    expect(await page.locator('[data-testid="sum-delta-tokens"]').textContent()).toBe("+50");
    expect(await page.locator('[data-testid="sum-delta-spans"]').textContent()).toBe("+1");
    expect(await page.locator('[data-testid="sum-delta-duration"]').textContent()).toBe("+600 ms");
    expect(await page.locator('[data-testid="sum-delta-cost"]').textContent()).toBe("+$0.0100");
    await page.screenshot({ path: join(ARTIFACTS, "compare.png"), fullPage: true });
    await page.close();
  });

  it("renders hostile trace data as inert text", async () => {
    // Written to the file by another process, as a file exporter would: the server follows it.
    appendFileSync(ui.file, `${hostileLines().join("\n")}\n`);
    const page = await open();
    await expect.poll(() => page.locator('[data-testid="trace-row"][data-trace-id="xss-trace"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('[data-trace-id="xss-trace"] [data-testid="col-agent"]').textContent()).toBe(HOSTILE[1]);
    await page.locator('[data-trace-id="xss-trace"] [data-testid="col-agent"] a').click();
    await page.waitForSelector('[data-testid="span-panel"]');
    for (const i of [0, 1]) {
      await page.locator('[data-testid="span-row"]').nth(i).click();
      await page.waitForTimeout(100);
    }
    // The failed tool span (selected last): its error and stack, as text.
    expect(await page.locator('[data-testid="span-error"]').textContent()).toBe(HOSTILE[0]);
    expect(await page.locator('[data-testid="span-stack"]').textContent()).toContain(`at tool (${HOSTILE[2]}:1:1)`);
    expect(await page.locator('[data-testid="span-row"].failed').count()).toBe(1);
    const text = await page.locator("#app").textContent();
    expect(text).toContain(HOSTILE[0]);
    expect(text).toContain("␛[31mred␛[0m");
    const state = await page.evaluate(() => ({
      flag: (window as unknown as { __xss?: number }).__xss,
      scripts: document.querySelectorAll("#app script").length,
      images: document.querySelectorAll("#app img").length,
      jsLinks: [...document.querySelectorAll("a")].filter((a) => !a.getAttribute("href")?.startsWith("#")).length,
      handlers: [...document.querySelectorAll("#app *")].filter((el) => [...el.attributes].some((a) => a.name.startsWith("on"))).length,
    }));
    expect(state).toEqual({ flag: undefined, scripts: 0, images: 0, jsLinks: 0, handlers: 0 });
    await page.screenshot({ path: join(ARTIFACTS, "hostile.png") });
    await page.close();
  });

  it("shows a span whose fields are not what a span's would be (tools a string, a non-text tool result id)", async () => {
    const id = "odd-fields";
    const span = (sid: string, extra: Record<string, unknown>) =>
      JSON.stringify({ type: "span", trace_id: id, id: sid, span_type: "llm", name: sid, status: "completed", started_at: "2026-01-01T00:00:00.000Z", completed_at: "2026-01-01T00:00:01.000Z", latency_ms: 1000, parent_span_id: null, tags: [], ...extra });
    appendFileSync(
      ui.file,
      `${[
        JSON.stringify({ type: "trace_start", trace_id: id, agent_name: "odd-agent" }),
        span("tools-a-string", { tools: "get_weather", metadata: { tool_results_for: [{ toString: 1 }, "call_1"] } }),
        JSON.stringify({ type: "trace_end", trace_id: id, status: "completed", agent_name: "odd-agent", started_at: "2026-01-01T00:00:00.000Z", completed_at: "2026-01-01T00:00:01.000Z", summary: {}, tags: [] }),
      ].join("\n")}\n`,
    );
    const page = await open();
    await expect.poll(() => page.locator(`[data-testid="trace-row"][data-trace-id="${id}"]`).count(), { timeout: 10_000 }).toBe(1);
    await page.locator(`[data-trace-id="${id}"] [data-testid="col-agent"] a`).click();
    await page.locator('[data-testid="span-row"]').first().click();
    await page.waitForSelector('[data-testid="span-panel"]');
    expect(await page.locator('[data-testid="tool-links"]').textContent()).toContain("tool results for ?, call_1");
    await page.close();
  });

  it("lists and draws the tool-call links recorded by id: which llm asked, which tool ran, which llm read the result", async () => {
    const id = "links-trace";
    const span = (sid: string, type: string, name: string, start: number, extra: Record<string, unknown>) =>
      JSON.stringify({ type: "span", trace_id: id, id: sid, span_type: type, name, status: "completed", started_at: new Date(Date.UTC(2026, 0, 1, 0, 0, start)).toISOString(), completed_at: new Date(Date.UTC(2026, 0, 1, 0, 0, start + 1)).toISOString(), latency_ms: 1000, parent_span_id: null, tags: [], ...extra });
    appendFileSync(
      ui.file,
      [
        JSON.stringify({ type: "trace_start", trace_id: id, agent_name: "links-agent" }),
        span("l1", "llm", "plan call", 0, { metadata: {}, tool_calls: [{ id: "call_9", type: "function", function: { name: "get_weather", arguments: "{}" } }] }),
        span("t1", "tool", "get_weather", 1, { metadata: { tool_call_id: "call_9", llm_span_id: "l1" }, output: "sunny" }),
        span("l2", "llm", "answer call", 2, {
          input_tokens: 10, output_tokens: 20, cached_input_tokens: 5, cache_creation_input_tokens: 3,
          metadata: { tool_results_for: ["call_9"], tool_span_ids: ["t1"], reasoning_tokens: 7, cost: { total: 0.0123 }, time_to_first_token_ms: 250 },
        }),
        JSON.stringify({ type: "trace_end", trace_id: id, status: "completed", agent_name: "links-agent", summary: {}, tags: [] }),
      ].join("\n") + "\n",
    );
    const page = await open(`/#/trace/${id}`);
    await page.waitForSelector('[data-testid="span-panel"]');
    const links = () => page.locator('[data-testid="tool-links"] [data-testid="span-link"]').allTextContents();
    await expect.poll(links).toEqual(["ran: get_weather"]);
    const drawn = await page.locator('[data-testid="tool-link-line"]').evaluateAll((els) => els.map((e) => `${(e as SVGElement).dataset.kind} ${(e as SVGElement).dataset.from}→${(e as SVGElement).dataset.to}`));
    expect(drawn).toEqual(["call l1→t1", "result t1→l2"]);
    await page.locator('[data-testid="span-row"]').nth(1).click();
    await expect.poll(links).toEqual(["asked by: plan call", "result read by: answer call"]);
    // Following a link selects that span.
    await page.locator('[data-testid="span-link"]', { hasText: "answer call" }).click();
    await expect.poll(() => page.locator('[data-testid="span-name"]').textContent()).toBe("answer call");
    await expect.poll(links).toEqual(["reads the result of: get_weather"]);
    // Its tokens, with the cache reads and writes and the reasoning tokens, its cost and first token.
    const value = (id: string) => page.locator(`[data-testid="span-panel"] [data-testid="${id}"] .value`).textContent();
    expect([await value("tokens-input"), await value("tokens-output"), await value("tokens-cached"), await value("tokens-cache-write"), await value("tokens-reasoning")]).toEqual(["10", "20", "5", "3", "7"]);
    expect(await value("span-cost")).toBe("$0.0123");
    expect(await value("span-ttft")).toBe("250 ms");
    expect(await page.locator('[data-span-id="l2"] [data-testid="ttft"]').count()).toBe(1);
    await page.close();
  });

  it("a live update leaves the filters alone: the search box keeps its focus, text and what is typed next; a focused select gains the new option", async () => {
    const page = await open();
    await expect.poll(() => page.locator('[data-testid="trace-row"]').count()).toBeGreaterThanOrEqual(2);
    await page.locator('[data-testid="search"]').focus();
    await page.keyboard.type("A-10");
    await expect.poll(() => page.locator('[data-testid="list-info"]').textContent()).toMatch(/^\d+ of /);
    const before = await page.locator('[data-testid="list-info"]').textContent();
    // A trace arrives while the user is typing: the list is redrawn with its new total.
    appendFileSync(ui.file, `${JSON.stringify({ type: "trace_start", trace_id: "live-typing", agent_name: "typing-agent" })}\n`);
    await expect.poll(() => page.locator('[data-testid="list-info"]').textContent()).not.toBe(before);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("search");
    await page.keyboard.type("01");
    expect(await page.locator('[data-testid="search"]').inputValue()).toBe("A-1001");
    await expect.poll(() => page.locator('[data-testid="trace-row"]').count()).toBe(1);
    // The same for a facet select: focused, it stays the one in the page, and gains the new agent.
    const agents = page.locator('[data-testid="filter-agent"]');
    await agents.focus();
    await agents.evaluate((el) => void ((el as HTMLElement).dataset.mark = "kept"));
    appendFileSync(ui.file, `${JSON.stringify({ type: "trace_start", trace_id: "live-select", agent_name: "select-agent" })}\n`);
    await expect.poll(() => agents.locator("option").allTextContents()).toContain("select-agent");
    expect(await agents.evaluate((el) => (el as HTMLElement).dataset.mark)).toBe("kept");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("filter-agent");
    await page.close();
  });

  it("draws a 10,000-span trace with only the rows in view in the DOM", async () => {
    appendFileSync(ui.file, `${bigTraceLines(10_000).join("\n")}\n`);
    const page = await open("/#/trace/big-trace");
    await page.waitForSelector('[data-testid="span-row"]', { timeout: 20_000 });
    expect(await page.locator('[data-testid="sum-spans"]').textContent()).toContain("10,000");
    const inDom = await page.locator('[data-testid="span-row"]').count();
    expect(inDom).toBeGreaterThan(10);
    expect(inDom).toBeLessThan(200);
    await page.locator('[data-testid="waterfall"]').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => page.locator('[data-testid="span-row"]', { hasText: "step 9999" }).count()).toBe(1);
    expect(await page.locator('[data-testid="span-row"]').count()).toBeLessThan(200);
    await page.close();
  });
});
