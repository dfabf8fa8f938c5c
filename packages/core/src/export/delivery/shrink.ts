/**
 * What is sent again when the API refuses a single record as too large (HTTP 413): the same
 * record without its bulky content (prompts, outputs, tool lists, long metadata, LLM steps),
 * keeping what identifies and measures it (ids, names, status, times, model, tokens).
 */

/** Put where content was removed, so the record says why it is empty. */
export const REMOVED_MARKER = "[tracium: removed, the API refused this record as too large]";

/** Content fields replaced by the marker. */
const CONTENT_KEYS = ["input", "output", "tools", "tool_calls"] as const;
/** Metadata values longer than this (as JSON) are removed; short ones (ids, flags) are kept. */
const MAX_KEPT_METADATA_VALUE = 256;
const MAX_ERROR_CHARS = 2_000;

/**
 * The JSON body of a span, create, complete or fail call with its content removed, or undefined
 * when it has nothing to remove (sending it again would be refused again).
 */
export function shrinkRecordJson(json: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  for (const key of CONTENT_KEYS) if (o[key] !== undefined) o[key] = REMOVED_MARKER;
  if (Array.isArray(o["llm_steps"]) && o["llm_steps"].length > 0) o["llm_steps"] = [];
  if (typeof o["system_prompt"] === "string") delete o["system_prompt"];
  if (typeof o["error"] === "string" && o["error"].length > MAX_ERROR_CHARS) o["error"] = `${o["error"].slice(0, MAX_ERROR_CHARS)}…`;
  const metadata = o["metadata"];
  if (metadata && typeof metadata === "object" && !Array.isArray(metadata)) o["metadata"] = shortEntries(metadata as Record<string, unknown>);
  const smaller = JSON.stringify(o);
  return smaller.length < json.length ? smaller : undefined;
}

function shortEntries(metadata: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let removed = false;
  for (const [key, value] of Object.entries(metadata)) {
    if ((JSON.stringify(value) ?? "").length <= MAX_KEPT_METADATA_VALUE) out[key] = value;
    else removed = true;
  }
  if (removed) out["tracium_removed"] = REMOVED_MARKER;
  return out;
}
