import { describe, expect, it } from "vitest";
import { Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { agentTrace, captureContext, currentSpan, currentTrace, span, bindContext, startSpan } from "../src/index.js";
import { EventEmitter } from "node:events";
import { setup, spansByName, tick } from "./helpers.js";

describe("context propagation", () => {
  it("nests spans through await, timers and microtasks", async () => {
    const memory = setup();
    await agentTrace({ agentName: "nest" }, async (trace) => {
      await trace.span({ spanType: "plan", name: "outer" }, async () => {
        await tick(1);
        await span({ spanType: "tool", name: "inner" }, async () => {
          await new Promise<void>((r) => setImmediate(r));
          await new Promise<void>((r) => queueMicrotask(r));
          await span({ spanType: "tool", name: "leaf" }, () => tick(1));
        });
        await new Promise<void>((resolve) =>
          setTimeout(() => {
            span({ name: "in-timer" }, () => undefined);
            resolve();
          }, 1),
        );
      });
    });
    const s = spansByName(memory);
    expect(s.get("outer")!.parentSpanId).toBeUndefined();
    expect(s.get("outer")!.depth).toBe(0);
    expect(s.get("inner")!.parentSpanId).toBe(s.get("outer")!.id);
    expect(s.get("leaf")!.parentSpanId).toBe(s.get("inner")!.id);
    expect(s.get("leaf")!.depth).toBe(2);
    expect(s.get("in-timer")!.parentSpanId).toBe(s.get("outer")!.id);
  });

  it("keeps parents right for many concurrent spans under Promise.all (a worker pool)", async () => {
    const memory = setup();
    const tasks = Array.from({ length: 50 }, (_, i) => i);
    await agentTrace({ agentName: "pool" }, async () => {
      await span({ spanType: "plan", name: "fan-out" }, async () => {
        await Promise.all(
          tasks.map((i) =>
            span({ spanType: "tool", name: `task-${i}` }, async () => {
              await tick(Math.floor(Math.random() * 5));
              await span({ spanType: "tool", name: `sub-${i}` }, () => tick(Math.floor(Math.random() * 3)));
            }),
          ),
        );
      });
    });
    const s = spansByName(memory);
    for (const i of tasks) {
      expect(s.get(`task-${i}`)!.parentSpanId).toBe(s.get("fan-out")!.id);
      expect(s.get(`sub-${i}`)!.parentSpanId).toBe(s.get(`task-${i}`)!.id);
    }
    expect(memory.spans()).toHaveLength(101);
  });

  it("never mixes two concurrent traces", async () => {
    const memory = setup();
    const run = (name: string) =>
      agentTrace({ agentName: name }, async (trace) => {
        for (let i = 0; i < 10; i++) {
          await span({ name: `${name}-${i}` }, async () => {
            expect(currentTrace()).toBe(trace);
            await tick(Math.floor(Math.random() * 3));
            expect(currentTrace()).toBe(trace);
          });
        }
        return trace.id;
      });
    const [a, b] = await Promise.all([run("alpha"), run("beta")]);
    expect(memory.spans(a).map((s) => s.name).every((n) => n.startsWith("alpha"))).toBe(true);
    expect(memory.spans(b).map((s) => s.name).every((n) => n.startsWith("beta"))).toBe(true);
    expect(memory.spans(a)).toHaveLength(10);
    expect(memory.spans(b)).toHaveLength(10);
  });

  it("exposes the active trace and span, and nothing outside", async () => {
    setup();
    expect(currentTrace()).toBeUndefined();
    await agentTrace({ agentName: "cur" }, async (trace) => {
      expect(currentTrace()).toBe(trace);
      expect(currentSpan()).toBeUndefined();
      await span({ name: "s" }, (s) => expect(currentSpan()).toBe(s));
    });
    expect(currentTrace()).toBeUndefined();
  });

  it("binds an event-emitter listener to the context it was added in", async () => {
    const memory = setup();
    const emitter = new EventEmitter();
    let release: () => void = () => undefined;
    const registered = new Promise<void>((r) => (release = r));
    let heard: () => void = () => undefined;
    const listened = new Promise<void>((r) => (heard = r));
    const owner = agentTrace({ agentName: "owner" }, async (trace) => {
      emitter.on("bound", bindContext(() => span({ name: "bound-listener" }, () => heard())));
      emitter.on("plain", () => span({ name: "plain-listener" }, () => undefined));
      release();
      await listened;
      return trace.id;
    });
    await registered;
    const other = await agentTrace({ agentName: "emitter" }, (trace) => {
      emitter.emit("bound");
      emitter.emit("plain");
      return trace.id;
    });
    const ownerId = await owner;
    expect(memory.spans(ownerId).map((s) => s.name)).toEqual(["bound-listener"]);
    expect(memory.spans(other).map((s) => s.name)).toEqual(["plain-listener"]);
  });

  it("startSpan reads its parent synchronously at call time", async () => {
    const memory = setup();
    let late: ReturnType<typeof startSpan> | undefined;
    await agentTrace({ agentName: "sync-parent" }, async () => {
      await span({ name: "parent" }, () => {
        late = startSpan({ name: "late" });
      });
      late!.end();
    });
    const s = spansByName(memory);
    expect(s.get("late")!.parentSpanId).toBe(s.get("parent")!.id);
  });

  it("carries the context into a worker_thread with captureContext/runInContext", async () => {
    setup();
    const workerFile = fileURLToPath(new URL("./fixtures/worker.mjs", import.meta.url));
    let parentId = "";
    let traceId = "";
    const received = await agentTrace({ agentName: "threads" }, (trace) =>
      span({ spanType: "plan", name: "dispatch" }, (s) => {
        parentId = s.id;
        traceId = trace.id;
        const ctx = captureContext();
        expect(JSON.parse(JSON.stringify(ctx))).toEqual(ctx);
        return new Promise<Array<{ traceId: string; parentSpanId: string; name: string; depth: number }>>((resolve, reject) => {
          const worker = new Worker(workerFile, { workerData: { ctx } });
          worker.once("message", resolve);
          worker.once("error", reject);
        });
      }),
    );
    expect(received.map((s) => s.name).sort()).toEqual(["worker-child", "worker-step"]);
    const step = received.find((s) => s.name === "worker-step")!;
    const child = received.find((s) => s.name === "worker-child")!;
    expect(step.traceId).toBe(traceId);
    expect(step.parentSpanId).toBe(parentId);
    expect(step.depth).toBe(1);
    expect(child.parentSpanId).not.toBe(parentId);
    expect(child.traceId).toBe(traceId);
  });
});
