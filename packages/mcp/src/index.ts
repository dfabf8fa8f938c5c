/**
 * @tracium/mcp: the Tracium plugin for the Model Context Protocol client (`@modelcontextprotocol/sdk` 1.x).
 *
 * ```ts
 * import { Client } from "@modelcontextprotocol/sdk/client/index.js";
 * import * as tracium from "@tracium/sdk";     // registers this plugin
 * tracium.instrument(Client);                    // or the module namespace, or a client instance
 * ```
 *
 * Each `client.callTool()` becomes a `tool` span named after the tool: the tool arguments as
 * input, the result's content as output, the server (`mcp_server_name`, `mcp_server_version`,
 * `mcp_transport`) and `tool_name` in its metadata; a result with `isError: true` marks the span
 * failed (`is_error: true`); transport errors and timeouts fail it too (`mcp_error_code`), and the
 * caller gets the same error object. The span is linked to the model's tool call it runs
 * (`tool_call_id`, `llm_span_id`: see `linkToolSpan` in `@tracium/core`). `readResource`,
 * `getPrompt` and `listTools` are lighter spans (`mcp.resources.read`, `mcp.prompts.get`,
 * `mcp.tools.list`), recorded only inside an active trace.
 */
import { defineMethodPatcher, definePatchingPlugin, type TraciumPlugin } from "@tracium/core";
import { wrapClientMethod } from "./call.js";
import { MODULES, PATCHED_METHODS, resolveMethods, targetKind, type PatchedMethod } from "./targets.js";

export { PATCHED_METHODS, MODULES, type PatchedMethod, type McpOperation } from "./targets.js";

const methods = defineMethodPatcher({
  name: "mcp",
  resolve: (target) => resolveMethods(target, PATCHED_METHODS),
  wrapper: (entry: PatchedMethod) => (original) => wrapClientMethod(original, entry),
  describe: (entry) => `Client.${entry.method}`,
});

const mcp = definePatchingPlugin({
  name: "mcp",
  modules: [...MODULES],
  testedVersions: { "@modelcontextprotocol/sdk": ">=1 <2" },
  sdk: "Mcp",
  recognises: (target) => targetKind(target) !== undefined,
  patch: (target) => methods.patch(target, undefined),
  unpatch: methods.unpatch,
  isPatched: methods.isPatched,
  notRecognised: () => "instrumentMcp(): not an MCP client module, Client class or client instance; nothing was patched",
});

/** The plugin (register it with `registerPlugin(mcpPlugin)`; `@tracium/sdk` registers the built-in ones). */
export const mcpPlugin: TraciumPlugin = mcp.plugin;

/**
 * Patches the MCP client of the SDK build `target` comes from: the module namespace of
 * `@modelcontextprotocol/sdk/client/index.js` (ESM `import * as`, or the CJS `require()` result),
 * the `Client` class (or a subclass) or a client instance. Idempotent. Returns true when `target`
 * is an MCP client value (patched now or before). Never throws.
 */
export const instrumentMcp: (target: unknown) => boolean = (target) => mcp.instrument(target);

/** Removes the patches from the SDK build `target` comes from. Returns true when `target` is an MCP client value. */
export const uninstrumentMcp: (target: unknown) => boolean = mcp.uninstrument;

/** Whether every method `target` reaches is patched. */
export const isMcpInstrumented: (target: unknown) => boolean = mcp.isInstrumented;
