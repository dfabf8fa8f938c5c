/**
 * Settings of the `otlp` exporter: the `otlp` init option, then the standard OpenTelemetry
 * environment variables (signal-specific first), then the OTLP defaults. Bad values are reported
 * and replaced, never thrown.
 *
 * | setting | option | environment |
 * |---|---|---|
 * | endpoint (full URL) | `otlp.endpoint` | `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`; default `http://localhost:4318/v1/traces` |
 * | headers | `otlp.headers` | `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`, values URL-encoded) |
 * | protocol | `otlp.protocol` | `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf` (default) or `http/json` |
 * | compression | `otlp.compression` | `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`, `OTEL_EXPORTER_OTLP_COMPRESSION`: `gzip` or `none` (default) |
 * | timeout (ms) | `otlp.timeoutMs` | `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT`; default: the `timeoutMs` option |
 * | `service.name` | `otlp.serviceName` | `OTEL_SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES`; default `unknown_service:node` |
 * | resource attributes | `otlp.resourceAttributes` | `OTEL_RESOURCE_ATTRIBUTES` (`k=v,…`) |
 */
import { logger } from "../util/logger.js";
import { processEnvAndArgv } from "../util/runtime.js";

export type OtlpProtocol = "http/protobuf" | "http/json";
export type OtlpCompression = "gzip" | "none";

/** The `otlp` init option. Each field overrides its environment variable. */
export interface OtlpOptions {
  /** Full URL of the traces endpoint, e.g. `http://collector:4318/v1/traces`. */
  endpoint?: string;
  /** Extra request headers (e.g. an `Authorization` or a vendor API key header). Never logged. */
  headers?: Record<string, string>;
  protocol?: OtlpProtocol;
  compression?: OtlpCompression;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
  /** The resource's `service.name`. */
  serviceName?: string;
  /** More resource attributes. */
  resourceAttributes?: Record<string, string | number | boolean>;
}

/** The `otlp` settings after options, environment and defaults. */
export interface ResolvedOtlpConfig {
  endpoint: string;
  headers: Record<string, string>;
  protocol: OtlpProtocol;
  compression: OtlpCompression;
  timeoutMs: number | undefined;
  serviceName: string;
  resourceAttributes: Record<string, string | number | boolean>;
}

export const DEFAULT_OTLP_ENDPOINT = "http://localhost:4318/v1/traces";
const DEFAULT_SERVICE_NAME = "unknown_service:node";

type Env = Record<string, string | undefined>;

function env(e: Env, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = e[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `k=v,k2=v2` (the W3C baggage-like list the OTel variables use); malformed members are reported and skipped. */
export function parseKeyValueList(raw: string | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const member of raw.split(",")) {
    if (!member.trim()) continue;
    const eq = member.indexOf("=");
    const key = eq > 0 ? decode(member.slice(0, eq).trim()) : "";
    if (!key) {
      logger.once("warn", `otlp-kv:${what}`, `${what} has a malformed entry (expected key=value); it was skipped`);
      continue;
    }
    out[key] = decode(member.slice(eq + 1).trim());
  }
  return out;
}

function signalEndpoint(base: string): string {
  return base.endsWith("/") ? `${base}v1/traces` : `${base}/v1/traces`;
}

function pick<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value.trim().toLowerCase())) return value.trim().toLowerCase() as T;
  if (value !== undefined) logger.warn(`${name} must be one of ${allowed.join(", ")} (got ${JSON.stringify(String(value).slice(0, 40))}); using ${fallback}`);
  return fallback;
}

/** Resolves the `otlp` settings. Never throws. */
export function resolveOtlpConfig(input: unknown, e: Env = processEnvAndArgv().env ?? {}): ResolvedOtlpConfig {
  const o: OtlpOptions = input !== null && typeof input === "object" && !Array.isArray(input) ? (input as OtlpOptions) : {};
  if (input !== undefined && o !== input) logger.warn("option otlp must be an object; using the environment and defaults");

  let endpoint: string;
  if (typeof o.endpoint === "string" && o.endpoint.trim()) endpoint = o.endpoint.trim();
  else {
    if (o.endpoint !== undefined) logger.warn("option otlp.endpoint must be a URL string; using the environment or the default");
    const specific = env(e, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    const general = env(e, "OTEL_EXPORTER_OTLP_ENDPOINT");
    endpoint = specific?.value ?? (general ? signalEndpoint(general.value) : DEFAULT_OTLP_ENDPOINT);
  }

  const headers: Record<string, string> = {
    ...parseKeyValueList(env(e, "OTEL_EXPORTER_OTLP_HEADERS")?.value, "OTEL_EXPORTER_OTLP_HEADERS"),
    ...parseKeyValueList(env(e, "OTEL_EXPORTER_OTLP_TRACES_HEADERS")?.value, "OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
  };
  if (o.headers !== undefined) {
    if (o.headers !== null && typeof o.headers === "object") {
      for (const [k, v] of Object.entries(o.headers)) if (typeof v === "string") headers[k] = v;
    } else logger.warn("option otlp.headers must be an object of strings; ignored");
  }
  for (const value of Object.values(headers)) logger.addSecret(value);

  const protocolRaw = o.protocol ?? env(e, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")?.value;
  let protocol: OtlpProtocol;
  if (typeof protocolRaw === "string" && protocolRaw.trim().toLowerCase() === "grpc") {
    logger.warn("OTLP over gRPC is not supported by the otlp exporter; using http/protobuf (point the endpoint at the collector's HTTP port, usually 4318)");
    protocol = "http/protobuf";
  } else protocol = pick("the OTLP protocol", protocolRaw, ["http/protobuf", "http/json"] as const, "http/protobuf");

  const compression = pick(
    "the OTLP compression",
    o.compression ?? env(e, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION")?.value,
    ["gzip", "none"] as const,
    "none",
  );

  let timeoutMs: number | undefined;
  const timeoutRaw = o.timeoutMs ?? env(e, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT")?.value;
  if (timeoutRaw !== undefined) {
    const n = typeof timeoutRaw === "number" ? timeoutRaw : Number(timeoutRaw);
    if (Number.isFinite(n) && n > 0) timeoutMs = Math.floor(n);
    else logger.warn(`the OTLP timeout must be a positive number of ms (got ${JSON.stringify(String(timeoutRaw))}); using the timeoutMs option`);
  }

  const resourceAttributes: Record<string, string | number | boolean> = parseKeyValueList(
    env(e, "OTEL_RESOURCE_ATTRIBUTES")?.value,
    "OTEL_RESOURCE_ATTRIBUTES",
  );
  if (o.resourceAttributes !== null && typeof o.resourceAttributes === "object") {
    for (const [k, v] of Object.entries(o.resourceAttributes)) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") resourceAttributes[k] = v;
    }
  }
  const fromResource = typeof resourceAttributes["service.name"] === "string" ? resourceAttributes["service.name"] : undefined;
  const serviceName =
    (typeof o.serviceName === "string" && o.serviceName.trim() ? o.serviceName.trim() : undefined) ??
    env(e, "OTEL_SERVICE_NAME")?.value ??
    fromResource ??
    DEFAULT_SERVICE_NAME;
  return { endpoint, headers, protocol, compression, timeoutMs, serviceName, resourceAttributes };
}
