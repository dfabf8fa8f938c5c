/**
 * Name resolution for the default transport that cannot hold an app's exit.
 *
 * `dns.lookup` (getaddrinfo) runs on libuv's thread pool and keeps the process alive until it
 * returns: with a DNS server that does not answer (a VPN gone, an offline resolver) that is 5–10 s
 * or more after the app's last line, whatever the exporter's own timeouts say. The resolver
 * (c-ares) can be cancelled, so an unanswered lookup ends in {@link QUERY_TIMEOUT_MS}.
 *
 * The resolver asks DNS only: no hosts file, no search domains. So `localhost` and single-label
 * names (hosts-file entries, Kubernetes and Compose service names) keep `dns.lookup`, and a name
 * DNS does not know (NXDOMAIN, no records) is looked up again with `dns.lookup`, which answers fast
 * when DNS itself does. One resolution per name runs at a time (a burst of connections asks once);
 * answers are kept for {@link CACHE_MS}, failures for {@link FAILURE_CACHE_MS}.
 */
import type * as dns from "node:dns";
import type * as net from "node:net";
import { builtinNow } from "../../util/builtin.js";

type DnsModule = Pick<typeof dns, "Resolver" | "lookup">;
type Address = { address: string; family: number };
type LookupOptions = { family?: number | string; all?: boolean };
type Cached = { addresses: Address[]; error: NodeJS.ErrnoException | null; until: number };

/** A lookup DNS does not answer ends after this long. */
export const QUERY_TIMEOUT_MS = 1_000;
/** How long an answer is reused. */
const CACHE_MS = 30_000;
/** How long a failed resolution is reused: retries within it fail at once instead of asking again. */
const FAILURE_CACHE_MS = 5_000;
const MAX_CACHED = 16;
/** Codes that mean DNS answered, without an address: the system resolver may still know the name. */
const ASK_SYSTEM = new Set(["ENOTFOUND", "ENODATA", "ENONAME", "ENOTIMP", "ESERVFAIL", "EFORMERR", "EBADNAME", "EBADRESP"]);

/** @internal For tests: other DNS servers, another timeout, another system lookup. */
export interface BoundedLookupOptions {
  timeoutMs?: number;
  servers?: string[];
  systemLookup?: typeof dns.lookup;
}

/** A `lookup` for `http.request`, or undefined when `node:dns` cannot be had synchronously. */
export function createBoundedLookup(options: BoundedLookupOptions = {}): net.LookupFunction | undefined {
  const dnsModule = builtinNow<DnsModule>("node:dns");
  const isIP = builtinNow<typeof net>("node:net")?.isIP;
  if (!dnsModule || !isIP) return undefined;
  const timeoutMs = options.timeoutMs ?? QUERY_TIMEOUT_MS;
  const systemLookup = options.systemLookup ?? dnsModule.lookup;
  const cache = new Map<string, Cached>();
  const resolve = (hostname: string, family: number, done: (error: NodeJS.ErrnoException | null, addresses: Address[]) => void): void => {
    // A resolver per lookup, cancelled at the deadline: c-ares rounds its own timeout up to
    // whole seconds and more, and cancel() is per resolver. Lookups are rare (new connections).
    const resolver = new dnsModule.Resolver({ timeout: timeoutMs, tries: 1 });
    if (options.servers) resolver.setServers(options.servers);
    let settled = false;
    const finish = (error: NodeJS.ErrnoException | null, addresses: Address[]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      done(error, addresses);
    };
    const deadline = setTimeout(() => {
      finish(Object.assign(new Error(`DNS query for ${hostname} timed out`), { code: "ETIMEOUT", hostname }), []);
      resolver.cancel();
    }, timeoutMs);
    deadline.unref();
    const query = (fam: 4 | 6, next?: () => void): void => {
      const cb = (error: NodeJS.ErrnoException | null, found: string[]): void => {
        if (settled) return;
        if (!error && found.length > 0) return finish(null, found.map((address) => ({ address, family: fam })));
        if (next && (!error || ASK_SYSTEM.has(error.code ?? ""))) return next();
        finish(error ?? notFound(hostname), []);
      };
      if (fam === 4) resolver.resolve4(hostname, cb);
      else resolver.resolve6(hostname, cb);
    };
    if (family === 6) query(6);
    else if (family === 4) query(4);
    else query(4, () => query(6));
  };

  /** One resolution per name at a time: a burst of new connections asks DNS once. */
  const pending = new Map<string, Array<(error: NodeJS.ErrnoException | null, addresses: Address[]) => void>>();
  const remember = (key: string, entry: Cached): void => {
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, entry);
  };
  const resolveOnce = (hostname: string, family: number, done: (error: NodeJS.ErrnoException | null, addresses: Address[]) => void): void => {
    const key = `${family}:${hostname}`;
    const waiting = pending.get(key);
    if (waiting) return void waiting.push(done);
    const waiters = [done];
    pending.set(key, waiters);
    const settle = (error: NodeJS.ErrnoException | null, addresses: Address[]): void => {
      pending.delete(key);
      remember(key, { addresses, error, until: Date.now() + (addresses.length > 0 ? CACHE_MS : FAILURE_CACHE_MS) });
      for (const w of waiters) w(error, addresses);
    };
    resolve(hostname, family, (error, addresses) => {
      if (addresses.length > 0 || !error || !ASK_SYSTEM.has(error.code ?? "")) return settle(error, addresses);
      // DNS answered without an address: the hosts file or another system source may know it.
      systemLookup(hostname, { family, all: true }, (sysError, found) => {
        const list = Array.isArray(found) ? found.map((a) => ({ address: a.address, family: a.family })) : [];
        settle(list.length > 0 ? null : (sysError ?? error), list);
      });
    });
  };

  return ((hostname: string, lookupOptions: LookupOptions | number, callback: (...args: unknown[]) => void): void => {
    const opts: LookupOptions = typeof lookupOptions === "object" && lookupOptions !== null ? lookupOptions : { family: lookupOptions };
    const family = opts.family === "IPv6" || opts.family === 6 ? 6 : opts.family === "IPv4" || opts.family === 4 ? 4 : 0;
    // Each caller gets its own error object (net adds to it) and its own copy of the addresses.
    const reply = (error: NodeJS.ErrnoException | null, addresses: Address[]): void => {
      if (addresses.length === 0) callback(copyError(error, hostname));
      else if (opts.all) callback(null, addresses.map((a) => ({ ...a })));
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    };
    if (isIP(hostname) || systemOnly(hostname)) return void systemLookup(hostname, opts as dns.LookupAllOptions, callback as never);
    const hit = cache.get(`${family}:${hostname}`);
    // A lookup answers asynchronously, as dns.lookup does, also from the cache.
    if (hit && hit.until > Date.now()) return void queueMicrotask(() => reply(hit.error, hit.addresses));
    resolveOnce(hostname, family, reply);
  }) as net.LookupFunction;
}

/** Names only the system resolver knows: `localhost` and single-label names. */
function systemOnly(hostname: string): boolean {
  const name = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
  return !name.includes(".") || name === "localhost" || name.endsWith(".localhost");
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`queryA ENOTFOUND ${hostname}`), { code: "ENOTFOUND", hostname });
}

function copyError(error: NodeJS.ErrnoException | null, hostname: string): NodeJS.ErrnoException {
  if (!error) return notFound(hostname);
  return Object.assign(new Error(error.message), { code: error.code, errno: error.errno, syscall: error.syscall, hostname });
}
