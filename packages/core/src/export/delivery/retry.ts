/**
 * Retry policy of the HTTP exporter: which outcomes are retried, and how long to wait.
 */

/** What to do with an HTTP outcome. */
export type Verdict =
  | "ok"
  /** Network error, timeout, 408, 429 or 5xx: try again later. */
  | "retry"
  /** 401/403: the API key is wrong; sending more would only hammer the API. */
  | "auth"
  /** 404: on a trace sub-resource the trace is unknown to the server; on create, a wrong base URL. */
  | "not_found"
  /** 413: the body is over the server's size limit: send it in smaller pieces, or reduced. */
  | "too_large"
  /** Any other status (4xx, unexpected 1xx/3xx): the request itself is wrong; retrying cannot help. */
  | "reject";

/** Which API call an outcome answers: a create or an end call may be a retry of one already done. */
export type CallKind = "create" | "spans" | "end";

/**
 * Classifies an HTTP status; `0` stands for "no response" (network error or timeout). A 409
 * (conflict: the trace already exists, or already ended) answers a create or end call the server
 * had processed before a reset lost its answer: it counts as done, so the call is idempotent.
 */
export function classifyStatus(status: number, call: CallKind = "spans"): Verdict {
  if (status >= 200 && status < 300) return "ok";
  if (status === 409 && call !== "spans") return "ok";
  if (status === 0 || status === 408 || status === 429 || status >= 500) return "retry";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 413) return "too_large";
  return "reject";
}

/** Longest wait a server's `Retry-After` can impose on one request. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds, capped at
 * {@link MAX_RETRY_AFTER_MS}; `undefined` when absent or unparsable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    // An HTTP date has a day or month name; Date.parse alone would accept "-3" as a year.
    if (!/[a-z]/i.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/**
 * Exponential backoff with full jitter: a random wait in `[0, min(maxMs, baseMs * 2^attempt))`.
 * Full jitter spreads the retries of many clients that failed together (AWS architecture blog).
 * @param attempt 0 for the first retry.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
