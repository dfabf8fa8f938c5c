/** The JSON API's shapes, as the page reads them (see `../api.ts` and `../store.ts`). */

export interface Row {
  trace_id: string;
  agent_name: string;
  status: string;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  spans: number;
  failed_spans: number;
  llm_calls: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_usd: number | null;
  models: string[];
  tags: string[];
  error: string | null;
}

export interface ListAnswer {
  version: number;
  unchanged?: boolean;
  total: number;
  matching: number;
  rows: Row[];
  facets: { agents: string[]; models: string[]; tags: string[]; statuses: string[] };
  file: string;
}

export interface Span {
  id: string;
  span_type: string;
  name: string;
  status: string;
  started_at: string | null;
  completed_at: string | null;
  latency_ms: number | null;
  parent_span_id: string | null;
  model_id?: string;
  input?: unknown;
  output?: unknown;
  tools?: unknown[];
  tool_calls?: unknown[];
  error?: string;
  input_tokens?: number;
  output_tokens?: number;
  cached_input_tokens?: number;
  cache_creation_input_tokens?: number;
  metadata?: Record<string, unknown>;
  tags?: string[];
}

export interface Trace {
  trace_id: string;
  agent_name: string;
  status: string;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  model: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  summary: Record<string, unknown>;
  error: string | null;
  spans: Span[];
}
