import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { ExporterName, ResolvedConfig } from "../config/config.js";
import { ConsoleExporter, FileExporter, MemoryExporter, NoopExporter, TraciumHttpExporter } from "./exporters/index.js";
import { logger } from "../util/logger.js";
import { OtelBridgeExporter } from "./otel-bridge/bridge.js";
import { resolveOtlpConfig } from "../config/otlp.js";
import { OtlpHttpExporter } from "./otlp/exporter.js";
import type { Exporter } from "../model/records.js";
import { SDK_VERSION } from "../util/version.js";

/** Builds the exporters named in the configuration; a failing one is reported and skipped. */
export function createExporters(config: ResolvedConfig): Exporter[] {
  const out: Exporter[] = [];
  for (const item of config.exporters) {
    if (typeof item !== "string") {
      out.push(item);
      continue;
    }
    try {
      out.push(build(item, config));
    } catch (err) {
      logger.error(`could not create the "${item}" exporter; traces will not be sent there`, err);
    }
  }
  return out;
}

/**
 * Says where traces go when no API key is set (the documented default). Shown when the trace file
 * does not exist yet, so a first run says it once; later runs log it at info only.
 */
function announceLocalFile(path: string): void {
  let fresh = false;
  try {
    fresh = !existsSync(path);
  } catch {
    // not knowing only changes the level of one log line
  }
  logger.once(
    fresh ? "warn" : "info",
    "file-notice",
    `no TRACIUM_API_KEY set: traces are written to ${path} (see them with \`npx @tracium/sdk view\`)`,
  );
}

function build(name: ExporterName, config: ResolvedConfig): Exporter {
  switch (name) {
    case "tracium":
      if (!config.apiKey) {
        logger.warn("exporter \"tracium\" needs an API key (TRACIUM_API_KEY); nothing will be sent");
        return new NoopExporter();
      }
      return new TraciumHttpExporter({
        apiKey: config.apiKey,
        baseUrl: config.baseUrl,
        sdkVersion: SDK_VERSION,
        fetch: config.fetch,
        timeoutMs: config.timeoutMs,
        maxQueueSize: config.maxQueueSize,
        maxBatchSize: config.maxBatchSize,
        flushIntervalMs: config.flushIntervalMs,
        allowInsecureHttp: config.allowInsecureHttp,
      });
    case "file": {
      const path = resolve(config.filePath);
      if (config.exporterDefaulted) announceLocalFile(path);
      return new FileExporter({ path });
    }
    case "console":
      return new ConsoleExporter();
    case "memory":
      return new MemoryExporter();
    case "none":
      return new NoopExporter();
    case "otlp": {
      const otlp = config.otlp ?? resolveOtlpConfig(undefined);
      return new OtlpHttpExporter({
        ...otlp,
        timeoutMs: otlp.timeoutMs ?? config.timeoutMs,
        captureContent: config.captureContent,
        fetch: config.fetch,
        maxQueueSize: config.maxQueueSize,
        flushIntervalMs: config.flushIntervalMs,
        allowInsecureHttp: config.allowInsecureHttp,
      });
    }
    case "otel":
      return new OtelBridgeExporter({ captureContent: config.captureContent });
  }
}
