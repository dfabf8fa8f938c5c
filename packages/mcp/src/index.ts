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
import { isWrapped, logger, unwrapMethod, wrapMethod, type TraciumPlugin } from "@tracium/core";
import { wrapClientMethod } from "./call.js";
import { MODULES, PATCHED_METHODS, resolveMethods, targetKind } from "./instrument.js";

export { PATCHED_METHODS, MODULES, type PatchedMethod, type McpOperation } from "./instrument.js";

/**
 * Patches the MCP client of the SDK build `target` comes from: the module namespace of
 * `@modelcontextprotocol/sdk/client/index.js` (ESM `import * as`, or the CJS `require()` result),
 * the `Client` class (or a subclass) or a client instance. Idempotent. Returns true when `target`
 * is an MCP client value (patched now or before). Never throws.
 */
export function instrumentMcp(target: unknown): boolean {
  try {
    const methods = resolveMethods(target, PATCHED_METHODS);
    for (const { owner, entry } of methods) wrapMethod(owner, entry.method, (original) => wrapClientMethod(original, entry));
    return methods.length > 0;
  } catch (err) {
    logger.error("mcp: patching failed; the SDK is left as it was", err);
    return false;
  }
}

/** Removes the patches from the SDK build `target` comes from. Returns true when something was unpatched. */
export function uninstrumentMcp(target: unknown): boolean {
  let any = false;
  try {
    for (const { owner, entry } of resolveMethods(target, PATCHED_METHODS)) any = unwrapMethod(owner, entry.method) || any;
  } catch (err) {
    logger.error("mcp: unpatching failed", err);
  }
  return any;
}

/** Whether every method `target` reaches is patched. */
export function isMcpInstrumented(target: unknown): boolean {
  try {
    const methods = resolveMethods(target, PATCHED_METHODS);
    return methods.length > 0 && methods.every(({ owner, entry }) => isWrapped(owner, entry.method));
  } catch {
    return false;
  }
}

/** The plugin (register it with `registerPlugin(mcpPlugin)`; `@tracium/sdk` registers the built-in ones). */
export const mcpPlugin: TraciumPlugin = {
  name: "mcp",
  modules: MODULES,
  testedVersions: { "@modelcontextprotocol/sdk": ">=1 <2" },
  detect(target: unknown): boolean {
    return targetKind(target) !== undefined;
  },
  patch(target: unknown): void {
    instrumentMcp(target);
  },
  unpatch(target: unknown): void {
    uninstrumentMcp(target);
  },
  isPatched(target: unknown): boolean {
    return isMcpInstrumented(target);
  },
};
