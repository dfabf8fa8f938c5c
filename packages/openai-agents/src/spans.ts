/**
 * One Agents SDK span → one Tracium span: its type and name when it starts, what it recorded when
 * it ends. Span types: `task` (the workflow) and `turn` → `chain`; `agent` → `agent`; `response`
 * and `generation` (one model call) → `llm`; `function` → `tool` (linked to the model's tool
 * call); `handoff` → `handoff` (both agent names); `guardrail` → `guardrail` (the verdict);
 * `mcp_tools` → `tool`; `custom` and anything newer keep their type. Nothing here throws.
 */
import { linkToolSpan, safeGet, type Span, type SpanOptions } from "@tracium/core";
import { recordResponse, requestInput } from "@tracium/openai";
import { dataOf, record, text, type AgentsSpanView } from "./read.js";

/** The Agents SDK span types that are one model call (provider plugins skip their span inside). */
export function isModelCall(type: string): boolean {
  return type === "response" || type === "generation";
}

const SOURCE = { source: "openai-agents" } as const;

/** The Tracium span a starting Agents SDK span becomes. */
export function startOptions(span: AgentsSpanView): SpanOptions {
  const name = text(dataOf(span, "name"));
  const base: SpanOptions = span.startedAt !== undefined ? { startedAt: span.startedAt } : {};
  const metadata: Record<string, unknown> = { ...SOURCE, agents_span_type: span.type };
  switch (span.type) {
    case "task":
      return { ...base, spanType: "chain", name: name ?? "Agent workflow", metadata };
    case "turn": {
      const turn = dataOf(span, "turn");
      const agent = text(dataOf(span, "agent_name"));
      if (agent) metadata.agent_name = agent;
      return { ...base, spanType: "chain", name: typeof turn === "number" ? `turn ${turn}` : "turn", metadata };
    }
    case "agent":
      for (const key of ["handoffs", "tools", "output_type"]) {
        const v = dataOf(span, key);
        if (v !== undefined) metadata[key] = v;
      }
      return { ...base, spanType: "agent", name: name ?? "agent", metadata };
    case "response":
      return { ...base, spanType: "llm", name: "openai.responses", metadata: { ...metadata, provider: "openai", operation: "responses" } };
    case "generation": {
      const model = text(dataOf(span, "model"));
      return { ...base, spanType: "llm", name: "generation", metadata, ...(model ? { modelId: model } : {}) };
    }
    case "function":
      return { ...base, spanType: "tool", name: name ?? "function", metadata };
    case "handoff":
      return { ...base, spanType: "handoff", name: "handoff", metadata };
    case "guardrail":
      return { ...base, spanType: "guardrail", name: name ?? "guardrail", metadata };
    case "mcp_tools":
      return { ...base, spanType: "tool", name: "mcp.list_tools", metadata };
    default:
      return { ...base, spanType: span.type, name: name ?? span.type, metadata };
  }
}

/** Larger JSON text stays text (the capture truncates it): parsing it would cost its full size. */
const MAX_PARSED = 64 * 1024;

/** A tool's input or output: the JSON it usually is, parsed (up to {@link MAX_PARSED}), else the text. */
function jsonOrText(value: unknown): unknown {
  if (typeof value !== "string" || value.length > MAX_PARSED) return value;
  const t = value.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return value;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return value;
  }
}

/** Generation usage (`input_tokens`/`output_tokens`, extra counts under `details`). */
function generationUsage(target: Span, usage: unknown): void {
  const input = safeGet(usage, "input_tokens");
  const output = safeGet(usage, "output_tokens");
  if (typeof input !== "number" && typeof output !== "number") return;
  target.setTokenUsage({ ...(typeof input === "number" ? { inputTokens: input } : {}), ...(typeof output === "number" ? { outputTokens: output } : {}) });
}

/** What the ended Agents SDK span recorded, written onto its Tracium span (not ended here). */
export function recordEnd(span: AgentsSpanView, target: Span, parent: Span | undefined): void {
  switch (span.type) {
    case "task":
    case "turn": {
      // Token counts stay on the llm spans (the trace summary adds those up); this is the SDK's total.
      const usage = record(dataOf(span, "usage"));
      if (usage) target.setMetadata({ usage });
      break;
    }
    case "response": {
      const id = text(dataOf(span, "response_id"));
      if (id) target.setMetadata({ response_id: id });
      const input = requestInput({ input: dataOf(span, "_input") }, "responses");
      if (input) target.recordInput(input);
      recordResponse(target, dataOf(span, "_response"), "responses");
      break;
    }
    case "generation": {
      const model = text(dataOf(span, "model"));
      if (model) target.setModelId(model);
      const input = dataOf(span, "input");
      if (input !== undefined) target.recordInput({ messages: input });
      const config = record(dataOf(span, "model_config"));
      if (config) target.setMetadata({ request_params: config });
      const output = dataOf(span, "output");
      // The Chat Completions model hands over the whole completion (`[response]`): read it as the
      // openai plugin does (usage normalised, tool calls, finish reasons).
      const completion = Array.isArray(output) && output.length === 1 ? record(safeGet(output, 0)) : undefined;
      if (completion && Array.isArray(safeGet(completion, "choices"))) {
        recordResponse(target, completion, "chat");
      } else if (output !== undefined) target.recordOutput(output);
      generationUsage(target, dataOf(span, "usage"));
      break;
    }
    case "function": {
      const input = dataOf(span, "input");
      const output = dataOf(span, "output");
      if (input !== undefined && input !== "") target.recordInput(jsonOrText(input));
      if (output !== undefined) target.recordOutput(jsonOrText(output));
      const mcp = dataOf(span, "mcp_data");
      if (mcp !== undefined) target.setMetadata({ mcp_data: jsonOrText(mcp) });
      linkToolSpan(target, { toolName: text(dataOf(span, "name")), arguments: input, parent });
      break;
    }
    case "agent": {
      // The SDK starts an agent span with empty lists and fills them in after: read them again.
      const lists: Record<string, unknown> = {};
      for (const key of ["handoffs", "tools", "output_type"]) {
        const v = dataOf(span, key);
        if (v !== undefined) lists[key] = v;
      }
      if (Object.keys(lists).length > 0) target.setMetadata(lists);
      break;
    }
    case "handoff": {
      const from = text(dataOf(span, "from_agent"));
      const to = text(dataOf(span, "to_agent"));
      target.setMetadata({ ...(from ? { from_agent: from } : {}), ...(to ? { to_agent: to } : {}) });
      target.recordOutput({ from_agent: from ?? null, to_agent: to ?? null });
      break;
    }
    case "guardrail": {
      const triggered = dataOf(span, "triggered") === true;
      target.setMetadata({ triggered });
      target.recordOutput({ triggered });
      break;
    }
    case "mcp_tools": {
      const server = text(dataOf(span, "server"));
      if (server) target.setMetadata({ server });
      const result = dataOf(span, "result");
      if (result !== undefined) target.recordOutput(result);
      break;
    }
    case "custom": {
      const data = record(dataOf(span, "data"));
      if (data) target.setMetadata({ data });
      break;
    }
    default:
      break;
  }
  if (span.error) {
    if (span.error.data !== undefined) target.setMetadata({ error_data: span.error.data });
    target.markFailed(span.error.message);
  }
}
