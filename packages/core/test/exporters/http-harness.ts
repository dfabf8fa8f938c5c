/**
 * Shared set-up of the HTTP exporter tests: a fresh local collector per test, captured logs that
 * must never contain the API key, no unhandled rejection in the whole file, and `make()` for an
 * exporter pointed at the collector with fast retries (shut down after each test).
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { TraciumHttpExporter, type TraciumHttpExporterOptions } from "../../src/export/exporters/tracium-http.js";
import { Collector } from "./collector.js";
import { API_KEY, captureLogs, keyLeaks } from "./fixtures.js";

export interface HttpHarness {
  readonly collector: Collector;
  readonly logs: ReturnType<typeof captureLogs>;
  make(over?: Partial<TraciumHttpExporterOptions>): TraciumHttpExporter;
}

export function useHttpHarness(): HttpHarness {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  beforeAll(() => void process.on("unhandledRejection", onUnhandled));
  afterAll(() => {
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled).toEqual([]);
  });

  let collector: Collector;
  let logs: ReturnType<typeof captureLogs>;
  let exporter: TraciumHttpExporter | undefined;

  beforeEach(async () => {
    logs = captureLogs();
    collector = new Collector();
    await collector.start();
  });

  afterEach(async () => {
    await exporter?.shutdown(200);
    exporter = undefined;
    await collector.stop();
    logs.restore();
    expect(keyLeaks(logs.lines)).toEqual([]);
  });

  return {
    get collector() {
      return collector;
    },
    get logs() {
      return logs;
    },
    make(over = {}) {
      exporter = new TraciumHttpExporter({
        apiKey: API_KEY,
        baseUrl: collector.url,
        sdkVersion: "1.2.3",
        flushIntervalMs: 10,
        retryBaseMs: 5,
        retryMaxMs: 20,
        ...over,
      });
      return exporter;
    },
  };
}
