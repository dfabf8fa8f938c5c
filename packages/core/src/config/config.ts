import type { Exporter } from "../model/records.js";
import { appPackageName } from "../util/app-name.js";
import { hasFileSystem, isEdgeRuntime, processEnvAndArgv } from "../util/runtime.js";
import { isLogLevel, logger, type LogLevel } from "../util/logger.js";
import { sanitizeAgentName, type RedactFn } from "../capture/sanitize.js";
import { resolveOtlpConfig, type OtlpOptions, type ResolvedOtlpConfig } from "./otlp.js";
import { resolvePrices } from "../model/cost/options.js";
import type { UserModelPrice } from "../model/cost/types.js";

/**
 * Names of the built-in exporters. `otlp`: OTLP/HTTP to an OpenTelemetry collector or backend
 * (settings: the `otlp` option and the `OTEL_EXPORTER_OTLP_*` variables); `otel`: through the app's
 * registered OpenTelemetry tracer provider.
 */
export type ExporterName = "tracium" | "file" | "console" | "memory" | "none" | "otlp" | "otel";

export type { RedactFn };

/** Options for `init()`. Each has an environment variable where one is listed. */
export interface TraciumOptions {
  /** API key for the Tracium API. Env: `TRACIUM_API_KEY`. */
  apiKey?: string;
  /** Base URL of the Tracium API, without `/v1`. Env: `TRACIUM_BASE_URL`. */
  baseUrl?: string;
  /** Where records go: a built-in exporter name, an exporter object, or several. Env: `TRACIUM_EXPORTER` (comma-separated). */
  exporter?: ExporterName | Exporter | ReadonlyArray<ExporterName | Exporter>;
  /** File for the `file` exporter. Env: `TRACIUM_FILE`. Default `.tracium/traces.jsonl`. */
  filePath?: string;
  /** Set to false to turn tracing off (user code still runs unchanged). Env: `TRACIUM_ENABLED`. */
  enabled?: boolean;
  /** Record prompts and outputs. When false, models, tokens and timings are kept. Env: `TRACIUM_CAPTURE_CONTENT`. */
  captureContent?: boolean;
  /** Fraction of traces kept, 0..1. Env: `TRACIUM_SAMPLE_RATE`. */
  sampleRate?: number;
  /** Agent name for implicit traces. Env: `TRACIUM_AGENT_NAME`. Default: the app's package name (`npm_package_name`, else the package.json nearest to the main script), else "app". */
  defaultAgentName?: string;
  /** Workspace id sent with each trace. Env: `TRACIUM_WORKSPACE_ID`. */
  workspaceId?: string;
  /** Log level of the `tracium` logger. Env: `TRACIUM_LOG_LEVEL`. Default "warn". */
  logLevel?: LogLevel;
  /** Flush each trace before `agentTrace` resolves (serverless). Env: `TRACIUM_FORCE_SYNC`. Detected on AWS Lambda, Vercel, Netlify, Google Cloud Functions, Azure Functions, Cloudflare Workers and edge runtimes; `withTraceFlush` hands the flush to `waitUntil` instead. */
  forceSync?: boolean;
  /**
   * Serverless mode: the most time `agentTrace` spends delivering its trace, in ms (one attempt; a
   * failing API then costs ~0 ms per trace until it answers again). Env: `TRACIUM_SYNC_BUDGET_MS`.
   * Default 1000.
   */
  syncBudgetMs?: number;
  /** Model id for traces that set none and have no `llm` span. */
  defaultModelId?: string;
  /** App version sent with each trace. */
  defaultVersion?: string;
  /** Tags added to every trace. */
  defaultTags?: string[];
  /** Metadata merged into every trace. */
  defaultMetadata?: Record<string, unknown>;
  /** Extra masking applied to every recorded value, in addition to the built-in secret-key and credential-format redaction. */
  redact?: RedactFn;
  /** Maximum records waiting for delivery. Default 10000. */
  maxQueueSize?: number;
  /** Maximum spans per request. Default 1000. */
  maxBatchSize?: number;
  /** How often queued records are sent, in ms. Default 1000. Env: `TRACIUM_FLUSH_INTERVAL_MS`. */
  flushIntervalMs?: number;
  /** Timeout of each HTTP request, and the default of `flush()`/`shutdown()`, in ms. Default 10000. */
  timeoutMs?: number;
  /** Allow `http://` to a non-loopback host. Default false. */
  allowInsecureHttp?: boolean;
  /**
   * The fetch the HTTP exporters send with (tests, proxies), instead of the built-in transport (pipelined HTTP/1.1 over `node:net`/`node:tls`). Each request
   * is a POST whose body is JSON text or, for batches (spans, OTLP), its bytes (`Uint8Array`).
   */
  fetch?: typeof fetch;
  /** Settings of the `otlp` exporter; each overrides its `OTEL_EXPORTER_OTLP_*` / `OTEL_SERVICE_NAME` variable. */
  otlp?: OtlpOptions;
  /** Price `llm` and `embedding` spans (the price table is then never loaded when false). Env: `TRACIUM_COST`. Default true. */
  cost?: boolean;
  /** Your own prices, in US dollars per million tokens, by model id; they win over the price table. */
  prices?: Record<string, UserModelPrice>;
  /** Fetch newer price data in the background at start-up, where the network allows. Env: `TRACIUM_PRICES_UPDATE`. Default false. */
  pricesUpdate?: boolean;
}

