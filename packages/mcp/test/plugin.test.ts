/**
 * Unit tests of the MCP plugin against a structural stand-in for `@modelcontextprotocol/sdk`'s
 * `Client` (the real SDK is exercised in integration-tests/mcp).
 */
import { agentTrace, init, instrument, MemoryExporter, registerPlugin, type SpanData } from "@tracium/core";
import { beforeEach, describe, expect, it } from "vitest";
import { instrumentMcp, isMcpInstrumented, mcpPlugin, uninstrumentMcp } from "../src/index.js";

const memory = new MemoryExporter();
init({ exporter: memory, logLevel: "silent" });
registerPlugin(mcpPlugin);
beforeEach(() => memory.reset());

class FakeTransport {
  sessionId: string | undefined = undefined;
}

class Protocol {
  transport: FakeTransport | undefined = new FakeTransport();
  request(result: unknown, fail?: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => setTimeout(() => (fail ? reject(fail) : resolve(result)), 1));
  }
}

/** Same shape as the SDK's Client: async methods on the prototype. */
class Client extends Protocol {
  server: { name: string; version: string } | undefined = { name: "fake-server", version: "2.1.0" };
  tools: Record<string, (args: Record<string, unknown>) => unknown> = {
    add: (a) => ({ content: [{ type: "text", text: String(Number(a.a) + Number(a.b)) }] }),
    soft: () => ({ content: [{ type: "text", text: "no such city" }], isError: true }),
  };
  async connect(): Promise<void> {}
  getServerVersion(): unknown {
    return this.server;
  }
  async callTool(params: { name: string; arguments?: Record<string, unknown> }, _schema?: unknown, _options?: unknown): Promise<unknown> {
    const fn = this.tools[params.name];
    if (!fn) return this.request(undefined, Object.assign(new Error(`MCP error -32602: Tool ${params.name} not found`), { code: -32602 }));
    return this.request(fn(params.arguments ?? {}));
  }
  async listTools(): Promise<unknown> {
    return this.request({ tools: [{ name: "add" }, { name: "soft" }] });
  }
  async readResource(params: { uri: string }): Promise<unknown> {
    return this.request({ contents: [{ uri: params.uri, text: "hello" }, { uri: "x://bin", blob: "QUJD" }] });
  }
  async getPrompt(params: { name: string }): Promise<unknown> {
    return this.request({ description: "d", messages: [{ role: "user", content: { type: "text", text: `hi ${params.name}` } }] });
  }
}

const traced = <T>(fn: () => Promise<T>): Promise<T> => agentTrace({ agentName: "mcp-unit" }, fn);
const byName = (name: string): SpanData => {
  const s = memory.spans().find((x) => x.name === name);
  if (!s) throw new Error(`no span ${name}: ${memory.spans().map((x) => x.name).join(", ")}`);
  return s;
};

describe("detection and patching", () => {
  it("detects the class, an instance and a module namespace, not other values", () => {
    expect(mcpPlugin.detect(Client)).toBe(true);
    expect(mcpPlugin.detect(new Client())).toBe(true);
    expect(mcpPlugin.detect({ Client })).toBe(true);
    expect(mcpPlugin.detect({ default: { Client } })).toBe(true);
    for (const v of [null, undefined, 1, "x", {}, Protocol, class {}, () => 1]) expect(mcpPlugin.detect(v)).toBe(false);
    expect(mcpPlugin.modules).toContain("@modelcontextprotocol/sdk/client/index.js");
  });

  it("patches idempotently and unpatches", async () => {
    class Local extends Client {}
    const original = Client.prototype.callTool;
    expect(instrumentMcp(Local)).toBe(true);
    const patched = Client.prototype.callTool;
    expect(patched).not.toBe(original);
    expect(instrument({ Client })).toBe(true);
    expect(Client.prototype.callTool).toBe(patched);
    expect(isMcpInstrumented(new Local())).toBe(true);
    expect(uninstrumentMcp(Client)).toBe(true);
    expect(Client.prototype.callTool).toBe(original);
    expect(isMcpInstrumented(Client)).toBe(false);
    await traced(() => new Client().callTool({ name: "add", arguments: { a: 1, b: 2 } }));
    expect(memory.spans()).toHaveLength(0);
    instrumentMcp(Client);
  });
});

