/**
 * The provider tap's idle safety net: one shared timer for every call in flight (none per call,
 * none refreshed per chunk), a stream never read still ends its span, a stream read slowly but
 * steadily is never ended early, calls made one after another arm no timer each, and no timer is
 * left once a tick finds nothing watched.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { startSpan, tapProviderStream } from "../src/index.js";
import { idleWatch } from "../src/integrations/provider/idle-watch.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A provider-like stream: an `iterator` factory the tap wraps in place. */
function fakeStream(chunks: number, gapMs = 0): { iterator: () => AsyncIterator<unknown>; [Symbol.asyncIterator]: () => AsyncIterator<unknown> } {
  const s = {
    async *iterator(): AsyncGenerator<unknown> {
      for (let i = 0; i < chunks; i++) {
        if (gapMs > 0) await sleep(gapMs);
        yield { i };
      }
    },
    [Symbol.asyncIterator](): AsyncIterator<unknown> {
      return s.iterator();
    },
  };
  return s;
}

afterEach(() => vi.restoreAllMocks());

describe("provider tap idle watch", () => {
  it("arms one timer for many calls in flight, not one per call or per chunk", async () => {
    const spy = vi.spyOn(globalThis, "setTimeout");
    const spans = Array.from({ length: 50 }, () => startSpan({ spanType: "llm", name: "s" }));
    const streams = spans.map((span) => tapProviderStream(span, fakeStream(20), {}, { idleTimeoutMs: 60_000 }));
    expect(idleWatch.size).toBe(50);
    expect(idleWatch.ticking).toBe(true);
    for (const stream of streams) for await (const _ of stream) void _;
    // 50 calls, 1,000 chunks: the watch armed its timer once (per-call timers would be 50, plus refreshes).
    expect(spy.mock.calls.filter((c) => c[1] === 15_000)).toHaveLength(1);
    expect(spans.every((s) => s.isEnded && s.data.metadata.stream_end_reason === "done")).toBe(true);
    expect(idleWatch.size).toBe(0);
  });

  it("calls made one after another arm no timer each; a tick that finds nothing watched stops", async () => {
    const spy = vi.spyOn(globalThis, "setTimeout");
    for (let i = 0; i < 20; i++) {
      const span = startSpan({ spanType: "llm", name: "seq" });
      for await (const _ of tapProviderStream(span, fakeStream(3), {}, { idleTimeoutMs: 4_000 })) void _;
      expect(span.data.metadata.stream_end_reason).toBe("done");
    }
    // One timer (a 1 s tick) for the 20 calls: before, each call set one and cleared it.
    expect(spy.mock.calls.filter((c) => c[1] === 1_000)).toHaveLength(1);
    spy.mockRestore();
    const deadline = performance.now() + 5_000;
    while (idleWatch.ticking && performance.now() < deadline) await sleep(5);
    expect(idleWatch.ticking).toBe(false);
  });

  it("ends a stream nobody reads (reason timeout), not before its idle timeout", async () => {
    const span = startSpan({ spanType: "llm", name: "unread" });
    const started = performance.now();
    tapProviderStream(span, fakeStream(3), {}, { idleTimeoutMs: 40 });
    const deadline = started + 5_000;
    while (!span.isEnded && performance.now() < deadline) await sleep(5);
    const elapsed = performance.now() - started;
    expect(span.data.metadata).toMatchObject({ ended_by_timeout: true, stream_end_reason: "timeout" });
    expect(elapsed).toBeGreaterThanOrEqual(40);
    expect(idleWatch.size).toBe(0);
  });

  it("never ends a stream whose chunks keep coming, even when the whole stream outlasts the timeout", async () => {
    const span = startSpan({ spanType: "llm", name: "slow" });
    // 12 chunks 15 ms apart: ~180 ms in all, four and a half times the 40 ms timeout.
    const stream = tapProviderStream(span, fakeStream(12, 15), {}, { idleTimeoutMs: 40 });
    let n = 0;
    for await (const _ of stream) n++;
    expect(n).toBe(12);
    expect(span.data.metadata).toMatchObject({ stream_end_reason: "done" });
    expect(span.data.metadata.ended_by_timeout).toBeUndefined();
  });

  it("idleTimeoutMs 0: nothing watched", async () => {
    const span = startSpan({ spanType: "llm", name: "off" });
    const stream = tapProviderStream(span, fakeStream(2), {}, { idleTimeoutMs: 0 });
    expect(idleWatch.size).toBe(0);
    for await (const _ of stream) void _;
    expect(span.isEnded).toBe(true);
  });
});