/** Options after defaults, environment and validation. */
export interface ResolvedConfig {
  apiKey: string | undefined;
  baseUrl: string;
  exporters: ReadonlyArray<ExporterName | Exporter>;
  /** True when no exporter was configured and the default was chosen. */
  exporterDefaulted: boolean;
  filePath: string;
  enabled: boolean;
  captureContent: boolean;
  sampleRate: number;
  defaultAgentName: string;
  workspaceId: string | undefined;
  logLevel: LogLevel;
  forceSync: boolean;
  syncBudgetMs: number;
  defaultModelId: string | undefined;
  defaultVersion: string | undefined;
  defaultTags: string[];
  defaultMetadata: Record<string, unknown>;
  redact: RedactFn | undefined;
  maxQueueSize: number;
  maxBatchSize: number;
  flushIntervalMs: number;
  timeoutMs: number;
  allowInsecureHttp: boolean;
  fetch: typeof fetch | undefined;
  /** Settings of the `otlp` exporter, resolved only when it is configured. */
  otlp: ResolvedOtlpConfig | undefined;
  cost: boolean;
  prices: ReadonlyMap<string, UserModelPrice>;
  pricesUpdate: boolean;
}

export const DEFAULT_BASE_URL = "https://api.tracium.ai";
export const DEFAULT_FILE_PATH = ".tracium/traces.jsonl";
const EXPORTER_NAMES: readonly ExporterName[] = ["tracium", "file", "console", "memory", "none", "otlp", "otel"];
const SERVERLESS_ENV = ["AWS_LAMBDA_FUNCTION_NAME", "VERCEL", "NETLIFY", "FUNCTION_TARGET", "FUNCTIONS_WORKER_RUNTIME"];

type Env = Record<string, string | undefined>;

function bad(name: string, value: unknown, fallback: unknown): void {
  logger.warn(`option ${name} has an invalid value (${describeValue(value)}); using ${JSON.stringify(fallback)}`);
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol" || typeof value === "bigint") return typeof value;
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}

function parseBool(raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const v = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  return undefined;
}

function str(name: string, value: unknown, envRaw: string | undefined): string | undefined {
  if (value !== undefined && value !== null) {
    if (typeof value === "string" && value.trim() !== "") return value.trim();
    bad(name, value, envRaw ?? null);
  }
  return envRaw?.trim() || undefined;
}

function bool(name: string, value: unknown, envName: string, env: Env, fallback: boolean): boolean {
  if (value !== undefined) {
    if (typeof value === "boolean") return value;
    bad(name, value, fallback);
  }
  const raw = env[envName];
  const parsed = parseBool(raw);
  if (raw !== undefined && raw.trim() !== "" && parsed === undefined) bad(envName, raw, fallback);
  return parsed ?? fallback;
}

function int(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isFinite(value) && value >= min && value <= max) return Math.floor(value);
  bad(name, value, fallback);
  return fallback;
}

