/**
 * A local HTTP server whose answers each test sets per path (`server.route("/v1/x", handler)`),
 * for provider SDKs that are not mocked with nock (non-Stainless SDKs, bodies cut midway).
 */
import type http from "node:http";
import { startScriptedServer, type ScriptedServer } from "./server.js";

/** Writes the response for one request. */
export type RouteHandler = (body: unknown, res: http.ServerResponse, req: http.IncomingMessage) => void;

export interface RoutedServer extends ScriptedServer {
  /** Answers requests to `path` (exact, query ignored) with `handler` until changed. */
  route(path: string, handler: RouteHandler): void;
  /** Forgets every route and recorded body. */
  reset(): void;
}

/** Sends `value` as JSON with `status`. */
export function json(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

/** Starts the server on 127.0.0.1; unknown paths get a 404 JSON error. */
export async function startRoutedServer(): Promise<RoutedServer> {
  const routes = new Map<string, RouteHandler>();
  const server = await startScriptedServer((body, res, req) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    const handler = routes.get(path);
    if (handler) handler(body, res, req);
    else json(res, 404, { error: { message: `no route for ${req.method} ${path}` } });
  });
  return {
    ...server,
    get origin() {
      return server.origin;
    },
    route: (path, handler) => {
      routes.set(path, handler);
    },
    reset: () => {
      routes.clear();
      server.bodies.length = 0;
    },
  };
}
