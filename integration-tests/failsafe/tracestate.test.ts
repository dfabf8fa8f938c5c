/**
 * Forged trace headers: a caller chooses the trace id, the parent, the depth and the sampling of a
 * service's spans through the `tracium` tracestate entry, or sends a header so long that reading it
 * costs seconds of CPU. By default the service honours the entry only when it agrees with
 * `traceparent`, clamps the depth, keeps recording whatever the sampled flag says, and reads a
 * bounded length; `extract(headers, { trustCaller: true })` opts back in to trusting callers.
 */
import { randomBytes } from "node:crypto";
import { MemoryExporter, TraciumClient, extract, inject, resolveConfig, w3cRootSpanId, w3cSpanId, w3cTraceId, type TraceParent } from "@tracium/core";
import { describe, expect, it } from "vitest";

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** A service that continues traces from incoming headers, recording into memory. */
async function service(parent: TraceParent | undefined) {
  const memory = new MemoryExporter();
  const client = new TraciumClient(resolveConfig({ exporter: "none" }), [memory]);
  await client.agentTrace({ agentName: "service", ...(parent ? { parent } : {}) }, (t) => t.span({ spanType: "tool", name: "work" }, () => undefined));
  await client.shutdown();
  const work = memory.spans().find((s) => s.name === "work");
  return { memory, work, kinds: memory.records.map((r) => r.kind) };
}

/** The forged headers of the report: a random traceparent, and an entry naming a victim trace. */
function forged(flags = "01") {
  const parentId = hex(8);
  return { traceparent: `00-${hex(16)}-${parentId}-${flags}`, tracestate: `tracium=p:${parentId};t:victim-trace-0001;s:x;d:9999` };
}

/** Headers that name trace `traceId` consistently (what an attacker who knows the id can build). */
function consistentFor(traceId: string, spanId: string, depth: number, flags = "01") {
  return {
    traceparent: `00-${w3cTraceId(traceId)}-${w3cSpanId(spanId)}-${flags}`,
    tracestate: `tracium=p:${w3cSpanId(spanId)};s:${spanId};d:${depth};t:${traceId}`,
  };
}

describe("a forged tracium tracestate entry", () => {
  it("cannot put the service's spans into a trace and under a parent that traceparent does not name", async () => {
    const headers = forged();
    const { memory, work, kinds } = await service(headers);
    expect(work!.traceId).not.toBe("victim-trace-0001");
    expect(work!.parentSpanId).not.toBe("x");
    expect(work!.depth).toBe(0);
    // The service's own trace, with its start and end, in the caller's W3C trace.
    expect(kinds[0]).toBe("trace_start");
    expect(kinds.at(-1)).toBe("trace_end");
    expect(memory.traces()[0]!.otel).toMatchObject({ traceId: headers.traceparent.split("-")[1], continued: false });
  });

  it("with sampled-flag 00 cannot make the service record nothing", async () => {
    const { work, kinds } = await service(forged("00"));
    expect(kinds).toEqual(["trace_start", "span_start", "span_end", "trace_end"]);
    expect(work!.traceId).not.toBe("victim-trace-0001");
    // Even an entry consistent with traceparent: the outside caller's 00 does not switch recording off.
    const consistent = await service(consistentFor("victim-trace-0001", "x", 3, "00"));
    expect(consistent.kinds).toEqual(["trace_start", "span_start", "span_end", "trace_end"]);
    expect(consistent.work!.traceId).not.toBe("victim-trace-0001");
  });

  it("gets its depth clamped even when consistent with traceparent", async () => {
    const { work } = await service(consistentFor("victim-trace-0001", "x", 9999));
    // Consistent: the headers name this trace and parent in W3C terms too, so it is continued...
    expect(work!.traceId).toBe("victim-trace-0001");
    expect(work!.parentSpanId).toBe("x");
    // ...but not 10,000 levels down.
    expect(work!.depth).toBe(101);
  });

  it("is honoured as sent when the app trusts its callers (extract with trustCaller)", async () => {
    const headers = forged();
    const trusted = await service(extract(headers, { trustCaller: true }));
    expect(trusted.work).toMatchObject({ traceId: "victim-trace-0001", parentSpanId: "x", depth: 10_000 });
    expect(trusted.kinds).not.toContain("trace_start");
    const unsampled = await service(extract(forged("00"), { trustCaller: true }));
    expect(unsampled.kinds).toEqual([]);
  });
});

describe("a real Tracium caller", () => {
  it("is still continued by default: same trace, under the calling span, at its depth", async () => {
    const caller = new TraciumClient(resolveConfig({ exporter: "none" }), [new MemoryExporter()]);
    let headers: Record<string, string> = {};
    let callingSpan = "";
    let atTraceLevel: Record<string, string> = {};
    const traceId = await caller.agentTrace({ agentName: "caller" }, (t) => {
      atTraceLevel = inject({});
      return t.span({ name: "outer" }, (outer) =>
        outer.span({ name: "call" }, (s) => {
          callingSpan = s.id;
          headers = inject({});
          return t.id;
        }),
      );
    });
    await caller.shutdown();
    const { work, kinds } = await service(headers);
    expect(work).toMatchObject({ traceId, parentSpanId: callingSpan, depth: 2 });
    expect(kinds).not.toContain("trace_start");
    expect(atTraceLevel.traceparent).toContain(w3cRootSpanId(traceId));
    const top = await service(atTraceLevel);
    expect(top.work).toMatchObject({ traceId, depth: 0 });
    expect(top.work!.parentSpanId).toBeUndefined();
  });
});

describe("huge trace headers", () => {
  it("a 10 MB tracestate or traceparent is read only up to a bounded length, in little time", () => {
    const parentId = hex(8);
    const traceparent = `00-${hex(16)}-${parentId}-01`;
    // Members that are not valid (an upper-case key), so a reader never reaches its 32-member limit.
    const filler = Array.from({ length: 1_100_000 }, (_, i) => `K${i}=v`).join(",");
    const tracestate = `tracium=p:${parentId},congo=t61rcWkgMzE,${filler},late=1`;
    expect(tracestate.length).toBeGreaterThan(10_000_000);
    const hugeTraceparent = `${traceparent}-${"a".repeat(10 * 1024 * 1024)}`;
    const cpu = process.cpuUsage();
    let ext;
    for (let i = 0; i < 20; i++) {
      ext = extract({ traceparent, tracestate });
      expect(extract({ traceparent: hugeTraceparent, tracestate })).toBeUndefined();
    }
    const used = process.cpuUsage(cpu);
    // Reading the whole header took ~1.8 s of CPU each time; the bound is generous for a loaded machine.
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
    expect(ext!.traceState!.length).toBeLessThanOrEqual(8192);
    expect(ext!.traceState).toBe(`tracium=p:${parentId},congo=t61rcWkgMzE`);
  });
});
