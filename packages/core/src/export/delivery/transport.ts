/**
 * Picks how an HTTP exporter sends: the user's `fetch` when one was given (tests, proxies), else
 * `node:http`/`node:https`, whose sockets never keep the process alive; on Workers and edge
 * runtimes the global `fetch` (their `node:http`, where there is one, is itself built on it).
 */
import { postJson, type Sender } from "./http.js";
import { NodeHttpTransport } from "./node-http.js";
import { isEdgeRuntime } from "../../util/runtime.js";

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
  if (isEdgeRuntime()) {
    // Looked up per call, and called on globalThis: some runtimes refuse a detached `fetch`.
    const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);
    return { send: (url, headers, body, timeoutMs, signal) => postJson(globalFetch, url, headers, body, timeoutMs, signal), close: () => undefined };
  }
  return new NodeHttpTransport(maxSockets);
}