describe("spans", () => {
  beforeEach(() => {
    instrumentMcp(Client);
  });

  it("callTool: a tool span with server, tool name, arguments and result content", async () => {
    const client = new Client();
    client.transport!.sessionId = "sess-1";
    const result = await traced(() => client.callTool({ name: "add", arguments: { a: 2, b: 3 } }, undefined, { timeout: 500 }));
    expect(result).toEqual({ content: [{ type: "text", text: "5" }] });
    expect(byName("add")).toMatchObject({
      spanType: "tool",
      status: "completed",
      input: { a: 2, b: 3 },
      output: [{ type: "text", text: "5" }],
      metadata: {
        provider: "mcp",
        operation: "tools/call",
        tool_name: "add",
        tool_type: "extension",
        mcp_server_name: "fake-server",
        mcp_server_version: "2.1.0",
        mcp_transport: "FakeTransport",
        request_timeout_ms: 500,
      },
    });
    // The transport's session id is a credential (it lets its holder post into the session).
    expect(JSON.stringify(byName("add"))).not.toContain("sess-1");
    expect(byName("add").latencyMs).toBeGreaterThan(0);
  });

  it("callTool: an isError result marks the span failed; the caller gets the result", async () => {
    const result = await traced(() => new Client().callTool({ name: "soft" }));
    expect(result).toMatchObject({ isError: true });
    expect(byName("soft")).toMatchObject({ status: "failed", error: "no such city", metadata: { is_error: true } });
  });

  it("callTool: a rejection fails the span with the error code and reaches the caller as the same object", async () => {
    const client = new Client();
    const caught = await traced(() => client.callTool({ name: "nope" })).catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as { code: number }).code).toBe(-32602);
    expect(byName("nope")).toMatchObject({ status: "failed", error: (caught as Error).message, metadata: { mcp_error_code: -32602 } });
  });

  it("callTool before connect (no server info) and outside a trace is still traced", async () => {
    const client = new Client();
    client.server = undefined;
    await client.callTool({ name: "add", arguments: { a: 1, b: 1 } });
    const span = byName("add");
    expect(span.metadata.mcp_server_name).toBeUndefined();
    expect(memory.traces()).toHaveLength(1);
  });

  it("light spans: listTools, readResource, getPrompt inside a trace, nothing outside", async () => {
    const client = new Client();
    await client.listTools();
    expect(memory.spans()).toHaveLength(0);
    await traced(async () => {
      await client.listTools();
      await client.readResource({ uri: "memo://a" });
      await client.getPrompt({ name: "greet" });
    });
    expect(byName("mcp.tools.list")).toMatchObject({ spanType: "custom", output: ["add", "soft"], metadata: { operation: "tools/list", tool_count: 2 } });
    expect(byName("mcp.resources.read")).toMatchObject({
      spanType: "retrieval",
      input: { uri: "memo://a" },
      output: [{ uri: "memo://a", text: "hello" }, { uri: "x://bin", blob_chars: 4 }],
      metadata: { resource_uri: "memo://a", resource_count: 2 },
    });
    expect(byName("mcp.prompts.get")).toMatchObject({ spanType: "retrieval", input: { name: "greet" }, metadata: { prompt_name: "greet", message_count: 1 } });
  });

  it("a subclass override calling super is one span, not two", async () => {
    class Wrapped extends Client {
      override async callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown> {
        return super.callTool(params);
      }
    }
    instrumentMcp(Wrapped);
    await traced(() => new Wrapped().callTool({ name: "add", arguments: { a: 1, b: 2 } }));
    expect(memory.spans().filter((s) => s.name === "add")).toHaveLength(1);
    uninstrumentMcp(Wrapped);
  });

  it("fail-safe: a client whose getters throw still runs the call", async () => {
    const client = new Client();
    Object.defineProperty(client, "transport", {
      get() {
        throw new Error("nope");
      },
    });
    client.getServerVersion = () => {
      throw new Error("nope");
    };
    await expect(traced(() => client.callTool({ name: "add", arguments: { a: 1, b: 2 } }))).resolves.toMatchObject({ content: [{ text: "3" }] });
    expect(byName("add").status).toBe("completed");
  });
});
