/**
 * Base URL checks and the cheap record size estimate.
 */
import { describe, expect, it } from "vitest";
import { checkBaseUrl, isLoopbackHost } from "../../src/export/delivery/endpoint.js";
import { estimateJsonBytes, estimateRecordBytes } from "../../src/export/delivery/size.js";
import { T0, endSpan, makeSpan, makeTrace } from "../exporters/fixtures.js";

describe("base URL check", () => {
  it("accepts https and loopback http, strips the trailing slash, keeps a path prefix", () => {
    expect(checkBaseUrl("https://api.tracium.ai/", false)).toEqual({ ok: true, base: "https://api.tracium.ai" });
    expect(checkBaseUrl("https://proxy.corp/tracium/", false)).toEqual({ ok: true, base: "https://proxy.corp/tracium" });
    expect(checkBaseUrl("http://localhost:8080", false)).toEqual({ ok: true, base: "http://localhost:8080" });
    expect(checkBaseUrl("http://127.0.0.1:1", false).ok).toBe(true);
    expect(checkBaseUrl("http://[::1]:1", false).ok).toBe(true);
  });

  it("refuses plain http to another host unless allowed, bad URLs, other schemes and credentials", () => {
    expect(checkBaseUrl("http://api.tracium.ai", false)).toMatchObject({ ok: false });
    expect(checkBaseUrl("http://api.tracium.ai", true)).toEqual({ ok: true, base: "http://api.tracium.ai" });
    expect(checkBaseUrl("api.tracium.ai", false)).toMatchObject({ ok: false });
    expect(checkBaseUrl("ftp://x", false)).toMatchObject({ ok: false });
    expect(checkBaseUrl("https://u:p@x", false)).toMatchObject({ ok: false });
    expect(isLoopbackHost("127.10.0.1")).toBe(true);
    expect(isLoopbackHost("127.example.com")).toBe(false);
  });
});

describe("size estimate", () => {
  it("grows with the content of a record and stays bounded in work for huge values", () => {
    const trace = makeTrace();
    const small = estimateRecordBytes({ kind: "span_end", trace, span: endSpan(makeSpan(trace), T0 + 1) });
    const big = estimateRecordBytes({ kind: "span_end", trace, span: endSpan(makeSpan(trace, { input: "x".repeat(50_000) }), T0 + 1) });
    expect(big - small).toBeGreaterThan(49_000);
    // Counted reads rather than a stopwatch: the bound holds however loaded the machine is.
    let reads = 0;
    const huge = new Proxy(
      Array.from({ length: 100_000 }, (_, i) => ({ i })),
      {
        get(target, key, receiver) {
          if (typeof key === "string" && /^\d+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      },
    );
    expect(estimateJsonBytes(huge)).toBeGreaterThan(0);
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(1_000);
  });
});
