/**
 * Configuration from the environment: a base URL with a scheme other than http(s) is refused with
 * a clear message (it used to become `https://ftp://x`), and `TRACIUM_AGENT_NAME` is sanitised like
 * any agent name (control characters never reach a trace).
 */
import { agentTrace, init, logger, MemoryExporter, resolveConfig, span } from "@tracium/core";
import { afterEach, describe, expect, it } from "vitest";

const lines: string[] = [];
afterEach(() => {
  logger.setSink(undefined);
  lines.length = 0;
});
function capture(): void {
  logger.resetOnce();
  logger.setSink((_l, line) => lines.push(line));
}

describe("config from the environment", () => {
  it("TRACIUM_BASE_URL=ftp://x is refused, logged, and the default is used", () => {
    capture();
    const cfg = resolveConfig({}, { TRACIUM_BASE_URL: "ftp://x", TRACIUM_LOG_LEVEL: "warn" });
    expect(cfg.baseUrl).toBe("https://api.tracium.ai");
    expect(lines.join("\n")).toMatch(/unsupported scheme "ftp:" \(only http:\/\/ and https:\/\/\)/);
    for (const bad of ["file:///etc/passwd", "javascript://x", "ws://host"]) {
      expect(resolveConfig({}, { TRACIUM_BASE_URL: bad }).baseUrl).toBe("https://api.tracium.ai");
    }
  });

  it("keeps http(s) URLs and adds https:// to a bare host", () => {
    expect(resolveConfig({}, { TRACIUM_BASE_URL: "http://127.0.0.1:8080/" }).baseUrl).toBe("http://127.0.0.1:8080");
    expect(resolveConfig({}, { TRACIUM_BASE_URL: "HTTPS://api.example.test" }).baseUrl).toBe("HTTPS://api.example.test");
    expect(resolveConfig({}, { TRACIUM_BASE_URL: "collector.local:4318" }).baseUrl).toBe("https://collector.local:4318");
  });

  it("TRACIUM_AGENT_NAME with control characters never reaches a trace", async () => {
    capture();
    const cfg = resolveConfig({}, { TRACIUM_AGENT_NAME: "evil\u001b]0;title\u0007\nname\r" });
    expect(cfg.defaultAgentName).toMatch(/^[a-zA-Z0-9 \-_.]+$/);
    expect(cfg.defaultAgentName).toContain("evil");
    const memory = new MemoryExporter();
    process.env.TRACIUM_AGENT_NAME = "bot\u0000\u001b[2J";
    try {
      init({ exporter: memory, logLevel: "silent" });
      // an implicit trace takes the default agent name
      span({ name: "outside" }, () => undefined);
      await agentTrace({ agentName: "\u001b[31mred" }, () => undefined);
    } finally {
      delete process.env.TRACIUM_AGENT_NAME;
    }
    for (const t of memory.traces()) expect(t.agentName).toMatch(/^[a-zA-Z0-9 \-_.]+$/);
    expect(memory.traces()).toHaveLength(2);
  });
});
