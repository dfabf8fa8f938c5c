/**
 * Picks how an HTTP exporter sends: the user's `fetch` when one was given (tests, proxies), else
 * pipelined HTTP/1.1 over `node:net`/`node:tls` (http1/), whose sockets never keep the process
 * alive; on Workers and edge runtimes the global `fetch` (their sockets, where there are any, are
 * themselves built on it).
 */
import { postJson, type Sender } from "./http.js";
import { PipelinedHttpTransport } from "./http1/pipelined-transport.js";
import { isEdgeRuntime } from "../../util/runtime.js";

/** A sender and what it holds. */
export interface Transport {
  readonly send: Sender;
  /** Requests one connection carries at once (1: one at a time); the exporter keeps connections times this in flight. */
  readonly pipelining: number;
  /** Releases kept-alive connections. */
  close(): void;
}

/** The transport of an HTTP exporter; `connections` is its concurrency. */
export function createTransport(fetchFn: typeof fetch | undefined, connections: number): Transport {
  if (typeof fetchFn === "function") {
    return { send: (url, headers, body, timeoutMs, signal) => postJson(fetchFn, url, headers, body, timeoutMs, signal), pipelining: 1, close: () => undefined };
  }
  if (isEdgeRuntime()) {
    // Looked up per call, and called on globalThis: some runtimes refuse a detached `fetch`.
    const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);
    return { send: (url, headers, body, timeoutMs, signal) => postJson(globalFetch, url, headers, body, timeoutMs, signal), pipelining: 1, close: () => undefined };
  }
  return new PipelinedHttpTransport(connections);
}

