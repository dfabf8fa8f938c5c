/** `exporter: "otlp"` / `"otel"` and the OTEL_* environment. */
import { afterEach, describe, expect, it } from "vitest";
import { logger, resolveConfig, shutdown } from "../../src/index.js";
import { resolveOtlpConfig } from "../../src/config/otlp.js";
import { createExporters } from "../../src/export/exporter-factory.js";

afterEach(async () => {
  await shutdown();
});

describe("otlp settings", () => {
  it("defaults to the local collector, protobuf, no compression", () => {
    expect(resolveOtlpConfig(undefined, {})).toEqual({
      endpoint: "http://localhost:4318/v1/traces",
      headers: {},
      protocol: "http/protobuf",
      compression: "none",
      timeoutMs: undefined,
      serviceName: "unknown_service:node",
      resourceAttributes: {},
    });
  });

  it("reads the standard variables, signal-specific first", () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com/",
      OTEL_EXPORTER_OTLP_HEADERS: "x-team=a%20b, authorization=Bearer%20k1",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "authorization=Bearer%20k2",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
      OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod,service.name=from-resource",
      OTEL_SERVICE_NAME: "checkout",
    };
    expect(resolveOtlpConfig(undefined, env)).toEqual({
      endpoint: "https://otel.example.com/v1/traces",
      headers: { "x-team": "a b", authorization: "Bearer k2" },
      protocol: "http/json",
      compression: "gzip",
      timeoutMs: 2500,
      serviceName: "checkout",
      resourceAttributes: { "deployment.environment": "prod", "service.name": "from-resource" },
    });
    expect(resolveOtlpConfig(undefined, { ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://t.example.com/custom" }).endpoint).toBe("https://t.example.com/custom");
    expect(resolveOtlpConfig(undefined, { OTEL_RESOURCE_ATTRIBUTES: "service.name=svc" }).serviceName).toBe("svc");
  });

  it("lets options win, and never logs header values", () => {
    const lines: string[] = [];
    logger.setSink((_level, line) => lines.push(line));
    logger.setLevel("debug");
    try {
      const c = resolveOtlpConfig(
        { endpoint: "https://x.example/v1/traces", headers: { "x-api-key": "topsecret-123" }, protocol: "http/json", serviceName: "mine" },
        { OTEL_EXPORTER_OTLP_ENDPOINT: "https://env.example", OTEL_SERVICE_NAME: "env", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
      );
      expect(c).toMatchObject({ endpoint: "https://x.example/v1/traces", headers: { "x-api-key": "topsecret-123" }, protocol: "http/json", serviceName: "mine" });
      logger.warn("header is topsecret-123");
      expect(lines.join("\n")).not.toContain("topsecret-123");
    } finally {
      logger.setSink(undefined);
      logger.setLevel("warn");
    }
  });

  it("replaces bad values with defaults (grpc is not supported)", () => {
    logger.setLevel("silent");
    const c = resolveOtlpConfig({ compression: "brotli" as never }, { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_TIMEOUT: "soon", OTEL_EXPORTER_OTLP_HEADERS: "novalue,=x,k=v" });
    expect(c).toMatchObject({ protocol: "http/protobuf", compression: "none", timeoutMs: undefined, headers: { k: "v" } });
  });
});

describe('exporter names "otlp" and "otel"', () => {
  it("are accepted in options and in TRACIUM_EXPORTER, alongside others", () => {
    const fromEnv = resolveConfig({ logLevel: "silent" }, { TRACIUM_EXPORTER: "tracium, otlp,otel", TRACIUM_API_KEY: "k", OTEL_SERVICE_NAME: "svc" });
    expect(fromEnv.exporters).toEqual(["tracium", "otlp", "otel"]);
    expect(fromEnv.otlp?.serviceName).toBe("svc");
    const exporters = createExporters(fromEnv);
    expect(exporters.map((e) => e.name)).toEqual(["tracium", "otlp", "otel"]);
    return Promise.all(exporters.map((e) => e.shutdown(100)));
  });

  it("resolves the otlp settings only when the otlp exporter is used", () => {
    expect(resolveConfig({ exporter: "memory", logLevel: "silent" }, { OTEL_EXPORTER_OTLP_PROTOCOL: "nonsense" }).otlp).toBeUndefined();
    expect(resolveConfig({ exporter: ["otlp"], otlp: { protocol: "http/json" }, logLevel: "silent" }, {}).otlp?.protocol).toBe("http/json");
  });
});
