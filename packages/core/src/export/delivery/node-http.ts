/**
 * The default transport of the HTTP exporters: `node:http`/`node:https` with a keep-alive agent.
 *
 * Its sockets never keep the process alive (they are unref'd on every request, including a
 * reused keep-alive socket, which the agent refs again): a request that hangs, or a server that
 * never answers, cannot hold an app's exit. Whoever needs delivery to finish holds the event loop
 * instead, for a bounded time: a `flush()` the user awaits, or the exit drain. It also costs about
 * half the CPU of the global `fetch` per request (bench/README.md, "Fix C").
 */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { MAX_RESPONSE_CHARS, type HttpOutcome, type Sender } from "./http.js";
import { parseRetryAfter } from "./retry.js";

/** Where requests to one origin go, parsed once. */
interface Origin {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: string;
}

/** A {@link Sender} over `node:http`/`node:https`, with the agents it owns. */
export class NodeHttpTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  /** The exporters send to one or two origins: parse each once, not once per request. */
  private readonly origins = new Map<string, Origin>();

  /** @param maxSockets connections per host at once (the exporter's concurrency). */
  constructor(maxSockets: number) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  }

  /** Sends one POST; see {@link Sender}. Never rejects. */
  readonly send: Sender = (url, headers, body, timeoutMs, signal) =>
    new Promise<HttpOutcome>((resolve) => {
      let timedOut = false;
      let settled = false;
      let req: http.ClientRequest | undefined;
      const finish = (outcome: HttpOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve(outcome);
      };
      const fail = (error: unknown): void =>
        finish({ status: 0, body: "", retryAfterMs: undefined, location: undefined, timedOut, error });
      const onAbort = (): void => {
        const error = new Error(timedOut ? "request timed out" : "request aborted");
        req?.destroy(error);
        fail(error);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        onAbort();
      }, timeoutMs).unref();
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      let staleRetried = false;
      const open = (): void => {
        const { origin, path } = this.target(url);
        const secure = origin.secure;
        // Node sets Content-Length itself when the whole body goes with end().
        const options: http.RequestOptions = {
          method: "POST",
          hostname: origin.hostname,
          port: origin.port,
          path,
          headers,
          agent: secure ? this.httpsAgent : this.httpAgent,
        };
        let answered = false;
        // http.request never follows redirects: a 3xx is reported, and X-API-Key never goes elsewhere.
        const request = (secure ? https : http).request(options, (res) => {
          answered = true;
          readText(res, (text) =>
            finish({
              status: res.statusCode ?? 0,
              body: text,
              retryAfterMs: parseRetryAfter(header(res.headers["retry-after"])),
              location: header(res.headers["location"]),
              timedOut: false,
              error: undefined,
            }),
          );
        });
        req = request;
        request.on("socket", unrefSocket);
        request.on("error", (error) => {
          // A kept-alive connection the server closed while idle (or that a frozen serverless
          // instance lost) fails at once, before any answer: send again on a fresh connection,
          // once, rather than count it as the API failing.
          if (!settled && !answered && !staleRetried && request.reusedSocket && isStaleSocketError(error)) {
            staleRetried = true;
            return open();
          }
          fail(error);
        });
        request.end(body);
      };
      try {
        open();
      } catch (error) {
        fail(error);
      }
    });

  /** The parsed origin of `url` (cached) and its path with the query. Throws on a bad URL. */
  private target(url: string): { origin: Origin; path: string } {
    const slash = url.indexOf("/", url.indexOf("//") + 2);
    const key = slash < 0 ? url : url.slice(0, slash);
    let origin = this.origins.get(key);
    if (!origin) {
      const parsed = new URL(key);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`unsupported protocol ${parsed.protocol}`);
      // URL keeps IPv6 hosts in brackets; http.request wants them bare.
      const hostname = parsed.hostname.startsWith("[") ? parsed.hostname.slice(1, -1) : parsed.hostname;
      origin = { secure: parsed.protocol === "https:", hostname, port: parsed.port || (parsed.protocol === "https:" ? "443" : "80") };
      if (this.origins.size < 16) this.origins.set(key, origin);
    }
    return { origin, path: slash < 0 ? "/" : url.slice(slash) };
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function isStaleSocketError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ECONNRESET" || code === "EPIPE";
}

function unrefSocket(socket: Socket): void {
  socket.unref();
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads at most {@link MAX_RESPONSE_CHARS} of the body; a body cut short (reset) is just shorter. */
function readText(res: http.IncomingMessage, done: (text: string) => void): void {
  let text = "";
  let finished = false;
  const end = (): void => {
    if (finished) return;
    finished = true;
    done(text.slice(0, MAX_RESPONSE_CHARS));
  };
  res.setEncoding("utf8");
  res.on("data", (chunk: string) => {
    text += chunk;
    if (text.length >= MAX_RESPONSE_CHARS) {
      end();
      res.destroy();
    }
  });
  res.on("end", end);
  res.on("error", end);
  res.on("close", end);
}
