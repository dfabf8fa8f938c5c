/**
 * The shapes of the `tracium ui` JSON API, shared by the server and the page (type-only: nothing
 * here runs, so the page's browser build can import it).
 */
import type { FileSpan, FileTrace } from "../traces.js";

/** One trace in the list (built by the `TraceStore`). */
export interface TraceRow {
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
  /** Order of first appearance in the file (larger is newer). */
  seq: number;
  /** {@link TraceStore.version} when the row last changed. */
  version: number;
}

/** `GET /api/traces`: one page of the filtered, sorted list. */
export interface ListAnswer {
  version: number;
  /** Set (and nothing else) when the version asked with `since` is still current. */
  unchanged?: boolean;
  total: number;
  matching: number;
  rows: TraceRow[];
  facets: { agents: string[]; models: string[]; tags: string[]; statuses: string[] };
  file: string;
}

/** `GET /api/traces/ID`: one trace in full. */
export interface TraceAnswer {
  version: number;
  unchanged?: boolean;
  trace: FileTrace;
}

export type { FileSpan, FileTrace };
