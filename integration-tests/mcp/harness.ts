/**
 * Shared set-up for the MCP tests: Tracium recording into memory, the MCP plugin registered and the
 * SDK's ESM client patched, the link table reset before each test, and MCP clients connected to
 * the fixture server in-process (InMemoryTransport) or over stdio (a child process).
 */
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import * as clientModule from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { instrument, registerPlugin, resetToolLinks, type SpanData } from "@tracium/core";
import { mcpPlugin } from "@tracium/mcp";
import { afterEach, beforeAll, beforeEach, expect } from "vitest";
import { setupTracing } from "../helpers/tracing.js";
// @ts-expect-error: a plain .mjs fixture (also run as the stdio server), no type declarations
import { createServer, SERVER_INFO } from "./fixtures/server.mjs";

export { Client, clientModule, SERVER_INFO };
export const SERVER_SCRIPT = fileURLToPath(new URL("./fixtures/server.mjs", import.meta.url));

export const memory = setupTracing();

const open: Array<{ close(): Promise<void> }> = [];

/** Registers the plugin, patches the ESM client module, resets memory and the link table per test. */
export function useMcpTracing(): void {
  beforeAll(() => {
    registerPlugin(mcpPlugin);
    expect(instrument(clientModule)).toBe(true);
  });
  beforeEach(() => {
    memory.reset();
    resetToolLinks();
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close().catch(() => undefined);
  });
}

export type Transport = "in-memory" | "stdio";

/** A connected client of the fixture server over `transport`; closed after the test. */
export async function connect(transport: Transport, ClientClass: typeof Client = Client): Promise<Client> {
  const client = new ClientClass({ name: "tracium-test", version: "0.0.1" });
  if (transport === "in-memory") {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = createServer();
    await server.connect(serverSide);
    await client.connect(clientSide);
    open.push(client, server);
  } else {
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [SERVER_SCRIPT], stderr: "ignore" }));
    open.push(client);
  }
  return client;
}

/** Ended spans with this name. */
export function spansNamed(name: string): SpanData[] {
  return memory.spans().filter((s) => s.name === name);
}

/** The one ended span with this name. */
export function onlySpan(name: string): SpanData {
  const spans = spansNamed(name);
  expect(spans.map((s) => s.name), `spans named ${name}`).toHaveLength(1);
  return spans[0]!;
}

/** Ended spans by type. */
export function spansOfType(type: string): SpanData[] {
  return memory.spans().filter((s) => s.spanType === type);
}
