import { describe, expect, it } from "vitest";
import { activeContext, agentTrace, isProviderSpanSuppressed, registerContextSource, span, suppressProviderSpans, unsuppressProviderSpans, type Span, type Trace } from "../src/index.js";
import { setup, spansByName } from "./helpers.js";

describe("context sources (a framework's own current span)", () => {
  it("a source's context is the active one: new spans nest under its span, and it can suppress provider spans", async () => {
    const memory = setup();
    let mirror: Span | undefined;
    let suppress = false;
    await agentTrace({ agentName: "framework" }, async (trace) => {
      mirror = trace.startSpan({ spanType: "agent", name: "mirror" });
      const store = { trace, span: mirror, scope: new Map<string, unknown>() };
      const remove = registerContextSource(() => ({ store, suppressProviderSpans: suppress }));
      try {
        span({ name: "inside" }, () => undefined);
        expect(activeContext()?.span).toBe(mirror);
        expect(isProviderSpanSuppressed()).toBe(false);
        suppress = true;
        expect(isProviderSpanSuppressed()).toBe(true);
        // Tracium's own setting wins over the source's.
        expect(unsuppressProviderSpans(() => isProviderSpanSuppressed())).toBe(false);
        expect(suppressProviderSpans(() => isProviderSpanSuppressed())).toBe(true);
      } finally {
        remove();
      }
      expect(isProviderSpanSuppressed()).toBe(false);
      expect(activeContext()?.span).toBeUndefined();
      mirror.end();
    });
    const s = spansByName(memory);
    expect(s.get("inside")!.parentSpanId).toBe(s.get("mirror")!.id);
  });

  it("a source that throws or answers nothing leaves Tracium's own context", async () => {
    setup();
    const removeThrowing = registerContextSource(() => {
      throw new Error("broken source");
    });
    const removeSilent = registerContextSource(() => undefined);
    try {
      await agentTrace({ agentName: "own" }, async (trace) => {
        await trace.span({ name: "own span" }, (own) => {
          expect(activeContext()?.span).toBe(own);
          expect(isProviderSpanSuppressed()).toBe(false);
        });
      });
    } finally {
      removeThrowing();
      removeSilent();
    }
  });

  it("a source whose trace ended is ignored", async () => {
    setup();
    let ended: Span | undefined;
    let old: Trace | undefined;
    await agentTrace({ agentName: "old" }, (trace) => {
      old = trace;
      ended = trace.startSpan({ name: "old" });
    });
    const remove = registerContextSource(() => ({ store: { trace: old!, span: ended, scope: new Map() }, suppressProviderSpans: true }));
    try {
      expect(activeContext()).toBeUndefined();
      expect(isProviderSpanSuppressed()).toBe(false);
    } finally {
      remove();
    }
  });
});
