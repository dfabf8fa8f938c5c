/**
 * The provider contract as reusable test pieces, so a plugin's contract suite is a short list of
 * cases: the set-up of a suite against the routed local server (plugins registered, memory
 * exporter, server started, SDK unpatched at the end), reading a stream as a user does, and the
 * "same result instrumented or not" suite (what the user gets and what the server receives are
 * byte-identical, and each call is one span).
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

/** A provider suite's shared state: the memory exporter, the server, and the one span a call made. */
export interface RoutedProvider {
  readonly memory: MemoryExporter;
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
 * patched inside a trace. What the user gets (serialised) and the request bodies the server
 * received must be byte-identical, the untraced run records nothing, and the traced run records
 * one span per HTTP call.
 */
export function sameResultTracedOrNot<C>(title: string, provider: RoutedProvider, sdk: object, client: () => C, scenarios: Readonly<Record<string, Scenario<C>>>): void {
  describe(title, () => {
    it.each(Object.keys(scenarios))("%s", async (name) => {
      const scenario = scenarios[name]!;
      const { memory, server } = provider;
      uninstrument(sdk);
      const plain = JSON.stringify(await scenario(client()));
      const plainBodies = JSON.stringify(server.bodies);
      expect(memory.spans()).toHaveLength(0);
      const httpCalls = server.bodies.length;
      server.bodies.length = 0;
      expect(instrument(sdk)).toBe(true);
      const traced = JSON.stringify(await agentTrace({ agentName: "identical" }, () => scenario(client())));
      expect(traced).toBe(plain);
      expect(JSON.stringify(server.bodies)).toBe(plainBodies);
      expect(memory.spans().filter((s) => s.spanType === "llm" || s.spanType === "embedding")).toHaveLength(httpCalls);
    });
  });
}

/** A route handler answering an SSE stream of `chunks` (each a `data:` event). */
export function sseReply(chunks: unknown[]): RouteHandler {
  return (_body, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.end(sseBody(chunks));
  };
}
