/**
 * Request → span: what one call of a patched `Client` method asks for. Every function takes the raw
 * `this` and arguments (which may be anything at all), never mutates them, and never throws.
 */
import { dataField, safeGet, type SpanOptions } from "@tracium/core";
import type { PatchedMethod } from "./targets.js";

type Obj = Record<string, unknown>;

/** A plain-object view of `value`, or undefined when it is not a (non-array) object. */
export function asRecord(value: unknown): Obj | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;
}

/** Reads `obj[key]` without letting a throwing getter escape. */
export const field: (obj: unknown, key: string) => unknown = safeGet;

function text(value: unknown, max = 256): string | undefined {
  return typeof value === "string" && value ? value.slice(0, max) : undefined;
}

/**
 * Who the client talks to: `mcp_server_name` / `mcp_server_version` (the server's `serverInfo`,
 * known after `connect()`), `mcp_transport` (the transport class: `StdioClientTransport`,
 * `StreamableHTTPClientTransport`, `InMemoryTransport`…). The transport's session id is not recorded:
 * over Streamable HTTP it lets whoever holds it post into the session, so it is a credential.
 */
export function serverMetadata(client: unknown): Obj {
  const out: Obj = {};
  try {
    const getVersion = field(client, "getServerVersion");
    const info = typeof getVersion === "function" ? asRecord(Reflect.apply(getVersion, client, [])) : undefined;
    const name = text(info?.name);
    const version = text(info?.version);
    if (name) out.mcp_server_name = name;
    if (version) out.mcp_server_version = version;
  } catch {
    // not connected yet, or an unusual client: no server metadata
  }
  const transport = field(client, "transport");
  const cls = text(field(field(transport, "constructor"), "name"), 128);
  if (cls && cls !== "Object") out.mcp_transport = cls;
  return out;
}

/** The request-options argument position of each method (`callTool(params, resultSchema, options)`). */
function requestOptions(entry: PatchedMethod, args: readonly unknown[]): Obj | undefined {
  return asRecord(entry.method === "callTool" ? args[2] : args[1]);
}

/** What a call records before it runs. */
export interface CallPlan {
  readonly span: SpanOptions;
  /** The span input (the tool arguments, the resource URI…). */
  readonly input: unknown;
  /** `tools/call`: the tool name and arguments, for linking to the model's tool call. */
  readonly toolName?: string | undefined;
  readonly toolArguments?: unknown;
}

/** The span a call starts: type, name, metadata and input. */
export function planCall(entry: PatchedMethod, client: unknown, args: readonly unknown[]): CallPlan {
  const params = asRecord(args[0]);
  const metadata: Obj = { provider: "mcp", operation: entry.operation, ...serverMetadata(client) };
  const timeout = dataField(requestOptions(entry, args), "timeout");
  if (typeof timeout === "number" && Number.isFinite(timeout)) metadata.request_timeout_ms = timeout;
  switch (entry.operation) {
    case "tools/call": {
      const toolName = text(dataField(params, "name"), 512);
      const toolArguments = dataField(params, "arguments");
      if (toolName) metadata.tool_name = toolName;
      metadata.tool_type = "extension";
      return {
        span: { spanType: entry.spanType, name: toolName ?? "mcp.tools.call", metadata },
        input: toolArguments,
        toolName,
        toolArguments,
      };
    }
    case "resources/read": {
      const uri = text(dataField(params, "uri"), 2048);
      if (uri) metadata.resource_uri = uri;
      return { span: { spanType: entry.spanType, name: "mcp.resources.read", metadata }, input: uri !== undefined ? { uri } : undefined };
    }
    case "prompts/get": {
      const name = text(dataField(params, "name"), 512);
      if (name) metadata.prompt_name = name;
      const promptArgs = dataField(params, "arguments");
      return {
        span: { spanType: entry.spanType, name: "mcp.prompts.get", metadata },
        input: name !== undefined || promptArgs !== undefined ? { name, arguments: promptArgs } : undefined,
      };
    }
    default: {
      const cursor = text(dataField(params, "cursor"), 1024);
      return { span: { spanType: entry.spanType, name: "mcp.tools.list", metadata }, input: cursor !== undefined ? { cursor } : undefined };
    }
  }
}
