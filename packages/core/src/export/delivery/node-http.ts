/**
 * The default transport of the HTTP exporters: `node:http`/`node:https` with a keep-alive agent.
 *
 * Its sockets never keep the process alive (they are unref'd on every request, including a
 * reused keep-alive socket, which the agent refs again): a request that hangs, or a server that
 * never answers, cannot hold an app's exit. Whoever needs delivery to finish holds the event loop
 * instead, for a bounded time: a `flush()` the user awaits, or the exit drain. It also costs about
 * half the CPU of the global `fetch` per request (bench/README.md, "Fix C").
 *
 * `node:http`/`node:https` are loaded at the first request to an origin of that protocol, not
 * when the SDK is imported (util/builtin.ts): a process that never sends does not pay for them.
 * Host names are resolved with a bounded query (dns-lookup.ts): a DNS server that never answers
 * cannot hold the app's exit either.
 */
import type * as http from "node:http";
import type { LookupFunction, Socket } from "node:net";
import { builtinNow, loadBuiltin } from "../../util/builtin.js";
import { createBoundedLookup } from "./dns-lookup.js";
import { MAX_RESPONSE_CHARS, type HttpOutcome, type Sender } from "./http.js";
import { parseRetryAfter } from "./retry.js";

/** What the transport uses of `node:http` and `node:https` (the same shape). */
type HttpModule = Pick<typeof http, "request" | "Agent">;

/** One protocol's module and its keep-alive agent, made at its first request. */
interface Client {
  readonly module: HttpModule;
  readonly agent: http.Agent;
}

/** Where requests to one origin go, parsed once. */
interface Origin {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: string;
}

/** A {@link Sender} over `node:http`/`node:https`, with the agents it owns. */
export class NodeHttpTransport {
  private httpClient: Client | undefined;
  private httpsClient: Client | undefined;
  /** The exporters send to one or two origins: parse each once, not once per request. */
  private readonly origins = new Map<string, Origin>();
  /** Name resolution that cannot hold the app's exit (dns-lookup.ts); made at the first request. */
  private lookup: LookupFunction | undefined | null = null;

  /** @param maxSockets connections per host at once (the exporter's concurrency). */
  constructor(private readonly maxSockets: number) {}

  private made(secure: boolean, module: HttpModule): Client {
    const client = { module, agent: new module.Agent({ keepAlive: true, maxSockets: this.maxSockets }) };
    if (secure) this.httpsClient = client;
    else this.httpClient = client;
    return client;
  }

  /** The protocol's client now, when its module is loaded or can be loaded synchronously. */
  private clientNow(secure: boolean): Client | undefined {
    const have = secure ? this.httpsClient : this.httpClient;
    if (have) return have;
    const module = builtinNow<HttpModule>(secure ? "node:https" : "node:http");
    return module ? this.made(secure, module) : undefined;
  }

  private async clientLater(secure: boolean): Promise<Client> {
    const module = await loadBuiltin<HttpModule>(secure ? "node:https" : "node:http");
    return (secure ? this.httpsClient : this.httpClient) ?? this.made(secure, module);
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
      const open = (client: Client, origin: Origin, path: string): void => {
        if (settled) return;
        // Node sets Content-Length itself when the whole body goes with end().
        if (this.lookup === null) this.lookup = createBoundedLookup();
        const options: http.RequestOptions = {
          method: "POST",
          hostname: origin.hostname,
          port: origin.port,
          path,
          headers,
          agent: client.agent,
          ...(this.lookup ? { lookup: this.lookup } : {}),
        };
        let answered = false;
        // http.request never follows redirects: a 3xx is reported, and X-API-Key never goes elsewhere.
        const request = client.module.request(options, (res) => {
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
            return open(client, origin, path);
          }
          fail(error);
        });
        request.end(body);
      };
      try {
        const { origin, path } = this.target(url);
        const client = this.clientNow(origin.secure);
        if (client) open(client, origin, path);
        else
          this.clientLater(origin.secure).then(
            (c) => {
              try {
                open(c, origin, path);
              } catch (error) {
                fail(error);
              }
            },
            fail,
          );
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
    this.httpClient?.agent.destroy();
    this.httpsClient?.agent.destroy();
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
