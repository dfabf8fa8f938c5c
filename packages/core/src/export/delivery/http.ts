/**
 * One JSON POST with a per-request timeout, reduced to what the retry policy needs.
 * Never rejects: a network error or timeout is an outcome with status 0.
 */
import { parseRetryAfter } from "./retry.js";
import { unrefTimer } from "../../util/runtime.js";

/** What came back from one POST. */
export interface HttpOutcome {
  /** HTTP status, or 0 when no response arrived (network error, timeout, abort). */
  status: number;
  /** Response text, at most {@link MAX_RESPONSE_CHARS} characters; `""` when none. */
  body: string;
  /** The server's `Retry-After`, in ms (capped). */
  retryAfterMs: number | undefined;
  /** The `Location` of a redirect. */
  location: string | undefined;
  /** The request timed out (status 0). */
  timedOut: boolean;
  /** The network error (status 0). */
  error: unknown;
}

/** The outcome of a request that got no response (network error, timeout, abort). */
export function noResponse(error: unknown, timedOut = false): HttpOutcome {
  return { status: 0, body: "", retryAfterMs: undefined, location: undefined, timedOut, error };
}

/** Response text kept: the create response is tiny; error bodies only feed a log excerpt. */
export const MAX_RESPONSE_CHARS = 64 * 1024;

/**
 * POSTs `body` (JSON text, or encoded bytes such as OTLP protobuf) to `url`. The request
 * (including reading the response) is aborted after `timeoutMs`, or when `signal` aborts.
 * Never rejects.
 */
export type Sender = (
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  timeoutMs: number,
  signal: AbortSignal,
) => Promise<HttpOutcome>;

/**
 * POSTs `body` (JSON text, or encoded bytes such as OTLP protobuf) to `url`. The request
 * (including reading the response) is aborted after `timeoutMs`, or when `stop` aborts (shutdown).
 */
export async function postJson(
  fetchFn: typeof fetch,
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<HttpOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  // A manual timer rather than AbortSignal.timeout + AbortSignal.any: the latter is missing
  // before Node 20.3, and this timer is unref'd and cleared as soon as the request settles.
  const timer = unrefTimer(
    setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs),
  );
  const onStop = (): void => controller.abort();
  if (stop.aborted) controller.abort();
  else stop.addEventListener("abort", onStop, { once: true });
  try {
    const response = await fetchFn(url, {
      method: "POST",
      headers,
      body,
      signal: controller.signal,
      // Never follow redirects: fetch would resend X-API-Key to wherever Location points, and
      // turns a redirected POST into a GET anyway. A redirect is reported instead.
      redirect: "manual",
    });
    const text = await readText(response);
    return {
      status: response.status,
      body: text,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      location: response.headers.get("location") ?? undefined,
      timedOut: false,
      error: undefined,
    };
  } catch (error) {
    return noResponse(error, timedOut);
  } finally {
    clearTimeout(timer);
    stop.removeEventListener("abort", onStop);
  }
}

/** Reads at most {@link MAX_RESPONSE_CHARS} of the body, then lets go of the connection. */
async function readText(response: Response): Promise<string> {
  let text = "";
  try {
    const body: unknown = response.body;
    // A user-supplied fetch (a polyfill) may not give a WHATWG stream.
    if (!body || typeof (body as ReadableStream).getReader !== "function") {
      return (await response.text()).slice(0, MAX_RESPONSE_CHARS);
    }
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.length >= MAX_RESPONSE_CHARS) {
        await reader.cancel().catch(() => undefined);
        return text.slice(0, MAX_RESPONSE_CHARS);
      }
    }
    return text + decoder.decode();
  } catch {
    // The status is what matters; a body cut short (timeout, reset) is just shorter.
    return text;
  }
}
