/**
 * Tool linking: `links.ts` links tool calls, tool spans and the requests that carry their results
 * (a span event subscriber, and `linkToolSpan`); `table.ts` is the bounded table it keeps;
 * `messages.ts` reads calls and results out of each provider's message shapes.
 */
export { linkToolSpan, onLlmInputRecorded, onToolCallIdSet, onToolCallsRecorded, toolLinkSubscriber, type LinkableSpan, type ToolSpanHint } from "./links.js";
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
