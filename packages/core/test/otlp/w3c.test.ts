/** The W3C id rule, traceparent/tracestate handling, inject/extract and agentTrace({ parent }). */
import { afterEach, describe, expect, it } from "vitest";
import { agentTrace, captureContext, extract, inject, runInContext, shutdown, span, startTrace, type SpanData } from "../../src/index.js";
import { hexId, spanIdFromW3C, uuidFromHex32, w3cRootSpanId, w3cSpanId, w3cTraceId } from "../../src/export/otlp/ids.js";
import { parseTraceparent, parseTracestate } from "../../src/tracing/w3c.js";
import { setup } from "../helpers.js";

afterEach(async () => {
  await shutdown();
});

const UUID = "0f8fad5b-d9cb-469f-a165-70867728950e";

describe("Tracium ids → W3C ids", () => {
  it("uses the UUID's hex digits: trace = all 32, span = the first 16, root = the last 16", () => {
    expect(w3cTraceId(UUID)).toBe("0f8fad5bd9cb469fa16570867728950e");
    expect(w3cSpanId(UUID)).toBe("0f8fad5bd9cb469f");
    expect(w3cRootSpanId(UUID)).toBe("a16570867728950e");
    expect(w3cTraceId({ id: UUID, otel: { traceId: "4bf92f3577b34da6a3ce929d0e0e4736" } })).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
  });

  it("hashes ids that are not UUIDs, deterministically, and never yields zero ids", () => {
    expect(hexId("order-42")).toMatch(/^[0-9a-f]{32}$/);
    expect(hexId("order-42")).toBe(hexId("order-42"));
    expect(hexId("order-42")).not.toBe(hexId("order-43"));
    expect(w3cSpanId("00000000-0000-0000-1111-111111111111")).not.toBe("0000000000000000");
    expect(w3cSpanId("00000000-0000-0000-1111-111111111111")).toMatch(/^[0-9a-f]{16}$/);
    expect(hexId("00000000-0000-0000-0000-000000000000")).not.toBe("0".repeat(32));
  });

  it("round-trips W3C ids through their Tracium stand-ins", () => {
    expect(w3cSpanId(spanIdFromW3C("00f067aa0ba902b7"))).toBe("00f067aa0ba902b7");
    expect(hexId(uuidFromHex32("4bf92f3577b34da6a3ce929d0e0e4736"))).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
  });
});

describe("traceparent / tracestate parsing", () => {
  it("accepts valid headers and rejects malformed ones", () => {
    expect(parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      flags: 1,
    });
    // A future version may append fields.
    expect(parseTraceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-what")?.flags).toBe(0);
    for (const bad of [
      undefined,
      "",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
    ]) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
  });

  it("keeps valid tracestate members, first of each key, at most 32", () => {
    expect(parseTracestate("congo=t61rcWkgMzE, rojo=00f067aa0ba902b7,bad key=x,congo=dup,=x")).toEqual([
      ["congo", "t61rcWkgMzE"],
      ["rojo", "00f067aa0ba902b7"],
    ]);
    const many = Array.from({ length: 40 }, (_, i) => `k${i}=v`).join(",");
    expect(parseTracestate(many)).toHaveLength(32);
  });
});

