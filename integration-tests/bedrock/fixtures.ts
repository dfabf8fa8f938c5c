/**
 * The real `@aws-sdk/client-bedrock-runtime` (ESM build) against the fake provider's Bedrock
 * endpoint (an HTTP/2 server speaking the Bedrock Runtime routes and the AWS event stream framing),
 * plus a scripted HTTP/2 endpoint for error and malformed replies.
 */
import http2 from "node:http2";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import * as bedrock from "@aws-sdk/client-bedrock-runtime";
// An early-2025 release, from before the SDK's schema-based serde (its commands carry no `schema`).
import * as bedrockOld from "bedrock-runtime-3758";
import { eventMessage } from "../../examples/fake-provider/bedrock.mjs";

export { bedrock };

/** One SDK release under test. */
export interface Version {
  label: string;
  sdk: typeof bedrock;
  /** Whether its default request handler speaks HTTP/2 (releases from 2025 on); older ones use HTTP/1.1. */
  http2ByDefault: boolean;
}

/** The SDK releases tested side by side (Bedrock Runtime has one major, 3.x). */
export const VERSIONS: Version[] = [
  { label: "client-bedrock-runtime 3.x (latest)", sdk: bedrock, http2ByDefault: true },
  { label: "client-bedrock-runtime 3.758", sdk: bedrockOld as unknown as typeof bedrock, http2ByDefault: false },
];

const requireFromOld = createRequire(createRequire(import.meta.url).resolve("bedrock-runtime-3758"));

export const CREDENTIALS = { accessKeyId: "AKIDFAKE", secretAccessKey: "fake-secret" };

/** A client pointed at `endpoint` (the SDK's default HTTP/2 handler), no retries. */
export function client(endpoint: string, v: Version = VERSIONS[0]!, http2 = true): bedrock.BedrockRuntimeClient {
  // An HTTP/1.1-by-default release talking to an HTTP/2 server is given the SDK's own HTTP/2 handler.
  const handler = http2 && !v.http2ByDefault ? { requestHandler: new (requireFromOld("@smithy/node-http-handler").NodeHttp2Handler)() } : {};
  return new v.sdk.BedrockRuntimeClient({ endpoint, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1, ...handler });
}

/** A scripted reply: JSON (with a status and headers), or event-stream events. */
export type Reply = { json: unknown; status?: number; headers?: Record<string, string> } | { events: Array<{ type: string; payload: unknown; exception?: boolean }>; cut?: boolean; delayMs?: number } | { raw: Buffer | string; status?: number; contentType?: string };

export interface ScriptedBedrock {
  readonly endpoint: string;
  readonly paths: string[];
  reply(...replies: Reply[]): void;
  clear(): void;
  close(): Promise<void>;
}

/** An HTTP/2 cleartext server answering each request with the next queued reply. */
export async function startScriptedBedrock(): Promise<ScriptedBedrock> {
  const queue: Reply[] = [];
  const paths: string[] = [];
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  // Raw sockets too: a connection that never became an HTTP/2 session would keep close() waiting.
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket: import("node:net").Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("stream", (stream, headers) => {
    stream.on("error", () => undefined);
    stream.on("data", () => undefined);
    stream.on("end", () => {
      paths.push(String(headers[":path"]));
      const next = queue.shift() ?? { json: { message: "no scripted reply" }, status: 500, headers: { "x-amzn-errortype": "InternalServerException" } };
      if ("json" in next) {
        stream.respond({ ":status": next.status ?? 200, "content-type": "application/json", ...next.headers });
        stream.end(JSON.stringify(next.json));
      } else if ("raw" in next) {
        stream.respond({ ":status": next.status ?? 200, "content-type": next.contentType ?? "application/json" });
        stream.end(next.raw);
      } else {
        stream.respond({ ":status": 200, "content-type": "application/vnd.amazon.eventstream" });
        const frames = next.events.map((e) =>
          e.exception
            ? eventMessage({ ":exception-type": e.type, ":content-type": "application/json", ":message-type": "exception" }, e.payload)
            : eventMessage({ ":event-type": e.type, ":content-type": "application/json", ":message-type": "event" }, e.payload),
        );
        let i = 0;
        const write = (): void => {
          if (stream.closed) return;
          if (i >= frames.length) {
            if (next.cut) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
            else stream.end();
            return;
          }
          stream.write(frames[i++]);
          setTimeout(write, next.delayMs ?? 1);
        };
        write();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    paths,
    reply: (...r) => queue.push(...r),
    clear: () => {
      queue.length = 0;
      paths.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Base64 of a JSON value (InvokeModelWithResponseStream chunk bytes). */
export const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64");