/** An integer option, else its environment variable, else `fallback`; bad values are logged. */
function envInt(name: string, value: unknown, envName: string, env: Env, fallback: number, min: number, max: number): number {
  if (value !== undefined) return int(name, value, fallback, min, max);
  const raw = env[envName]?.trim();
  if (!raw) return fallback;
  return int(envName, /^\d+$/.test(raw) ? Number(raw) : raw, fallback, min, max);
}

function sampleRate(value: unknown, env: Env): number {
  const raw = value ?? (env.TRACIUM_SAMPLE_RATE?.trim() ? Number(env.TRACIUM_SAMPLE_RATE) : undefined);
  if (raw === undefined) return 1;
  if (typeof raw === "number" && raw >= 0 && raw <= 1) return raw;
  bad("sampleRate", value ?? env.TRACIUM_SAMPLE_RATE, 1);
  return 1;
}

function exporters(value: unknown, env: Env, apiKey: string | undefined): ReadonlyArray<ExporterName | Exporter> {
  // Without a file system (Workers, edge), the local default is the console.
  const fallback: ExporterName[] = [apiKey ? "tracium" : hasFileSystem() ? "file" : "console"];
  const raw: unknown = value ?? (env.TRACIUM_EXPORTER?.trim() ? env.TRACIUM_EXPORTER.split(",") : undefined);
  if (raw === undefined) return fallback;
  const list = Array.isArray(raw) ? raw : [raw];
  const out: Array<ExporterName | Exporter> = [];
  const invalid: unknown[] = [];
  for (const item of list) {
    const name = typeof item === "string" ? item.trim().toLowerCase() : item;
    if (typeof name === "string" && (EXPORTER_NAMES as readonly string[]).includes(name)) out.push(name as ExporterName);
    else if (isExporter(name)) out.push(name);
    else invalid.push(item);
  }
  if (out.length === 0) {
    bad("exporter", invalid.length === 1 ? invalid[0] : raw, fallback[0]);
    return fallback;
  }
  // Said as it is: the valid ones are used, without the fallback.
  for (const item of invalid) logger.warn(`option exporter has an invalid value (${describeValue(item)}); ignored (known: ${EXPORTER_NAMES.join(", ")})`);
  return out;
}

export function isExporter(value: unknown): value is Exporter {
  const v = value as Partial<Exporter> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.export === "function" &&
    typeof v.flush === "function" &&
    typeof v.shutdown === "function"
  );
}

function tagList(value: unknown): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((t) => typeof t === "string")) return [...value];
  bad("defaultTags", value, []);
  return [];
}

function record(name: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return { ...(value as Record<string, unknown>) };
  bad(name, value, {});
  return {};
}

/**
 * The API base URL: `https://` added when no scheme is given; any scheme but http(s), or a URL
 * that does not parse, is refused (logged) and the default is used.
 */
function resolveBaseUrl(raw: string | undefined): string {
  if (raw === undefined) return DEFAULT_BASE_URL;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "http" && scheme !== "https") {
    logger.warn(`baseUrl / TRACIUM_BASE_URL: unsupported scheme "${scheme}:" (only http:// and https://); using ${DEFAULT_BASE_URL}`);
    return DEFAULT_BASE_URL;
  }
  const url = (scheme === undefined ? `https://${raw}` : raw).replace(/\/+$/, "");
  try {
    new URL(url);
  } catch {
    logger.warn(`baseUrl / TRACIUM_BASE_URL: ${describeValue(raw)} is not a valid URL; using ${DEFAULT_BASE_URL}`);
    return DEFAULT_BASE_URL;
  }
  return url;
}

/** The agent name of implicit traces: the option or `TRACIUM_AGENT_NAME`, fixed up like any agent name. */
function defaultAgentName(raw: string | undefined, apiKey: string | undefined, env: Env): string {
  const pkg = appPackageName(env, processEnvAndArgv().argv?.[1]);
  const fallback = pkg ? sanitizeAgentName(pkg, "app") : "app";
  return raw === undefined ? fallback : sanitizeAgentName(raw, fallback, apiKey ? [apiKey] : undefined);
}

