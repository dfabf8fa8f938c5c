/**
 * A local OTLP/HTTP collector for the tests: a node:http server that records every request and
 * decodes its body with the official OTLP schema (opentelemetry-proto, as compiled into
 * `@opentelemetry/otlp-transformer`'s generated protobuf module). JSON bodies are checked key by key
 * against the same schema, then converted to the same message, so both encodings are read alike.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { gunzipSync } from "node:zlib";

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const proto = (require("@opentelemetry/otlp-transformer/build/src/generated/root.js") as any).opentelemetry.proto;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ExportTraceServiceRequest = proto.collector.trace.v1.ExportTraceServiceRequest as any;

export type Value =
  | { string: string }
  | { bool: boolean }
  | { int: number }
  | { double: number }
  | { array: Value[] };

/** A decoded span, ids in hex, attributes by key. */
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  traceState: string | undefined;
  flags: number;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, Value>;
  events: Array<{ name: string; timeNs: bigint; attributes: Record<string, Value> }>;
  status: { code: number; message: string | undefined };
  resource: Record<string, Value>;
  scope: { name: string; version: string };
}

export interface Request {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  spans: DecodedSpan[];
  /** Set when the body could not be decoded. */
  error?: string;
}

export type Reply = { status: number; body?: string | Buffer; headers?: Record<string, string> } | "hang";

function hex(b64: string | undefined): string | undefined {
  if (!b64) return undefined;
  return Buffer.from(b64, "base64").toString("hex");
}

function value(v: Record<string, unknown> | undefined): Value {
  if (!v) throw new Error("attribute without value");
  if ("stringValue" in v) return { string: v.stringValue as string };
  if ("boolValue" in v) return { bool: v.boolValue as boolean };
  if ("intValue" in v) return { int: Number(v.intValue) };
  if ("doubleValue" in v) return { double: v.doubleValue as number };
  if ("arrayValue" in v) return { array: (((v.arrayValue as Record<string, unknown>).values as Array<Record<string, unknown>>) ?? []).map(value) };
  throw new Error(`unexpected AnyValue ${JSON.stringify(v)}`);
}

function attrs(list: unknown): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const kv of (list as Array<{ key: string; value: Record<string, unknown> }>) ?? []) {
    if (kv.key in out) throw new Error(`duplicate attribute ${kv.key}`);
    out[kv.key] = value(kv.value);
  }
  return out;
}

const TO_OBJECT = { longs: String, bytes: String, enums: Number, defaults: false, arrays: true };

/** Every key of `json` must be a field of the message (as toObject with defaults lists them). */
function strictKeys(json: unknown, full: unknown, path: string): void {
  if (Array.isArray(json)) {
    if (!Array.isArray(full)) throw new Error(`${path}: not a repeated field`);
    json.forEach((item, i) => strictKeys(item, full[i], `${path}[${i}]`));
    return;
  }
  if (json === null || typeof json !== "object") return;
  if (full === null || typeof full !== "object") throw new Error(`${path}: not a message`);
  for (const key of Object.keys(json)) {
    if (!(key in (full as object))) throw new Error(`${path}.${key}: no such field in the OTLP schema`);
    strictKeys((json as Record<string, unknown>)[key], (full as Record<string, unknown>)[key], `${path}.${key}`);
  }
}

/** OTLP/JSON ids are hex; protobuf JSON (fromObject) expects base64 for bytes. */
function idsToBase64(json: unknown, key?: string): unknown {
  if (Array.isArray(json)) return json.map((x) => idsToBase64(x));
  if (json === null || typeof json !== "object") {
    if (typeof json === "string" && key && ["traceId", "spanId", "parentSpanId"].includes(key)) {
      if (!/^[0-9a-f]*$/.test(json)) throw new Error(`${key} ${json} is not lowercase hex`);
      return Buffer.from(json, "hex").toString("base64");
    }
    return json;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) out[k] = idsToBase64(v, k);
  return out;
}

/** Decodes an OTLP/HTTP trace export body (protobuf or JSON, optionally gzipped). */
export function decodeBody(raw: Buffer, contentType: string | undefined, contentEncoding: string | undefined): DecodedSpan[] {
  const body = contentEncoding === "gzip" ? gunzipSync(raw) : raw;
  let message: unknown;
  if (contentType === "application/x-protobuf") {
    message = ExportTraceServiceRequest.decode(body);
  } else if (contentType === "application/json") {
    const json = JSON.parse(body.toString("utf8")) as unknown;
    const converted = idsToBase64(json);
    message = ExportTraceServiceRequest.fromObject(converted);
    const err = ExportTraceServiceRequest.verify(message);
    if (err) throw new Error(`OTLP/JSON body does not verify: ${err}`);
    strictKeys(converted, ExportTraceServiceRequest.toObject(message, { ...TO_OBJECT, defaults: true }), "request");
  } else throw new Error(`unexpected content-type ${contentType}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const obj = ExportTraceServiceRequest.toObject(message, TO_OBJECT) as any;
  const out: DecodedSpan[] = [];
  for (const rs of obj.resourceSpans ?? []) {
    const resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hex(s.traceId)!,
          spanId: hex(s.spanId)!,
          parentSpanId: hex(s.parentSpanId),
          traceState: s.traceState || undefined,
          flags: s.flags ?? 0,
          name: s.name,
          kind: s.kind ?? 0,
          startNs: BigInt(s.startTimeUnixNano ?? 0),
          endNs: BigInt(s.endTimeUnixNano ?? 0),
          attributes: attrs(s.attributes),
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          events: (s.events ?? []).map((e: any) => ({ name: e.name, timeNs: BigInt(e.timeUnixNano ?? 0), attributes: attrs(e.attributes) })),
          status: { code: s.status?.code ?? 0, message: s.status?.message || undefined },
          resource,
          scope: { name: ss.scope?.name, version: ss.scope?.version },
        });
      }
    }
  }
  return out;
}

/** A local OTLP/HTTP receiver. */
export class OtlpCollector {
  readonly requests: Request[] = [];
  private server: Server | undefined;
  private responder: ((req: Request, index: number) => Reply | undefined) | undefined;
  private readonly hanging = new Set<ServerResponse>();
  url = "";

  respond(fn: ((req: Request, index: number) => Reply | undefined) | undefined): void {
    this.responder = fn;
  }

  /** Every span received, in arrival order. */
  get spans(): DecodedSpan[] {
    return this.requests.flatMap((r) => r.spans);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks);
        const request: Request = { path: req.url ?? "", headers: req.headers, raw, spans: [] };
        try {
          request.spans = decodeBody(raw, req.headers["content-type"], req.headers["content-encoding"] as string | undefined);
        } catch (err) {
          request.error = String(err);
        }
        this.requests.push(request);
        const reply = this.responder?.(request, this.requests.length - 1) ?? { status: 200 };
        if (reply === "hang") {
          this.hanging.add(res);
          return;
        }
        res.writeHead(reply.status, { "content-type": req.headers["content-type"] ?? "application/json", ...reply.headers });
        res.end(reply.body ?? "");
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/v1/traces`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`condition not met in ${timeoutMs} ms; got ${this.requests.length} request(s)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** Plain JS value of a decoded attribute (for compact assertions). */
export function plain(v: Value | undefined): unknown {
  if (v === undefined) return undefined;
  if ("string" in v) return v.string;
  if ("bool" in v) return v.bool;
  if ("int" in v) return v.int;
  if ("double" in v) return v.double;
  return v.array.map(plain);
}
