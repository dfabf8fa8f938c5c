/**
 * The real `@google/genai` majors side by side (1.x, 2.x, and 3.x on Node >= 22, which 3.x
 * requires), and a scripted local Gemini endpoint: each request gets the next queued reply (JSON,
 * an SSE stream, or an HTTP error), so the SDK runs its real HTTP path offline.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as genaiV1 from "google-genai-v1";
import * as genaiV2 from "google-genai-v2";

/** `@google/genai` 3.x declares Node >= 22; on older Node its tests are skipped. */
export const NODE_MAJOR = Number(process.versions.node.split(".")[0]);
export const V3_SKIP_REASON = "@google/genai 3.x requires Node >= 22";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type GenAIModule = any;

export interface Version {
  label: string;
  /** The module namespace (ESM build). */
  sdk: GenAIModule;
}

const v3: GenAIModule | undefined = NODE_MAJOR >= 22 ? await import("google-genai-v3") : undefined;

export const VERSIONS: Version[] = [
  { label: "@google/genai 1.x", sdk: genaiV1 },
  { label: "@google/genai 2.x", sdk: genaiV2 },
  ...(v3 ? [{ label: "@google/genai 3.x", sdk: v3 }] : []),
];

export const MODEL = "gemini-2.5-flash";
export const MODEL_VERSION = "gemini-2.5-flash-001";

/** One scripted reply. */
export type Reply =
  | { json: unknown; status?: number }
  | { sse: unknown[]; cut?: boolean; delayMs?: number }
  | { raw: string; status?: number; contentType?: string };

export interface GeminiServer {
  readonly baseUrl: string;
  /** Every request: path and parsed body. */
  readonly requests: Array<{ path: string; body: Record<string, unknown> }>;
  /** Queues replies for the next requests. */
  reply(...replies: Reply[]): void;
  /** Replies queued and not used yet. */
  pending(): number;
  /** Drops the queued replies and the recorded requests. */
  clear(): void;
  close(): Promise<void>;
}

export async function startGeminiServer(): Promise<GeminiServer> {
  const queue: Reply[] = [];
  const requests: Array<{ path: string; body: Record<string, unknown> }> = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(parts).toString("utf8")) as Record<string, unknown>;
      } catch {
        // not JSON
      }
      requests.push({ path: req.url ?? "", body });
      // No Date header: the SDK copies the headers into each result, which is compared across calls.
      res.sendDate = false;
      const next = queue.shift();
      if (!next) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: 500, message: "no scripted reply", status: "INTERNAL" } }));
        return;
      }
      if ("json" in next) {
        res.writeHead(next.status ?? 200, { "content-type": "application/json" });
        res.end(JSON.stringify(next.json));
      } else if ("raw" in next) {
        res.writeHead(next.status ?? 200, { "content-type": next.contentType ?? "application/json" });
        res.end(next.raw);
      } else {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const frames = next.sse.map((c) => `data: ${typeof c === "string" ? c : JSON.stringify(c)}\r\n\r\n`);
        const write = (i: number): void => {
          if (i >= frames.length) {
            if (next.cut) res.destroy();
            else res.end();
            return;
          }
          res.write(frames[i]);
          setTimeout(() => write(i + 1), next.delayMs ?? 1);
        };
        write(0);
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => queue.push(...replies),
    pending: () => queue.length,
    clear: () => {
      queue.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A client of version `v` pointed at the server (Gemini API mode, or Vertex AI mode). */
export function client(v: Version, server: GeminiServer, options: { vertexai?: boolean } = {}): GenAIModule {
  const { GoogleGenAI } = v.sdk;
  if (options.vertexai) {
    // Vertex AI express mode (an API key): no Google auth library round trip.
    return new GoogleGenAI({ vertexai: true, apiKey: "fake-key", httpOptions: { baseUrl: server.baseUrl } });
  }
  return new GoogleGenAI({ apiKey: "fake-key", httpOptions: { baseUrl: server.baseUrl } });
}

/** A `generateContent` response body. */
export function response(options: {
  text?: string;
  parts?: unknown[];
  finishReason?: string;
  usage?: Record<string, number>;
  modelVersion?: string;
  responseId?: string;
  promptFeedback?: unknown;
  candidates?: unknown[];
} = {}): Record<string, unknown> {
  const parts = options.parts ?? [{ text: options.text ?? "Sunny, 21°C." }];
  return {
    candidates: options.candidates ?? [{ content: { role: "model", parts }, finishReason: options.finishReason ?? "STOP", index: 0 }],
    usageMetadata: options.usage ?? { promptTokenCount: 12, candidatesTokenCount: 5, totalTokenCount: 17 },
    modelVersion: options.modelVersion ?? MODEL_VERSION,
    responseId: options.responseId ?? "resp-1",
    ...(options.promptFeedback ? { promptFeedback: options.promptFeedback } : {}),
  };
}

/** Stream chunks for `pieces` of text: every chunk carries the usage so far, the last the final counts. */
export function streamChunks(pieces: string[], final: Record<string, number>): Record<string, unknown>[] {
  return pieces.map((text, i) => {
    const last = i === pieces.length - 1;
    return {
      candidates: [{ content: { role: "model", parts: [{ text }] }, ...(last ? { finishReason: "STOP" } : {}), index: 0 }],
      usageMetadata: last ? final : { promptTokenCount: final.promptTokenCount, candidatesTokenCount: i + 1, totalTokenCount: (final.promptTokenCount ?? 0) + i + 1 },
      modelVersion: MODEL_VERSION,
      responseId: "resp-stream",
    };
  });
}