describe("inject / extract", () => {
  it("writes nothing outside a trace", () => {
    setup();
    expect(inject({})).toEqual({});
  });

  it("writes the active span's position and reads it back", async () => {
    setup();
    let headers: Record<string, string> = {};
    let spanId = "";
    let traceId = "";
    await agentTrace({ agentName: "a" }, (t) =>
      t.span({ name: "outer" }, (outer) =>
        outer.span({ name: "inner" }, (s) => {
          traceId = t.id;
          spanId = s.id;
          headers = inject({ existing: "kept" });
        }),
      ),
    );
    expect(headers.existing).toBe("kept");
    expect(headers.traceparent).toBe(`00-${w3cTraceId(traceId)}-${w3cSpanId(spanId)}-01`);
    expect(headers.tracestate).toBe(`tracium=p:${w3cSpanId(spanId)};s:${spanId};d:1`);
    expect(extract(headers)).toEqual({
      kind: "w3c",
      traceId: w3cTraceId(traceId),
      spanId: w3cSpanId(spanId),
      sampled: true,
      traceState: headers.tracestate,
      tracium: { traceId, spanId, depth: 1 },
    });
  });

  it("points at the trace's root span at trace level, and works with Headers and Map carriers", async () => {
    setup();
    const h = new Headers();
    const m = new Map<string, string>();
    const t = startTrace({ agentName: "a" });
    t.run(() => {
      inject(h);
      inject(m);
    });
    t.end();
    expect(h.get("traceparent")).toBe(`00-${w3cTraceId(t.id)}-${w3cRootSpanId(t.id)}-01`);
    expect(m.get("tracestate")).toBe(`tracium=p:${w3cRootSpanId(t.id)}`);
    expect(extract(h)?.tracium).toEqual({ traceId: t.id, spanId: undefined, depth: -1 });
  });

  it("reads Node's header objects (case, arrays) and ignores a tracium entry written for another parent", () => {
    const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    expect(extract({ TraceParent: tp, tracestate: ["a=1", "b=2"] })?.traceState).toBe("a=1,b=2");
    // A proxy in between rewrote traceparent but left our entry: the entry is stale.
    const stale = extract({ traceparent: tp, tracestate: `tracium=p:1111111111111111;s:${UUID};d:0` });
    expect(stale?.tracium).toBeUndefined();
    expect(extract({ traceparent: "garbage" })).toBeUndefined();
    expect(extract(undefined)).toBeUndefined();
    expect(extract("nope")).toBeUndefined();
  });
});

describe("caller depth from a snapshot", () => {
  it("is a whole number in [-1, 9999] whatever a hand-made snapshot holds", async () => {
    const memory = setup();
    const snap = (depth: unknown) => ({ tracium: 1 as const, traceId: UUID, spanId: UUID, agentName: "a", depth: depth as number });
    for (const depth of [undefined, Number.NaN, 1e9, -50, 2.7]) {
      runInContext(snap(depth), () => span({ name: "s" }, () => undefined));
      await agentTrace({ agentName: "b", parent: snap(depth) }, (t) => t.span({ name: "s" }, () => undefined));
    }
    expect(memory.spans().map((s) => s.depth)).toEqual([0, 0, 0, 0, 10_000, 10_000, 0, 0, 3, 3]);
  });
});

