/**
 * The MCP plugin against the real `@modelcontextprotocol/sdk` client, connected to the fixture
 * server in-process (InMemoryTransport) and over stdio (a child process): each callTool is one
 * `tool` span with the server, tool name, arguments and result; error results, protocol errors,
 * timeouts and transport failures are failed spans and reach the caller unchanged.
 */
import { createRequire } from "node:module";
import { agentTrace, instrument, uninstrument, type SpanData } from "@tracium/core";
import { isMcpInstrumented } from "@tracium/mcp";
import { describe, expect, it } from "vitest";
import { errorThroughPatch } from "../helpers/contract.js";
import { Client, clientModule, connect, memory, onlySpan, SERVER_INFO, spansNamed, useMcpTracing, type Transport } from "./harness.js";

useMcpTracing();
const require = createRequire(import.meta.url);

const traced = <T>(fn: () => Promise<T>): Promise<T> => agentTrace({ agentName: "mcp-client-test" }, fn);

describe.each<Transport>(["in-memory", "stdio"])("MCP client over %s", (transport) => {
  const TRANSPORT_CLASS = transport === "stdio" ? "StdioClientTransport" : "InMemoryTransport";

  it("successful call: a tool span with server name/version, tool name, arguments, result content and duration", async () => {
    const client = await connect(transport);
    const result = await traced(() => client.callTool({ name: "get_weather", arguments: { city: "Paris" } }));
    expect(result.content).toEqual([{ type: "text", text: "Paris: 21°C" }]);
    const span = onlySpan("get_weather");
    expect(span).toMatchObject({
      spanType: "tool",
      status: "completed",
      input: { city: "Paris" },
      output: [{ type: "text", text: "Paris: 21°C" }],
      error: undefined,
      metadata: {
        provider: "mcp",
        operation: "tools/call",
        tool_name: "get_weather",
        tool_type: "extension",
        mcp_server_name: SERVER_INFO.name,
        mcp_server_version: SERVER_INFO.version,
        mcp_transport: TRANSPORT_CLASS,
      },
    });
    expect(span.latencyMs).toBeGreaterThan(0);
    expect(memory.traces()).toHaveLength(1);
    expect(span.traceId).toBe(memory.traces()[0]!.id);
  });

  it("structured content is recorded with the content", async () => {
    const client = await connect(transport);
    await traced(() => client.callTool({ name: "add", arguments: { a: 2, b: 40 } }));
    expect(onlySpan("add").output).toEqual({ content: [{ type: "text", text: "42" }], structuredContent: { sum: 42 } });
  });

  it("an isError result: the caller gets the result, the span is failed with the result's text", async () => {
    const client = await connect(transport);
    const result = await traced(() => client.callTool({ name: "soft_fail", arguments: {} }));
    expect(result.isError).toBe(true);
    expect(onlySpan("soft_fail")).toMatchObject({ status: "failed", error: "the weather service is down", metadata: { is_error: true } });
  });

  it("a thrown (protocol) error is the very object the SDK's callTool rejected with", async () => {
    const client = await connect(transport);
    const { caught, produced } = await errorThroughPatch(clientModule, Client.prototype, "callTool", () => client.callTool({ name: "explode", arguments: {} }));
    expect(produced).toHaveLength(1);
    expect(caught).toBe(produced[0]);
    expect((caught as Error).constructor.name).toBe("McpError");
    expect(onlySpan("explode").status).toBe("failed");
  });

  it("a thrown (protocol) error: the same McpError object reaches the caller; the span is failed with its code", async () => {
    const client = await connect(transport);
    const caught = await traced(() => client.callTool({ name: "explode", arguments: {} })).catch((e: unknown) => e);
    expect((caught as Error).constructor.name).toBe("McpError");
    expect((caught as { code: number }).code).toBe(-32603);
    const span = onlySpan("explode");
    expect(span).toMatchObject({ status: "failed", error: (caught as Error).message, metadata: { mcp_error_code: -32603, error_type: "McpError" } });
    expect(memory.traces()[0]!.status).toBe("failed");
  });

  it("a timeout: the SDK's RequestTimeout error reaches the caller; the span is failed with code -32001", async () => {
    const client = await connect(transport);
    const caught = await traced(() => client.callTool({ name: "slow", arguments: { ms: 400 } }, undefined, { timeout: 40 })).catch((e: unknown) => e);
    expect((caught as { code: number }).code).toBe(-32001);
    expect(onlySpan("slow")).toMatchObject({ status: "failed", error: (caught as Error).message, metadata: { mcp_error_code: -32001, request_timeout_ms: 40 } });
  });

  it("lighter spans for listTools, readResource and getPrompt inside a trace; none outside", async () => {
    const client = await connect(transport);
    await client.listTools();
    expect(memory.spans()).toHaveLength(0);
    await traced(async () => {
      await client.listTools();
      await client.readResource({ uri: "memo://greeting" });
      await client.getPrompt({ name: "greet", arguments: { name: "Ada" } });
    });
    expect(onlySpan("mcp.tools.list")).toMatchObject({ spanType: "custom", status: "completed", metadata: { operation: "tools/list", tool_count: 6, mcp_server_name: SERVER_INFO.name } });
    expect(onlySpan("mcp.tools.list").output).toContain("get_weather");
    expect(onlySpan("mcp.resources.read")).toMatchObject({
      spanType: "retrieval",
      input: { uri: "memo://greeting" },
      output: [{ uri: "memo://greeting", mimeType: "text/plain", text: "hello from the server" }],
      metadata: { operation: "resources/read", resource_uri: "memo://greeting", resource_count: 1 },
    });
    expect(onlySpan("mcp.prompts.get")).toMatchObject({ spanType: "retrieval", input: { name: "greet", arguments: { name: "Ada" } }, metadata: { prompt_name: "greet", message_count: 1 } });
  });

  it("a failed light call (unknown resource) is a failed span, the error reaches the caller", async () => {
    const client = await connect(transport);
    const caught = await traced(() => client.readResource({ uri: "memo://missing" })).catch((e: unknown) => e);
    expect((caught as { code: number }).code).toBe(-32602);
    expect(onlySpan("mcp.resources.read")).toMatchObject({ status: "failed", metadata: { mcp_error_code: -32602 } });
  });

  it("spans nest under the active span and calls outside a trace get an implicit trace", async () => {
    const client = await connect(transport);
    await traced(() => client.callTool({ name: "get_weather", arguments: { city: "Oslo" } }).then(() => undefined)).then(() => undefined);
    await agentTrace({ agentName: "nest" }, (trace) => trace.span({ spanType: "agent", name: "step" }, () => client.callTool({ name: "add", arguments: { a: 1, b: 1 } })));
    expect(onlySpan("add").parentSpanId).toBe(onlySpan("step").id);
    memory.reset();
    await client.callTool({ name: "get_weather", arguments: { city: "Tokyo" } });
    expect(onlySpan("get_weather").status).toBe("completed");
    expect(memory.traces()).toHaveLength(1);
  });
});

