/**
 * Result → span: what one call returned. Tolerates any shape and never throws.
 */
import { dataField, dataItems, plainRecord, spanCapturesContent, type Span } from "@tracium/core";
import type { PatchedMethod } from "./targets.js";

// Results and errors are read as plain data: no getter or Proxy trap of theirs runs.
const asRecord = plainRecord;
const field = dataField;

type Obj = Record<string, unknown>;

const MAX_ERROR_TEXT = 2000;

/** The text of a tool result's `text` content blocks, joined with "\n". */
export function contentText(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const block of dataItems(content, 100)) {
    const b = asRecord(block);
    if (b?.type === "text" && typeof b.text === "string") parts.push(b.text);
  }
  return parts.length > 0 ? parts.join("\n") : undefined;
}

/** A resource's contents without the payload of binary blobs (`blob` becomes its length). */
function lightContents(contents: unknown): unknown {
  if (!Array.isArray(contents)) return contents;
  return dataItems(contents, 100).map((c) => {
    const r = asRecord(c);
    if (!r || typeof r.blob !== "string") return c;
    const { blob, ...rest } = r;
    return { ...rest, blob_chars: blob.length };
  });
}

/**
 * `tools/call`: the output is the result's `content` (with `structuredContent` as
 * `{ content, structuredContent }` when the tool returned one). A result with `isError: true` marks
 * the span failed, with the result's text as the error (a generic message when content capture is
 * off) and the metadata `is_error: true`.
 */
function recordToolResult(span: Span, result: Obj): void {
  const content = result.content;
  const structured = result.structuredContent;
  if (structured !== undefined) span.recordOutput({ content, structuredContent: structured });
  else if (content !== undefined) span.recordOutput(content);
  else if (result.toolResult !== undefined) span.recordOutput(result.toolResult); // pre-2024-11 protocol shape
  if (result.isError === true) {
    span.setMetadata({ is_error: true });
    const textOut = spanCapturesContent(span) ? contentText(content) : undefined;
    span.markFailed(textOut ? textOut.slice(0, MAX_ERROR_TEXT) : "MCP tool returned an error result (isError)");
  }
}

/** Records what a call returned on its span (the span is ended by the caller). */
export function recordResult(entry: PatchedMethod, span: Span, result: unknown): void {
  const r = asRecord(result);
  if (!r) {
    if (result !== undefined) span.recordOutput(result);
    return;
  }
  switch (entry.operation) {
    case "tools/call":
      recordToolResult(span, r);
      return;
    case "resources/read": {
      const contents = r.contents;
      if (Array.isArray(contents)) span.setMetadata({ resource_count: contents.length });
      span.recordOutput(lightContents(contents));
      return;
    }
    case "prompts/get": {
      const messages = r.messages;
      if (Array.isArray(messages)) span.setMetadata({ message_count: messages.length });
      span.recordOutput(r.description !== undefined ? { description: r.description, messages } : messages);
      return;
    }
    default: {
      const tools = Array.isArray(r.tools) ? r.tools : [];
      const names = tools.map((t) => field(t, "name")).filter((n): n is string => typeof n === "string");
      span.setMetadata({ tool_count: tools.length, ...(typeof r.nextCursor === "string" ? { next_cursor: r.nextCursor } : {}) });
      span.recordOutput(names);
    }
  }
}

/**
 * Records a failed call (transport error, timeout, protocol error: the SDK's `McpError`): its
 * JSON-RPC `code` as `mcp_error_code` (-32001 request timeout, -32000 connection closed). The
 * span is then failed with the error by the caller.
 */
export function recordError(span: Span, error: unknown): void {
  const code = field(error, "code");
  if (typeof code === "number" && Number.isFinite(code)) span.setMetadata({ mcp_error_code: code });
}