/** Merges options, environment and defaults; never throws, logs each bad value. */
export function resolveConfig(input: unknown, env: Env = processEnvAndArgv().env ?? {}): ResolvedConfig {
  let options: TraciumOptions = {};
  if (input !== undefined && input !== null) {
    if (typeof input === "object" && !Array.isArray(input)) options = input as TraciumOptions;
    else bad("init options", input, {});
  }
  const rawLevel = options.logLevel ?? env.TRACIUM_LOG_LEVEL?.trim().toLowerCase();
  const logLevel: LogLevel = isLogLevel(rawLevel) ? rawLevel : "warn";
  logger.setLevel(logLevel);
  if (rawLevel !== undefined && !isLogLevel(rawLevel)) bad("logLevel", rawLevel, "warn");

  const apiKey = str("apiKey", options.apiKey, env.TRACIUM_API_KEY);
  logger.addSecret(apiKey);
  const baseUrl = resolveBaseUrl(str("baseUrl", options.baseUrl, env.TRACIUM_BASE_URL));
  const forceSyncEnv = parseBool(env.TRACIUM_FORCE_SYNC);
  // Workers and edge runtimes freeze the isolate after the response, as serverless functions do.
  const serverless = SERVERLESS_ENV.some((k) => env[k] !== undefined && env[k] !== "") || isEdgeRuntime();

  const redact = options.redact;
  if (redact !== undefined && typeof redact !== "function") bad("redact", redact, null);
  const fetchImpl = options.fetch;
  if (fetchImpl !== undefined && typeof fetchImpl !== "function") bad("fetch", fetchImpl, null);

  const exporterList = exporters(options.exporter, env, apiKey);
  return {
    apiKey,
    baseUrl,
    exporters: exporterList,
    exporterDefaulted: options.exporter === undefined && !env.TRACIUM_EXPORTER?.trim(),
    filePath: str("filePath", options.filePath, env.TRACIUM_FILE) ?? DEFAULT_FILE_PATH,
    enabled: bool("enabled", options.enabled, "TRACIUM_ENABLED", env, true),
    captureContent: bool("captureContent", options.captureContent, "TRACIUM_CAPTURE_CONTENT", env, true),
    sampleRate: sampleRate(options.sampleRate, env),
    defaultAgentName: defaultAgentName(str("defaultAgentName", options.defaultAgentName, env.TRACIUM_AGENT_NAME), apiKey, env),
    workspaceId: str("workspaceId", options.workspaceId, env.TRACIUM_WORKSPACE_ID),
    logLevel,
    forceSync: bool("forceSync", options.forceSync, "TRACIUM_FORCE_SYNC", env, forceSyncEnv ?? serverless),
    syncBudgetMs: envInt("syncBudgetMs", options.syncBudgetMs, "TRACIUM_SYNC_BUDGET_MS", env, 1_000, 0, 600_000),
    defaultModelId: str("defaultModelId", options.defaultModelId, undefined),
    defaultVersion: str("defaultVersion", options.defaultVersion, undefined),
    defaultTags: tagList(options.defaultTags),
    defaultMetadata: record("defaultMetadata", options.defaultMetadata),
    redact: typeof redact === "function" ? redact : undefined,
    maxQueueSize: int("maxQueueSize", options.maxQueueSize, 10_000, 1, 10_000_000),
    maxBatchSize: int("maxBatchSize", options.maxBatchSize, 1000, 1, 1000),
    flushIntervalMs: envInt("flushIntervalMs", options.flushIntervalMs, "TRACIUM_FLUSH_INTERVAL_MS", env, 1000, 1, 3_600_000),
    timeoutMs: int("timeoutMs", options.timeoutMs, 10_000, 1, 600_000),
    allowInsecureHttp: bool("allowInsecureHttp", options.allowInsecureHttp, "TRACIUM_ALLOW_INSECURE_HTTP", env, false),
    fetch: typeof fetchImpl === "function" ? fetchImpl : undefined,
    otlp: exporterList.includes("otlp") ? resolveOtlpConfig(options.otlp, env) : undefined,
    cost: bool("cost", options.cost, "TRACIUM_COST", env, true),
    prices: resolvePrices(options.prices, bad),
    pricesUpdate: bool("pricesUpdate", options.pricesUpdate, "TRACIUM_PRICES_UPDATE", env, false),
  };
}
