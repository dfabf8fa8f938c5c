/**
 * The serverless circuit breaker: when a flush on the caller's path may wait for delivery.
 */
import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../src/export/delivery/breaker.js";

describe("circuit breaker", () => {
  it("lets the caller wait while healthy, not after a failure, once per cool-down, and again after a success", () => {
    let now = 1_000;
    const b = new CircuitBreaker(30_000, () => now);
    expect(b.allowWait()).toBe(true);
    b.failure();
    expect(b.isOpen).toBe(true);
    expect(b.allowWait()).toBe(false);
    now += 29_999;
    expect(b.allowWait()).toBe(false);
    now += 1;
    expect(b.allowWait()).toBe(true); // the later attempt after the cool-down…
    expect(b.allowWait()).toBe(false); // …for one caller only
    b.failure(); // still failing: the cool-down starts over from the attempt
    now += 29_000;
    expect(b.allowWait()).toBe(false);
    b.success();
    expect(b.isOpen).toBe(false);
    expect(b.allowWait()).toBe(true);
  });

  it("wakes a waiting flush at the next failure; a cancelled waiter is forgotten", async () => {
    const b = new CircuitBreaker();
    const woken = b.nextFailure();
    const cancelled = b.nextFailure();
    let cancelledResolved = false;
    void cancelled.promise.then(() => (cancelledResolved = true));
    cancelled.cancel();
    b.failure();
    await woken.promise;
    await new Promise((r) => setImmediate(r));
    expect(cancelledResolved).toBe(false);
  });
});
