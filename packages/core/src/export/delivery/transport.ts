/**
 * Picks how an HTTP exporter sends: the user's `fetch` when one was given (tests, proxies), else
 * `node:http`/`node:https`, whose sockets never keep the process alive.
 */
import { postJson, type Sender } from "./http.js";
import { NodeHttpTransport } from "./node-http.js";

/** A sender and what it holds. */
export interface Transport {
  readonly send: Sender;
  /** Releases kept-alive connections. */
  close(): void;
}

/** The transport of an HTTP exporter; `maxSockets` is its concurrency. */
export function createTransport(fetchFn: typeof fetch | undefined, maxSockets: number): Transport {
  if (typeof fetchFn === "function") {
    return { send: (url, headers, body, timeoutMs, signal) => postJson(fetchFn, url, headers, body, timeoutMs, signal), close: () => undefined };
  }
  return new NodeHttpTransport(maxSockets);
}

