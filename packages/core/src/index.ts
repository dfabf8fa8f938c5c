/**
 * @tracium/core: the trace/span engine of Tracium for TypeScript.
 * Users install `@tracium/sdk`, which re-exports everything here and registers the built-in plugins.
 */
export { init, getClient, isInitialized, agentTrace, startTrace, span, startSpan, currentTrace, currentSpan, flush, shutdown, stats } from "./api.js";
export { withTraceFlush, flushInBackground, type WaitUntilContext } from "./flush-hooks.js";
export { TraciumClient, type ClientStats } from "./client.js";
export { resolveConfig, DEFAULT_BASE_URL, DEFAULT_FILE_PATH, type TraciumOptions, type ResolvedConfig, type ExporterName, type RedactFn } from "./config.js";
export { activeContext, runInSpanContext, runOutsideContext, type ContextStore } from "./context.js";
export { logger, type LogLevel, type LogSink, type TraciumLogger } from "./logger.js";
export { registerPlugin, registeredPlugins, instrument, uninstrument, type TraciumPlugin } from "./plugins.js";
export { wrapMethod, unwrapMethod, isWrapped } from "./patch.js";
export { patchProviderModule, packageOfModule, testedRangeOf, versionOfValue, type ProviderModuleVerdict } from "./compat.js";
export { versionInRange, parseVersion } from "./versions.js";
export { captureContext, runInContext, bindContext, type CapturedContext } from "./propagation.js";
export type { SpanData, TraceData, TraceLink, TokenUsage, Status, ExportRecord, Exporter, ExporterStats, FlushOptions } from "./records.js";
export { inject, extract, type ExtractedContext, type ExtractOptions, type HeaderCarrier, type TraceParent } from "./propagation/w3c.js";
export { OtlpHttpExporter, type OtlpHttpExporterOptions } from "./otlp/exporter.js";
export { resolveOtlpConfig, DEFAULT_OTLP_ENDPOINT, type OtlpOptions, type ResolvedOtlpConfig, type OtlpProtocol, type OtlpCompression } from "./otlp/config.js";
export { w3cTraceId, w3cSpanId, w3cRootSpanId } from "./otlp/ids.js";
export { OtelBridgeExporter, type OtelBridgeExporterOptions } from "./otel-bridge/bridge.js";
export { sanitize, isSecretKey, REDACTED } from "./sanitize.js";
export { maskSecrets } from "./secrets.js";
export { dataField, dataRecord, dataArray, dataItems, plainRecord, isProxy, GETTER_PLACEHOLDER, PROXY_PLACEHOLDER } from "./plain-data.js";
export { Span, type SpanOptions, type SpanType } from "./span.js";
export { Trace, type TraceOptions } from "./trace.js";
export { traceAgent, traceSpan, AgentTrace, AgentSpan, type TraceAgentOptions, type TraceSpanOptions } from "./wrappers.js";
export { SDK_VERSION } from "./version.js";
export * from "./exporters/index.js";
export { suppressProviderSpans, unsuppressProviderSpans, isProviderSpanSuppressed } from "./suppress.js";
export { runObserved, type Settle } from "./observe.js";
export * from "./provider/index.js";
export { tool, linkToolSpan, configureToolLinks, toolLinkStats, resetToolLinks, findToolCall, type ToolOptions, type ToolSpanHint, type ToolLinkOptions, type ToolLinkStats, type ToolCallLink } from "./tool.js";
export { bindChannelContext, type ChannelContextChoice, type StoreBindableChannel } from "./channel-context.js";
export { registerPriceTable, priceTableSource } from "./cost/registry.js";
export { computeCost } from "./cost/compute.js";
export { formatUsd, costTotal } from "./cost/format.js";
export type { SpanCost, ModelPrices, MtokPrice, TieredMtokPrice, PriceMatch, PriceTable, PriceTableSource, UserModelPrice } from "./cost/types.js";
export type { ReportedCost } from "./cost/reported.js";
