/**
 * Local copies of the OpenTelemetry GenAI semantic-convention names we emit (all "Development"
 * status upstream), so nothing depends on the unstable `@opentelemetry/semantic-conventions/incubating`
 * entry point at runtime. Tracium-specific extras live under `tracium.*`.
 */
export const ATTR = {
  OPERATION_NAME: "gen_ai.operation.name",
  PROVIDER_NAME: "gen_ai.provider.name",
  AGENT_NAME: "gen_ai.agent.name",
  AGENT_ID: "gen_ai.agent.id",
  CONVERSATION_ID: "gen_ai.conversation.id",
  OUTPUT_TYPE: "gen_ai.output.type",
  REQUEST_MODEL: "gen_ai.request.model",
  REQUEST_TEMPERATURE: "gen_ai.request.temperature",
  REQUEST_TOP_P: "gen_ai.request.top_p",
  REQUEST_TOP_K: "gen_ai.request.top_k",
  REQUEST_MAX_TOKENS: "gen_ai.request.max_tokens",
  REQUEST_FREQUENCY_PENALTY: "gen_ai.request.frequency_penalty",
  REQUEST_PRESENCE_PENALTY: "gen_ai.request.presence_penalty",
  REQUEST_STOP_SEQUENCES: "gen_ai.request.stop_sequences",
  REQUEST_SEED: "gen_ai.request.seed",
  REQUEST_CHOICE_COUNT: "gen_ai.request.choice.count",
  REQUEST_STREAM: "gen_ai.request.stream",
  REQUEST_ENCODING_FORMATS: "gen_ai.request.encoding_formats",
  EMBEDDINGS_DIMENSION_COUNT: "gen_ai.embeddings.dimension.count",
  RESPONSE_MODEL: "gen_ai.response.model",
  RESPONSE_ID: "gen_ai.response.id",
  RESPONSE_FINISH_REASONS: "gen_ai.response.finish_reasons",
  RESPONSE_TIME_TO_FIRST_CHUNK: "gen_ai.response.time_to_first_chunk",
  USAGE_INPUT_TOKENS: "gen_ai.usage.input_tokens",
  USAGE_OUTPUT_TOKENS: "gen_ai.usage.output_tokens",
  USAGE_CACHE_READ_INPUT_TOKENS: "gen_ai.usage.cache_read.input_tokens",
  USAGE_CACHE_CREATION_INPUT_TOKENS: "gen_ai.usage.cache_creation.input_tokens",
  USAGE_REASONING_OUTPUT_TOKENS: "gen_ai.usage.reasoning.output_tokens",
  /** Not in the GenAI conventions (they define no cost): the call's or trace's cost in US dollars. */
  USAGE_COST: "gen_ai.usage.cost",
  TOOL_NAME: "gen_ai.tool.name",
  TOOL_CALL_ID: "gen_ai.tool.call.id",
  TOOL_TYPE: "gen_ai.tool.type",
  TOOL_DESCRIPTION: "gen_ai.tool.description",
  TOOL_CALL_ARGUMENTS: "gen_ai.tool.call.arguments",
  TOOL_CALL_RESULT: "gen_ai.tool.call.result",
  TOOL_DEFINITIONS: "gen_ai.tool.definitions",
  INPUT_MESSAGES: "gen_ai.input.messages",
  OUTPUT_MESSAGES: "gen_ai.output.messages",
  SYSTEM_INSTRUCTIONS: "gen_ai.system_instructions",
  ERROR_TYPE: "error.type",
  HTTP_RESPONSE_STATUS_CODE: "http.response.status_code",
  EXCEPTION_TYPE: "exception.type",
  EXCEPTION_MESSAGE: "exception.message",
  EXCEPTION_STACKTRACE: "exception.stacktrace",
  OPENAI_RESPONSE_SYSTEM_FINGERPRINT: "openai.response.system_fingerprint",
  OPENAI_RESPONSE_SERVICE_TIER: "openai.response.service_tier",
  SERVICE_NAME: "service.name",
  TELEMETRY_SDK_NAME: "telemetry.sdk.name",
  TELEMETRY_SDK_LANGUAGE: "telemetry.sdk.language",
  TELEMETRY_SDK_VERSION: "telemetry.sdk.version",
  // Tracium extras.
  TRACIUM_TRACE_ID: "tracium.trace.id",
  TRACIUM_SPAN_ID: "tracium.span.id",
  TRACIUM_SPAN_TYPE: "tracium.span.type",
  TRACIUM_TAGS: "tracium.tags",
  TRACIUM_AGENT_VERSION: "tracium.agent.version",
  TRACIUM_WORKSPACE_ID: "tracium.workspace.id",
  TRACIUM_INPUT: "tracium.input",
  TRACIUM_OUTPUT: "tracium.output",
  TRACIUM_METADATA_PREFIX: "tracium.metadata.",
  TRACIUM_SUMMARY_PREFIX: "tracium.summary.",
} as const;

/** `gen_ai.operation.name` values we emit. */
export const OPERATION = {
  CHAT: "chat",
  TEXT_COMPLETION: "text_completion",
  EMBEDDINGS: "embeddings",
  EXECUTE_TOOL: "execute_tool",
  INVOKE_AGENT: "invoke_agent",
} as const;

/** `error.type` when nothing more specific is known. */
export const ERROR_TYPE_OTHER = "_OTHER";