describe("agentTrace({ parent })", () => {
  it("continues a Tracium caller's trace: same id, under the calling span, no start/end records", async () => {
    const caller = setup();
    let headers: Record<string, string> = {};
    let callerSpan = "";
    const callerTrace = await agentTrace({ agentName: "caller" }, (t) =>
      t.span({ name: "call" }, (s) => {
        callerSpan = s.id;
        headers = inject({});
        return t.id;
      }),
    );
    expect(caller.traces()).toHaveLength(1);

    const callee = setup();
    await agentTrace({ agentName: "callee", parent: headers }, (t) =>
      t.span({ spanType: "tool", name: "work" }, (s) => s.span({ name: "sub" }, () => undefined)),
    );
    expect(callee.records.map((r) => r.kind)).not.toContain("trace_start");
    expect(callee.records.map((r) => r.kind)).not.toContain("trace_end");
    const spans = new Map<string, SpanData>(callee.spans().map((s) => [s.name, s]));
    expect(spans.get("work")!.traceId).toBe(callerTrace);
    expect(spans.get("work")!.parentSpanId).toBe(callerSpan);
    expect(spans.get("work")!.depth).toBe(1);
    expect(spans.get("sub")!.depth).toBe(2);
    // The same headers again from inside: still the caller's trace, now under "work".
    const link = callee.records.find((r) => r.kind === "span_end")!.trace.otel;
    expect(link).toMatchObject({ traceId: w3cTraceId(callerTrace), parentSpanId: w3cSpanId(callerSpan), continued: true, parentTraciumSpanId: callerSpan });
  });

  it("follows a trusted caller's decision not to sample; an untrusted one cannot switch recording off", async () => {
    const memory = setup();
    const tp = `00-${w3cTraceId(UUID)}-${w3cSpanId(UUID)}-00`;
    const headers = { traceparent: tp, tracestate: `tracium=p:${w3cSpanId(UUID)};s:${UUID};d:0` };
    await agentTrace({ agentName: "x", parent: extract(headers, { trustCaller: true }) }, (t) => t.span({ name: "s" }, () => undefined));
    expect(memory.records).toHaveLength(0);
    await agentTrace({ agentName: "x", parent: headers }, (t) => t.span({ name: "s" }, () => undefined));
    expect(memory.records.map((r) => r.kind)).toEqual(["trace_start", "span_start", "span_end", "trace_end"]);
    expect(memory.traces()[0]!.id).not.toBe(UUID);
  });

  it("starts a trace of its own under a foreign (non-Tracium) caller, in the caller's W3C trace", async () => {
    const memory = setup();
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let inner: Record<string, string> = {};
    await agentTrace({ agentName: "svc", parent: { traceparent, tracestate: "congo=t61rcWkgMzE" } }, (t) => {
      inner = inject({});
      return t.span({ name: "s" }, () => undefined);
    });
    const trace = memory.traces()[0]!;
    expect(memory.records[0]!.kind).toBe("trace_start");
    expect(trace.id).not.toBe(uuidFromHex32("4bf92f3577b34da6a3ce929d0e0e4736"));
    expect(trace.otel).toEqual({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", parentSpanId: "00f067aa0ba902b7", traceState: "congo=t61rcWkgMzE", continued: false });
    // Headers written inside carry the caller's W3C trace id, our trace id and the caller's other vendors.
    expect(inner.traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${w3cRootSpanId(trace.id)}-01`);
    expect(inner.tracestate).toBe(`tracium=p:${w3cRootSpanId(trace.id)};t:${trace.id},congo=t61rcWkgMzE`);
  });

  it("accepts extract() results and captureContext() snapshots, and ignores garbage", async () => {
    const memory = setup();
    let captured: ReturnType<typeof captureContext>;
    const id = await agentTrace({ agentName: "a" }, (t) => t.span({ name: "s" }, () => ((captured = captureContext()), t.id)));
    memory.reset();
    await agentTrace({ agentName: "b", parent: captured! }, (t) => t.span({ name: "remote" }, () => undefined));
    expect(memory.spans()[0]!.traceId).toBe(id);
    expect(memory.records.map((r) => r.kind)).toEqual(["span_start", "span_end"]);

    memory.reset();
    const ext = extract({ traceparent: `00-${w3cTraceId(UUID)}-${w3cSpanId(UUID)}-01`, tracestate: `tracium=p:${w3cSpanId(UUID)};s:${UUID};d:3` });
    await agentTrace({ agentName: "c", parent: ext }, (t) => t.span({ name: "s" }, () => undefined));
    expect(memory.spans()[0]).toMatchObject({ traceId: UUID, parentSpanId: UUID, depth: 4 });

    memory.reset();
    runInContext(ext, () => span({ name: "via runInContext" }, () => undefined));
    expect(memory.spans()[0]).toMatchObject({ name: "via runInContext", traceId: UUID, parentSpanId: UUID, depth: 4 });

    memory.reset();
    await agentTrace({ agentName: "d", parent: { nothing: "here" } }, (t) => t.span({ name: "s" }, () => undefined));
    expect(memory.records[0]!.kind).toBe("trace_start");
    expect(memory.traces()[0]!.otel).toBeUndefined();
  });
});
