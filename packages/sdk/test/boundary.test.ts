import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { init, MemoryExporter, span, type ExportRecord } from "@tracium/core";
import { traceHandler, withTrace } from "../src/boundary.js";

const memory = new MemoryExporter();
beforeAll(() => {
  init({ exporter: memory, defaultAgentName: "unit-app", logLevel: "silent" });
});
beforeEach(() => memory.reset());

const starts = () => memory.records.filter((r): r is Extract<ExportRecord, { kind: "trace_start" }> => r.kind === "trace_start");

describe("withTrace", () => {
  it("runs fn as one trace and returns its result; spans inside join it", async () => {
    const out = await withTrace("job", async (trace) => {
      span({ spanType: "tool", name: "a" }, () => 1);
      await span({ spanType: "tool", name: "b" }, async () => 2);
      return trace.agentName;
    });
    expect(out).toBe("job");
    const [t] = memory.traces();
    expect(t).toMatchObject({ agentName: "job", status: "completed" });
    expect(memory.spans(t!.id).map((s) => s.name)).toEqual(["a", "b"]);
  });

  it("defaults: the client's agent name, lazy (no span, nothing sent); options object and fn-only forms", async () => {
    await withTrace(() => undefined);
    expect(memory.records).toHaveLength(0);
    await withTrace({ tags: ["x"], lazyStart: false }, () => undefined);
    expect(memory.traces()[0]).toMatchObject({ agentName: "unit-app", tags: ["x"] });
  });

  it("nested withTrace joins the outer trace", async () => {
    await withTrace("outer", async () => {
      await withTrace("inner", () => span({ name: "x" }, () => 0));
    });
    expect(memory.traces().map((t) => t.agentName)).toEqual(["outer"]);
    expect(memory.spans()).toHaveLength(1);
  });

  it("an error fails the trace and reaches the caller as the same object", async () => {
    const boom = new Error("boom");
    await expect(
      withTrace("failing", () => {
        span({ name: "s" }, () => 0);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(memory.traces()[0]).toMatchObject({ status: "failed" });
  });
});

describe("traceHandler", () => {
  let server: Server;
  let base: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  beforeAll(async () => {
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("node:http: one trace per request, ended when the response finishes, with method, path and status", async () => {
    handler = traceHandler(
      (req, res) => {
        span({ spanType: "tool", name: `work ${req.url}` }, () => 0);
        setTimeout(() => res.end("ok"), 5); // the response ends after the handler returned
      },
      { agentName: "web" },
    );
    await Promise.all([fetch(`${base}/one?token=secret`).then((r) => r.text()), fetch(`${base}/two`).then((r) => r.text())]);
    await new Promise((r) => setTimeout(r, 20));
    const traces = memory.traces();
    expect(traces).toHaveLength(2);
    for (const t of traces) {
      expect(t.agentName).toBe("web");
      expect(t.metadata).toMatchObject({ http_method: "GET", http_status_code: 200 });
      expect(memory.spans(t.id)).toHaveLength(1);
    }
    expect(traces.map((t) => t.metadata.http_path).sort()).toEqual(["/one", "/two"]);
    expect(JSON.stringify(traces)).not.toContain("secret");
  });

  it("a 5xx response fails the trace; failOnStatus:false does not", async () => {
    handler = traceHandler((_req, res) => {
      span({ name: "s" }, () => 0);
      res.statusCode = 503;
      res.end();
    });
    await fetch(`${base}/x`).then((r) => r.text());
    handler = traceHandler(
      (_req, res) => {
        span({ name: "s" }, () => 0);
        res.statusCode = 503;
        res.end();
      },
      { failOnStatus: false },
    );
    await fetch(`${base}/y`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 20));
    expect(memory.traces().map((t) => [t.status, t.error])).toEqual([
      ["failed", "HTTP 503"],
      ["completed", undefined],
    ]);
  });

  it("Express-style middleware: next() and what runs after it share the request's trace", async () => {
    const mw = traceHandler((_req: IncomingMessage, _res: ServerResponse, next: () => void) => next());
    handler = (req, res) =>
      mw(req, res, () => {
        setTimeout(() => {
          span({ name: "route" }, () => 0);
          res.end("done");
        }, 1);
      });
    await fetch(`${base}/mw`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 20));
    const [t] = memory.traces();
    expect(memory.spans(t!.id).map((s) => s.name)).toEqual(["route"]);
    expect(mw.length).toBe(3);
  });

  it("the recorded path is the request's own: a target starting with // is a path, not another host", async () => {
    handler = traceHandler((_req, res) => {
      span({ name: "work" }, () => 0);
      res.end("ok");
    });
    const { request } = await import("node:http");
    for (const path of ["//evil.example/x?y=1", "/a/../b?q", "/plain"]) {
      await new Promise<void>((resolve, reject) => {
        const req = request(`${base}/`, { path }, (res) => res.resume().on("end", resolve));
        req.on("error", reject).end();
      });
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(memory.traces().map((t) => t.metadata.http_path)).toEqual(["//evil.example/x", "/a/../b", "/plain"]);
  });

  it("Fastify-style (request, reply.raw) handler returning a value", async () => {
    handler = (req, res) => {
      const fastifyHandler = traceHandler(async (request: { url: string; method: string; raw: IncomingMessage }, reply: { raw: ServerResponse }) => {
        await span({ name: "fastify-work" }, async () => 0);
        return `hello ${request.url}`;
      });
      void fastifyHandler({ url: req.url ?? "", method: req.method ?? "", raw: req }, { raw: res }).then((body) => res.end(body));
    };
    expect(await fetch(`${base}/f`).then((r) => r.text())).toBe("hello /f");
    await new Promise((r) => setTimeout(r, 20));
    const [t] = memory.traces();
    expect(t?.metadata).toMatchObject({ http_method: "GET", http_path: "/f", http_status_code: 200 });
  });

  it("Hono-style context: the trace ends when the handler settles", async () => {
    const h = traceHandler(async (c: { req: { raw: Request }; res?: { status: number } }) => {
      await span({ name: "hono-work" }, async () => 0);
      c.res = { status: 201 };
      return "ok";
    });
    await h({ req: { raw: new Request("http://x.test/api/chat?q=1", { method: "POST" }) } });
    const [t] = memory.traces();
    expect(t?.metadata).toMatchObject({ http_method: "POST", http_path: "/api/chat", http_status_code: 201 });
  });

  it("keeps this, arguments, the result and the thrown error; a request with no span sends nothing", () => {
    const err = new Error("sync");
    const obj = {
      factor: 3,
      run: traceHandler(function (this: { factor: number }, a: number) {
        return a * this.factor;
      }),
      fail: traceHandler(() => {
        span({ name: "before-throw" }, () => 0);
        throw err;
      }),
    };
    expect(obj.run(2)).toBe(6);
    expect(() => obj.fail()).toThrow(err);
    expect(starts()).toHaveLength(1);
    expect(memory.traces()[0]).toMatchObject({ status: "failed" });
  });

  it("returns a non-function unchanged", () => {
    const notFn = 42 as unknown as () => void;
    expect(traceHandler(notFn)).toBe(42);
  });
});
