/**
 * The HTTP transport's name resolution: answers come from DNS with a bounded query, a DNS server
 * that never answers cannot hold the app (the query ends after its timeout, where getaddrinfo
 * would wait for the system resolver), and names DNS does not know go to the system resolver.
 * A local UDP DNS server stands in for the network's.
 */
import dgram from "node:dgram";
import type { LookupAddress } from "node:dns";
import { afterEach, describe, expect, it } from "vitest";
import { createBoundedLookup } from "../../src/export/delivery/dns-lookup.js";

type Answer = "a" | "nxdomain" | "silent";

/** A DNS server on 127.0.0.1: A queries answered with 127.0.0.7, AAAA with no records. */
async function fakeDns(mode: Answer): Promise<{ server: string; queries: string[]; close(): void }> {
  const socket = dgram.createSocket("udp4");
  const queries: string[] = [];
  socket.on("message", (msg, rinfo) => {
    const labels: string[] = [];
    let at = 12;
    while (msg[at]! > 0) {
      labels.push(msg.subarray(at + 1, at + 1 + msg[at]!).toString());
      at += msg[at]! + 1;
    }
    const qtype = msg.readUInt16BE(at + 1);
    queries.push(`${qtype === 1 ? "A" : qtype === 28 ? "AAAA" : qtype} ${labels.join(".")}`);
    if (mode === "silent") return;
    const question = msg.subarray(12, at + 5);
    const answer = mode === "a" && qtype === 1;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(mode === "nxdomain" ? 0x8183 : 0x8180, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answer ? 1 : 0, 6);
    const record = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 7]);
    socket.send(Buffer.concat([header, question, ...(answer ? [record] : [])]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { server: `127.0.0.1:${socket.address().port}`, queries, close: () => socket.close() };
}

function lookupOnce(lookup: ReturnType<typeof createBoundedLookup>, host: string, options: object): Promise<{ error: NodeJS.ErrnoException | null; result: unknown; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) =>
    lookup!(host, options, (error: NodeJS.ErrnoException | null, address: unknown, family?: number) =>
      resolve({ error, result: Array.isArray(address) ? address : address === undefined ? undefined : { address, family }, ms: performance.now() - t0 }),
    ),
  );
}

const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe("bounded DNS lookup", () => {
  it("resolves through DNS, one address or all of them, and reuses the answer", async () => {
    const dns = await fakeDns("a");
    servers.push(dns);
    const lookup = createBoundedLookup({ servers: [dns.server] });
    expect(await lookupOnce(lookup, "api.tracium.test", {})).toMatchObject({ error: null, result: { address: "127.0.0.7", family: 4 } });
    const all = await lookupOnce(lookup, "api.tracium.test", { all: true });
    expect(all.result as LookupAddress[]).toEqual([{ address: "127.0.0.7", family: 4 }]);
    expect(dns.queries).toEqual(["A api.tracium.test"]); // the second lookup was answered from the cache
    let called = false;
    lookup!("api.tracium.test", {}, () => (called = true));
    expect(called).toBe(false); // answered asynchronously, from the cache too, as dns.lookup does
    await new Promise((r) => setImmediate(r));
    expect(called).toBe(true);
  });

  it("a DNS server that never answers: the lookup fails after its timeout, not the system resolver's", async () => {
    const dns = await fakeDns("silent");
    servers.push(dns);
    const system: string[] = [];
    const lookup = createBoundedLookup({ servers: [dns.server], timeoutMs: 300, systemLookup: ((host: string) => void system.push(host)) as never });
    const { error, ms } = await lookupOnce(lookup, "api.tracium.test", {});
    expect(error?.code).toBe("ETIMEOUT");
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(5_000);
    expect(system).toEqual([]); // a silent DNS is not asked again through getaddrinfo
  });

  it("a name DNS does not know goes to the system resolver (hosts file, search domains)", async () => {
    const dns = await fakeDns("nxdomain");
    servers.push(dns);
    const system: string[] = [];
    const systemLookup = ((host: string, o: { all?: boolean }, cb: (e: null, a: unknown) => void) => {
      system.push(`${host} all=${o.all === true}`);
      cb(null, [{ address: "127.0.0.9", family: 4 }]);
    }) as never;
    const lookup = createBoundedLookup({ servers: [dns.server], systemLookup });
    expect(await lookupOnce(lookup, "collector.internal.test", {})).toMatchObject({ error: null, result: { address: "127.0.0.9" } });
    expect(system).toEqual(["collector.internal.test all=true"]);
  });

  it("a burst of lookups asks DNS once, and a failure is not asked again at once", async () => {
    const dns = await fakeDns("silent");
    servers.push(dns);
    const lookup = createBoundedLookup({ servers: [dns.server], timeoutMs: 200 });
    const burst = await Promise.all([1, 2, 3, 4, 5].map(() => lookupOnce(lookup, "api.tracium.test", { all: true })));
    expect(burst.map((r) => r.error?.code)).toEqual(["ETIMEOUT", "ETIMEOUT", "ETIMEOUT", "ETIMEOUT", "ETIMEOUT"]);
    expect(new Set(burst.map((r) => r.error)).size).toBe(5); // each connection gets its own error to add to
    expect(dns.queries).toEqual(["A api.tracium.test"]);
    const again = await lookupOnce(lookup, "api.tracium.test", {});
    expect(again.error?.code).toBe("ETIMEOUT");
    expect(again.ms).toBeLessThan(50); // from the failure cache
    expect(dns.queries).toHaveLength(1);
  });

  it("localhost, single-label names and IP literals never go to DNS", async () => {
    const dns = await fakeDns("a");
    servers.push(dns);
    const system: string[] = [];
    const systemLookup = ((host: string, _o: unknown, cb: (e: null, a: string, f: number) => void) => {
      system.push(host);
      cb(null, "127.0.0.1", 4);
    }) as never;
    const lookup = createBoundedLookup({ servers: [dns.server], systemLookup });
    for (const host of ["localhost", "collector", "app.localhost", "::1", "10.1.2.3"]) await lookupOnce(lookup, host, {});
    expect(system).toEqual(["localhost", "collector", "app.localhost", "::1", "10.1.2.3"]);
    expect(dns.queries).toEqual([]);
  });

  it("an IPv6-only request asks for AAAA records; none is an error from DNS, then the system's answer", async () => {
    const dns = await fakeDns("a");
    servers.push(dns);
    const systemLookup = ((_h: string, _o: unknown, cb: (e: NodeJS.ErrnoException) => void) => cb(Object.assign(new Error("none"), { code: "ENOTFOUND" }))) as never;
    const lookup = createBoundedLookup({ servers: [dns.server], systemLookup });
    const { error } = await lookupOnce(lookup, "api.tracium.test", { family: 6 });
    expect(error?.code).toBe("ENOTFOUND");
    expect(dns.queries).toEqual(["AAAA api.tracium.test"]);
  });
});
