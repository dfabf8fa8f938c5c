/**
 * The provider contract as reusable test pieces, so a plugin's contract suite is a short list of
 * cases: the set-up of a suite against the routed local server (plugins registered, memory
 * exporter, server started, SDK unpatched at the end), reading a stream as a user does, the
 * "same result instrumented or not" suite (what the user gets and what the endpoint receives are
 * byte-identical, and each call is one span), what a user observes of a call or a stream (for the
 * property tests, traced against untraced), and error identity (the caller gets the very object
 * the SDK threw). Suites that mock with nock record their request bodies with `nockRequests()`
 * (helpers/nock.ts).
 */
import { agentTrace, instrument, registerPlugin, uninstrument, type MemoryExporter, type SpanData, type TraciumPlugin } from "@tracium/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRoutedServer, type RouteHandler, type RoutedServer } from "./routes.js";
import { SSE_HEADERS, sseBody } from "./sse.js";
import { setupTracing } from "./tracing.js";

/** Reads an async iterable to its end, as `for await` in user code does. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

/** The request bodies an endpoint received, in order (the routed server, or nock scopes recorded). */
export interface RequestLog {
  readonly bodies: unknown[];
}

/** What the "same result" suite reads: the spans recorded and the requests sent. */
export interface Recorded {
  readonly memory: MemoryExporter;
  readonly requests: RequestLog;
}

/** A provider suite's shared state: the memory exporter, the server, and the one span a call made. */
export interface RoutedProvider extends Recorded {
  /** The routed local server (started before the suite's tests). */
  readonly server: RoutedServer;
  /** The only span recorded since the last reset (fails when there is not exactly one). */
  only(): SpanData;
}

/**
 * Sets up a suite: a global client recording into a memory exporter, `plugins` registered, a
 * routed local server started before the tests and closed after, memory and routes reset before
 * each test, and `sdk` (the module namespace) unpatched at the end.
 */
export function useRoutedProvider(plugins: readonly TraciumPlugin[], sdk: object): RoutedProvider {
  const memory = setupTracing();
  for (const plugin of plugins) registerPlugin(plugin);
  let server: RoutedServer | undefined;
  beforeAll(async () => {
    server = await startRoutedServer();
  });
  afterAll(async () => {
    uninstrument(sdk);
    await server?.close();
  });
  beforeEach(() => {
    memory.reset();
    server?.reset();
  });
  return {
    memory,
    get server(): RoutedServer {
      if (!server) throw new Error("the routed server starts in beforeAll");
      return server;
    },
    get requests(): RequestLog {
      return this.server;
    },
    only(): SpanData {
      const spans = memory.spans();
      expect(spans).toHaveLength(1);
      return spans[0]!;
    },
  };
}

/** One user-level call of the contract: it routes its replies, then calls the SDK as a user would. */
export type Scenario<C> = (client: C) => Promise<unknown>;

/**
 * The "same result instrumented or not" suite: each scenario runs with `sdk` unpatched, then
 * patched inside a trace. What the user gets (serialised) and the request bodies the endpoint
 * received must be byte-identical, the untraced run records nothing, and the traced run records
 * one span per HTTP call (of `spanTypes`: llm and embedding spans by default).
 */
export function sameResultTracedOrNot<C>(
  title: string,
  recorded: Recorded,
  sdk: object,
  client: () => C,
  scenarios: Readonly<Record<string, Scenario<C>>>,
  spanTypes: readonly string[] = ["llm", "embedding"],
): void {
  describe(title, () => {
    it.each(Object.keys(scenarios))("%s", async (name) => {
      const scenario = scenarios[name]!;
      const { memory, requests } = recorded;
      uninstrument(sdk);
      requests.bodies.length = 0;
      const plain = JSON.stringify(await scenario(client()));
      const plainBodies = JSON.stringify(requests.bodies);
      expect(memory.spans()).toHaveLength(0);
      const httpCalls = requests.bodies.length;
      expect(httpCalls, "a scenario makes at least one HTTP call").toBeGreaterThan(0);
      requests.bodies.length = 0;
      expect(instrument(sdk)).toBe(true);
      const traced = JSON.stringify(await agentTrace({ agentName: "identical" }, () => scenario(client())));
      expect(traced).toBe(plain);
      expect(JSON.stringify(requests.bodies)).toBe(plainBodies);
      expect(memory.spans().filter((s) => spanTypes.includes(s.spanType))).toHaveLength(httpCalls);
    });
  });
}

/** An error as the user sees it: its class, message and the fields SDK errors carry. */
export function describeError(e: unknown): Record<string, unknown> {
  const o = (e ?? {}) as Record<string, unknown>;
  return { class: (o.constructor as { name?: string } | undefined)?.name, message: o.message, status: o.status, code: o.code, type: o.type };
}

/** What a user observes of one call: the value it resolves to, or the error it throws (serialised). */
export async function outcome(fn: () => Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify({ value: await fn() });
  } catch (e) {
    return JSON.stringify({ error: describeError(e) });
  }
}

/** What a user observes reading a stream: every item before the end or the error, and the error. */
export async function streamOutcome(open: () => Promise<AsyncIterable<unknown>>): Promise<string> {
  const seen: unknown[] = [];
  try {
    for await (const item of await open()) seen.push(item);
    return JSON.stringify({ seen });
  } catch (e) {
    return JSON.stringify({ seen, error: describeError(e) });
  }
}

/**
 * Error identity: runs `call` (inside a trace) with `owner[method]` spied on under the plugin's
 * patch, and returns the error the caller caught together with every error the SDK's own method
 * threw or rejected with, so a test can assert `caught` is the very object the SDK produced.
 * `sdk` is unpatched, the spy installed, `sdk` patched over it; at the end the SDK's own method is
 * put back and `sdk` is left patched.
 */
export async function errorThroughPatch(sdk: object, owner: object, method: string, call: () => Promise<unknown>): Promise<{ caught: unknown; produced: unknown[] }> {
  const target = owner as Record<string, unknown>;
  const produced: unknown[] = [];
  uninstrument(sdk);
  // Read after unpatching: the SDK's own method, not a patch over it.
  const real = target[method] as (...args: unknown[]) => unknown;
  target[method] = function (this: unknown, ...args: unknown[]): unknown {
    let result: unknown;
    try {
      result = real.apply(this, args);
    } catch (e) {
      produced.push(e);
      throw e;
    }
    // Observe the rejection without changing the value handed on: the same object is returned.
    if (result !== null && typeof result === "object" && typeof (result as PromiseLike<unknown>).then === "function") {
      (result as PromiseLike<unknown>).then(undefined, (e: unknown) => produced.push(e));
    }
    return result;
  };
  try {
    expect(instrument(sdk)).toBe(true);
    let caught: unknown = "nothing thrown";
    await agentTrace({ agentName: "error-identity" }, async () => {
      try {
        await call();
      } catch (e) {
        caught = e;
      }
    });
    return { caught, produced };
  } finally {
    uninstrument(sdk);
    target[method] = real;
    instrument(sdk);
  }
}

/** A route handler answering an SSE stream of `chunks` (each a `data:` event). */
export function sseReply(chunks: unknown[]): RouteHandler {
  return (_body, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.end(sseBody(chunks));
  };
}
