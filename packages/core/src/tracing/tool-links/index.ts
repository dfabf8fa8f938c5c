/**
 * Tool linking: `links.ts` links tool calls, tool spans and the requests that carry their results
 * (the hooks `span.ts` calls, and `linkToolSpan`); `table.ts` is the bounded table it keeps;
 * `messages.ts` reads calls and results out of each provider's message shapes.
 */
export { linkToolSpan, onLlmInputRecorded, onToolCallIdSet, onToolCallsRecorded, type LinkableSpan, type ToolSpanHint } from "./links.js";
export { normalizeToolCalls, toolArgsKey, toolResultIds, type NormalizedToolCall, type ToolResultRef } from "./messages.js";
export {
  configureToolLinks,
  findToolCall,
  resetToolLinks,
  toolLinkStats,
  ToolCallTable,
  type ToolCallLink,
  type ToolLinkOptions,
  type ToolLinkStats,
} from "./table.js";