describe("MCP client over stdio: transport failure", () => {
  it("the server process dies mid-call: ConnectionClosed reaches the caller, the span is failed", async () => {
    const client = await connect("stdio");
    const caught = await traced(() => client.callTool({ name: "crash", arguments: {} })).catch((e: unknown) => e);
    expect((caught as { code: number }).code).toBe(-32000);
    expect(onlySpan("crash")).toMatchObject({ status: "failed", error: (caught as Error).message, metadata: { mcp_error_code: -32000 } });
  });
});

describe("patching", () => {
  it("is idempotent: instrumenting the module, the class and an instance again gives one span per call", async () => {
    const client = await connect("in-memory");
    expect(instrument(clientModule)).toBe(true);
    expect(instrument(Client)).toBe(true);
    expect(instrument(client)).toBe(true);
    await traced(() => client.callTool({ name: "add", arguments: { a: 1, b: 2 } }));
    expect(spansNamed("add")).toHaveLength(1);
  });

  it("uninstrument removes the patches; instrument puts them back", async () => {
    const client = await connect("in-memory");
    expect(uninstrument(Client)).toBe(true);
    expect(isMcpInstrumented(Client)).toBe(false);
    await traced(() => client.callTool({ name: "add", arguments: { a: 1, b: 2 } }));
    expect(spansNamed("add")).toHaveLength(0);
    expect(instrument(clientModule)).toBe(true);
    expect(isMcpInstrumented(client)).toBe(true);
    await traced(() => client.callTool({ name: "add", arguments: { a: 1, b: 2 } }));
    expect(spansNamed("add")).toHaveLength(1);
  });

  it("a call of another client made inside a call (a gateway's tool handler calling a backend) is a span of its own; a subclass calling super.callTool is one span", async () => {
    const { InMemoryTransport } = await import("@modelcontextprotocol/sdk/inMemory.js");
    const { Server } = await import("@modelcontextprotocol/sdk/server/index.js");
    const { CallToolRequestSchema } = await import("@modelcontextprotocol/sdk/types.js");
    const serve = async (name: string, handler: (req: { params: { name: string } }) => Promise<unknown>, ClientClass: typeof Client = Client): Promise<Client> => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const server = new Server({ name, version: "1" }, { capabilities: { tools: {} } });
      server.setRequestHandler(CallToolRequestSchema, handler as never);
      await server.connect(serverSide);
      const client = new ClientClass({ name: `client-${name}`, version: "1" });
      await client.connect(clientSide);
      return client;
    };
    const backend = await serve("backend", async (req) => ({ content: [{ type: "text", text: `backend ${req.params.name}` }] }));
    const gateway = await serve("gateway", async (req) => backend.callTool({ name: `inner_${req.params.name}`, arguments: {} }) as Promise<unknown>);
    await traced(() => gateway.callTool({ name: "weather", arguments: {} }));
    const outer = onlySpan("weather");
    expect(onlySpan("inner_weather").parentSpanId).toBe(outer.id);
    memory.reset();
    class LoggingClient extends Client {
      override callTool(...args: Parameters<Client["callTool"]>): ReturnType<Client["callTool"]> {
        return super.callTool(...args);
      }
    }
    const sub = await serve("sub", async () => ({ content: [{ type: "text", text: "ok" }] }), LoggingClient);
    await traced(() => sub.callTool({ name: "once", arguments: {} }));
    expect(spansNamed("once")).toHaveLength(1);
  });

  it("the CJS build of the SDK (a different Client class) is patched by the CJS build of the plugin", async () => {
    const cjsSdk = require("@modelcontextprotocol/sdk/client/index.js") as { Client: typeof Client };
    const cjsPlugin = require("@tracium/mcp") as typeof import("@tracium/mcp");
    expect(cjsSdk.Client).not.toBe(Client);
    expect(cjsPlugin.isMcpInstrumented(cjsSdk.Client)).toBe(false);
    expect(cjsPlugin.instrumentMcp(cjsSdk)).toBe(true);
    expect(cjsPlugin.instrumentMcp(cjsSdk)).toBe(true);
    const client = await connect("in-memory", cjsSdk.Client);
    await traced(() => client.callTool({ name: "get_weather", arguments: { city: "Paris" } }));
    const span: SpanData = onlySpan("get_weather");
    expect(span.traceId).toBe(memory.traces()[0]!.id);
    expect(span.metadata.mcp_server_name).toBe(SERVER_INFO.name);
    cjsPlugin.uninstrumentMcp(cjsSdk);
  });
});
