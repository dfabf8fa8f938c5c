/**
 * Retry policy: status classification, Retry-After, backoff with full jitter.
 */
import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_MS, backoffDelay, classifyStatus, parseRetryAfter } from "../../src/export/delivery/retry.js";

describe("retry policy", () => {
  it("retries network errors, 408, 429 and 5xx; stops on auth; re-creates on 404; rejects other statuses", () => {
    expect([200, 201, 204].map((s) => classifyStatus(s))).toEqual(["ok", "ok", "ok"]);
    expect([0, 408, 429, 500, 502, 503, 504].map((s) => classifyStatus(s))).toEqual(Array(7).fill("retry"));
    expect([401, 403].map((s) => classifyStatus(s))).toEqual(["auth", "auth"]);
    expect(classifyStatus(404)).toBe("not_found");
    expect([301, 307, 400, 422].map((s) => classifyStatus(s))).toEqual(Array(4).fill("reject"));
    expect(classifyStatus(409)).toBe("reject");
    expect(classifyStatus(409, "create")).toBe("ok");
    expect(classifyStatus(409, "end")).toBe("ok");
    expect(classifyStatus(413)).toBe("too_large");
  });

  it("reads Retry-After as seconds or an HTTP date, capped at 60 s", () => {
    const now = Date.parse("Sun, 01 Mar 2026 12:00:00 GMT");
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter("0.5", now)).toBe(500);
    expect(parseRetryAfter("Sun, 01 Mar 2026 12:00:07 GMT", now)).toBe(7_000);
    expect(parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("86400", now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("-3", now)).toBeUndefined();
  });

  it("backs off exponentially with full jitter, up to the cap", () => {
    expect(backoffDelay(0, 500, 30_000, () => 0.999)).toBe(499);
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(2_000);
    expect(backoffDelay(20, 500, 30_000, () => 0.999)).toBe(29_970);
    expect(backoffDelay(2, 500, 30_000, () => 0)).toBe(0);
  });
});
