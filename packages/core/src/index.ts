/**
 * @tracium/core: the trace/span engine of Tracium for TypeScript.
 * Users install `@tracium/sdk`, which re-exports everything here and registers the built-in plugins.
 */
export { init, getClient, isInitialized, agentTrace, startTrace, span, startSpan, currentTrace, currentSpan, flush, shutdown, stats } from "./tracing/api.js";
export { withTraceFlush, flushInBackground, type WaitUntilContext } from "./tracing/flush-hooks.js";
export { TraciumClient, type ClientStats } from "./tracing/client.js";
export { resolveConfig, DEFAULT_BASE_URL, DEFAULT_FILE_PATH, type TraciumOptions, type ResolvedConfig, type ExporterName, type RedactFn } from "./config/config.js";
export { activeContext, runInSpanContext, runOutsideContext, registerContextSource, type ContextStore, type ContextSource, type ExternalContext } from "./tracing/context.js";
export { logger, type LogLevel, type LogSink, type TraciumLogger } from "./util/logger.js";
export { registerPlugin, registeredPlugins, instrument, uninstrument, type TraciumPlugin } from "./integrations/plugins.js";
export { wrapMethod, unwrapMethod, isWrapped } from "./util/patch.js";
export { patchProviderModule, packageOfModule, testedRangeOf, versionOfValue, type ProviderModuleVerdict } from "./integrations/compat.js";
export { versionInRange, parseVersion } from "./util/versions.js";
export { captureContext, runInContext, bindContext, type CapturedContext } from "./tracing/propagation.js";
export type { SpanData, TraceData, TraceLink, TokenUsage, Status, ExportRecord, Exporter, ExporterStats, FlushOptions } from "./model/records.js";
export { inject, extract, type ExtractedContext, type ExtractOptions, type HeaderCarrier, type TraceParent } from "./tracing/w3c.js";
export { OtlpHttpExporter, type OtlpHttpExporterOptions } from "./export/otlp/exporter.js";
export { resolveOtlpConfig, DEFAULT_OTLP_ENDPOINT, type OtlpOptions, type ResolvedOtlpConfig, type OtlpProtocol, type OtlpCompression } from "./config/otlp.js";
export { w3cTraceId, w3cSpanId, w3cRootSpanId } from "./export/otlp/ids.js";
export { OtelBridgeExporter, type OtelBridgeExporterOptions } from "./export/otel-bridge/bridge.js";
export { sanitize, isSecretKey, REDACTED } from "./capture/sanitize.js";
export { maskSecrets } from "./util/secrets.js";
export { dataField, dataRecord, dataArray, dataItems, plainRecord, isProxy, GETTER_PLACEHOLDER, PROXY_PLACEHOLDER } from "./util/plain-data.js";
export { Span, type SpanOptions, type SpanType } from "./tracing/span.js";
export { Trace, type TraceOptions } from "./tracing/trace.js";
export type { SpanEventHandlers } from "./tracing/span-events.js";
export { traceAgent, traceSpan, AgentTrace, AgentSpan, type TraceAgentOptions, type TraceSpanOptions } from "./tracing/wrappers.js";
export { SDK_VERSION } from "./util/version.js";
export * from "./export/exporters/index.js";
export { suppressProviderSpans, unsuppressProviderSpans, isProviderSpanSuppressed } from "./context/suppress.js";
export { runObserved, type Settle } from "./util/observe.js";
export * from "./integrations/provider/index.js";
export { tool, linkToolSpan, configureToolLinks, toolLinkStats, resetToolLinks, findToolCall, type ToolOptions, type ToolSpanHint, type ToolLinkOptions, type ToolLinkStats, type ToolCallLink } from "./integrations/tool.js";
export { bindChannelContext, type ChannelContextChoice, type StoreBindableChannel } from "./integrations/channel-context.js";
export { registerPriceTable, priceTableSource } from "./model/cost/registry.js";
export { computeCost } from "./model/cost/compute.js";
export { formatUsd, costTotal } from "./model/cost/format.js";
export type { SpanCost, ModelPrices, MtokPrice, TieredMtokPrice, PriceMatch, PriceTable, PriceTableSource, UserModelPrice } from "./model/cost/types.js";
export type { ReportedCost } from "./model/cost/reported.js";
